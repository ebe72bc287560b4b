"""`/api/v1/exports/`: the CSV of blockers and the hosts table (CSV, XLSX) of the hosts the
hosts list's filters select: the same files as the pages' exports, with an invalid filter
refused as a JSON 400 (a file of no rows would read as "no blockers")."""

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import api_view
from rest_framework.request import Request

from assessments.api.hosts import filter_parameters
from assessments.filtersets import filtered_hosts
from assessments.pages import hosts_export
from assessments.pages.exports import attachment_name, blocker_rows, csv_lines
from fleet.models import Host
from p2c.api.errors import check_filterset

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def selected_hosts(request: Request) -> QuerySet[Host]:
    filterset, hosts = filtered_hosts(request.query_params)
    check_filterset(filterset)
    return hosts


def attachment(response: HttpResponseBase, name: str, extension: str) -> HttpResponseBase:
    response["Content-Disposition"] = attachment_name(name, extension)
    return response


def file_response(media_type: str, what: str) -> dict[int, OpenApiResponse]:
    return {200: OpenApiResponse(OpenApiTypes.BINARY, description=f"{what} ({media_type})")}


INCLUDE = OpenApiParameter(
    "include", OpenApiTypes.STR, enum=["warnings"], description="`warnings`: warnings too"
)


@extend_schema(
    parameters=[*filter_parameters(), INCLUDE],
    responses=file_response(CSV, "one row per (host, finding); design.md's columns"),
)
@api_view(["GET"])
def blockers_csv(request: Request) -> HttpResponseBase:
    """The CSV of blockers of the selected hosts (`export_blockers` writes the same)."""
    hosts = selected_hosts(request)
    include_warnings = request.query_params.get("include") == "warnings"
    rows = blocker_rows(hosts, include_warnings=include_warnings)
    return attachment(StreamingHttpResponse(csv_lines(rows), content_type=CSV), "blockers", "csv")


@extend_schema(
    parameters=filter_parameters(),
    responses=file_response(CSV, "one row per host, worst severity per restriction class"),
)
@api_view(["GET"])
def hosts_csv(request: Request) -> HttpResponseBase:
    """The hosts table of the selected hosts as CSV."""
    rows = hosts_export.host_rows(selected_hosts(request))
    lines = csv_lines(rows, header=hosts_export.HEADER)
    return attachment(StreamingHttpResponse(lines, content_type=CSV), "hosts", "csv")


@extend_schema(
    parameters=filter_parameters(),
    responses=file_response(XLSX, "summary, hosts and findings sheets"),
)
@api_view(["GET"])
def hosts_xlsx(request: Request) -> HttpResponseBase:
    """The hosts table of the selected hosts as an XLSX workbook."""
    book = hosts_export.xlsx_file(selected_hosts(request))
    return attachment(FileResponse(book, content_type=XLSX), "hosts", "xlsx")
