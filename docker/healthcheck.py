#!/usr/bin/env python3
"""Container healthcheck of the web service: the login page answers.

Sends the Host header Django accepts (the first ALLOWED_HOSTS entry) and marks the request
as HTTPS, as the TLS proxy in front would, so neither host validation nor the HTTPS
redirect gets in the way.
"""

import os
import sys
import urllib.request

hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
host = next((h.lstrip(".") for h in hosts if h != "*"), "localhost")
request = urllib.request.Request(
    "http://127.0.0.1:8000/login/", headers={"Host": host, "X-Forwarded-Proto": "https"}
)
try:
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (fixed URL)
        sys.exit(0 if response.status == 200 else 1)
except Exception as exc:
    print(f"unhealthy: {exc}", file=sys.stderr)
    sys.exit(1)
