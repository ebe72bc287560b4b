"""One error body for every API refusal: `{"detail": "<sentence>", "errors": {field: [...]}}`.

`errors` is empty when no field is to blame; a body-wide problem is under `non_field_errors`.
"""

from typing import Any

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

INVALID = "The request has invalid fields; see errors."


def _messages(value: Any) -> list[str]:
    if isinstance(value, list):
        return [m for item in value for m in _messages(item)]
    if isinstance(value, dict):
        return [f"{key}: {m}" for key, item in value.items() for m in _messages(item)]
    return [str(value)]


def error_body(detail: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or {}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        data = exc.detail
        if isinstance(data, dict):
            errors = {str(field): _messages(value) for field, value in data.items()}
        else:
            errors = {"non_field_errors": _messages(data)}
        only = errors.get("non_field_errors", [])
        detail = getattr(exc, "summary", "") or (
            only[0] if len(errors) == 1 and len(only) == 1 else INVALID
        )
        response.data = error_body(detail, errors)
    elif isinstance(exc, Http404):
        response.data = error_body("Not found.")
    else:
        data = response.data
        detail = data.get("detail", "") if isinstance(data, dict) else data
        response.data = error_body(str(detail))
    return response


class InvalidFilter(exceptions.ValidationError):
    """A filter parameter the filterset refused: 400 with each field's errors (the pages
    select nothing instead: a script must hear about it)."""

    summary = "A filter parameter is not valid; see errors."
    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, form_errors: Any) -> None:
        super().__init__({str(name): list(errs) for name, errs in form_errors.items()})


def check_filterset(*filtersets: Any) -> None:
    """Raise InvalidFilter naming every invalid field of these django-filter FilterSets."""
    errors: dict[str, Any] = {}
    for filterset in filtersets:
        if not filterset.is_valid():
            errors.update(filterset.errors)
    if errors:
        raise InvalidFilter(errors)
