"""`ETag` on detail answers and `If-None-Match` -> 304 Not Modified.

The tag is a digest of the serialized body, so it changes whenever anything shown changes
(a new scan result, a renamed host) and needs no timestamp on every model."""

import hashlib
import json
from typing import Any

from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response


def etag_of(data: Any) -> str:
    body = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'


def matches(header: str, tag: str) -> bool:
    wanted = {part.strip().removeprefix("W/") for part in header.split(",")}
    return tag in wanted or "*" in wanted


def conditional(request: Request, response: Response) -> Response:
    """The response with its ETag, or an empty 304 if the client already holds it."""
    if response.status_code != status.HTTP_200_OK or response.data is None:
        return response
    tag = etag_of(response.data)
    if matches(request.headers.get("If-None-Match", ""), tag):
        response = Response(status=status.HTTP_304_NOT_MODIFIED)
    response["ETag"] = tag
    return response


class ETagMixin:
    """On a ViewSet (before the DRF mixins): `retrieve` answers with an ETag and honours
    If-None-Match."""

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response: Response = super().retrieve(request, *args, **kwargs)  # type: ignore[misc]
        return conditional(request, response)
