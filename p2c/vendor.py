"""Copy plotly.js from the installed plotly package into static/vendor/.

Fleets are often air-gapped: the browser gets plotly.js from our own static files, never
from a CDN, and the file is never committed (it comes from the package at build time).
Run as `python -m p2c.vendor`.
"""

import shutil
import sys
from pathlib import Path

import plotly

TARGET = Path(__file__).resolve().parent.parent / "static" / "vendor" / "plotly.min.js"


def main() -> int:
    source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not source.exists():
        print(
            f"plotly.min.js not found in the installed plotly package ({source})", file=sys.stderr
        )
        return 1
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, TARGET)
    print(f"copied {source} -> {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
