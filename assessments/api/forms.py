"""The pages' forms behind the API's writes: the same validation, the same messages.

A write builds the page's form from the request body (JSON or form data); a PATCH starts from
the object's current values, so a field left out keeps its value. A form's errors become the
API's error body (`__all__` as `non_field_errors`)."""

from typing import Any

from django import forms
from django.http import QueryDict
from rest_framework.exceptions import ValidationError


def form_errors(*checked: forms.BaseForm) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for form in checked:
        for field, messages in form.errors.items():
            name = "non_field_errors" if field == "__all__" else field
            errors.setdefault(name, []).extend(str(m) for m in messages)
    return errors


def check(*checked: forms.BaseForm) -> None:
    """Raise the API's 400 naming every field any of these forms refused."""
    valid = [form.is_valid() for form in checked]  # every form, so every error is named
    if not all(valid):
        raise ValidationError(form_errors(*checked))


def current_values(form: forms.BaseForm) -> dict[str, Any]:
    """What an unbound form shows for each field (the instance's values): a PATCH's base."""
    values: dict[str, Any] = {}
    for name in form.fields:
        bound = form[name]
        value = bound.value()
        if isinstance(bound.field, forms.ModelMultipleChoiceField) and value is not None:
            value = [getattr(item, "pk", item) for item in value]
        elif isinstance(bound.field, forms.ModelChoiceField) and hasattr(value, "pk"):
            value = value.pk
        values[name] = "" if value is None else value
    return values


def body(data: Any, base: dict[str, Any] | None = None, nested: tuple[str, ...] = ()) -> Any:
    """The request's fields as a form's data, over `base` (for a PATCH): a QueryDict for
    form data (repeated keys stay lists), a dict for JSON (a null is an empty field). A JSON
    list or object is refused except under `nested` keys: the forms' fields take one value."""
    if isinstance(data, QueryDict):
        merged = QueryDict(mutable=True)
        for key, value in (base or {}).items():
            merged.setlist(key, value if isinstance(value, list) else [value])
        for key, values in data.lists():
            merged.setlist(key, values)
        return merged
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": ["The body must be a JSON object."]})
    wrong = {
        str(key): ["Give one value (a string, number or boolean), not a list or an object."]
        for key, value in data.items()
        if key not in nested and isinstance(value, list | dict)
    }
    if wrong:
        raise ValidationError(wrong)
    # As text, as a browser sends it: a form field reads text (a date field given a number
    # would fail, not refuse); `true`/`false` still tick a box.
    sent = {k: v if isinstance(v, str) or k in nested else _text(v) for k, v in data.items()}
    merged_dict = {**(base or {}), **sent}
    return {k: ("" if v is None else v) for k, v in merged_dict.items()}


def _text(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
