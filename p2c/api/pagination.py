"""Pagination of lists: a cursor for the big ones (findings), stable under inserts and
constant-time at any depth; `?limit=` sets the page size (at most MAX_PAGE_SIZE)."""

from rest_framework.pagination import CursorPagination, LimitOffsetPagination

PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


class Cursor(CursorPagination):
    """`{"next": url|null, "previous": url|null, "results": [...]}`, newest first by pk.

    A view orders otherwise with `ordering` (a unique, non-null field last, e.g.
    `("name", "pk")`), or per request through an OrderingFilter it declares."""

    page_size = PAGE_SIZE
    page_size_query_param = "limit"
    max_page_size = MAX_PAGE_SIZE
    ordering = "-pk"


class Offset(LimitOffsetPagination):
    """`{"count": n, "next", "previous", "results"}` with `?limit=&offset=`: for lists that
    sort by any column like their page does (a cursor needs a unique order)."""

    default_limit = PAGE_SIZE
    max_limit = MAX_PAGE_SIZE


def cursor_by(*fields: str) -> type[Cursor]:
    """A Cursor ordered by `fields` (end with a unique one: `cursor_by("-created", "-pk")`)."""
    return type("Cursor", (Cursor,), {"ordering": fields})
