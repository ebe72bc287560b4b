"""The exports of the hosts the hosts-list filters select: the CSV of blockers (streamed) and
the hosts table as CSV (streamed) or XLSX (written to a temporary file, then streamed)."""

from collections.abc import Iterator

from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase

from assessments.filtersets import HostFilterSet, filter_errors
from assessments.pages import hosts_export
from assessments.pages.exports import attachment_name, blocker_rows, csv_lines
from assessments.views.common import hosts_for
from fleet.lib.roles import VIEWER, role_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _invalid(filterset: HostFilterSet) -> HttpResponseBadRequest:
    # A file of no rows would read as "no blockers": say what is wrong instead.
    reason = f"Invalid filter: {filter_errors(filterset)}\n"
    return HttpResponseBadRequest(reason, content_type="text/plain; charset=utf-8")


def _attachment(response: HttpResponseBase, name: str, extension: str) -> None:
    response["Content-Disposition"] = attachment_name(name, extension)


def _csv(lines: Iterator[str], name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    _attachment(response, name, "csv")
    return response


@role_required(VIEWER)
def blockers_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    filterset, hosts, _ = hosts_for(request)
    if filterset.errors:
        return _invalid(filterset)
    include_warnings = request.GET.get("include") == "warnings"
    return _csv(csv_lines(blocker_rows(hosts, include_warnings=include_warnings)), "blockers")


@role_required(VIEWER)
def hosts_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    filterset, hosts, _ = hosts_for(request)
    if filterset.errors:
        return _invalid(filterset)
    return _csv(csv_lines(hosts_export.host_rows(hosts), header=hosts_export.HEADER), "hosts")


@role_required(VIEWER)
def hosts_xlsx(request: HttpRequest) -> HttpResponse | FileResponse:
    filterset, hosts, _ = hosts_for(request)
    if filterset.errors:
        return _invalid(filterset)
    # Written to a temporary file, not built in memory; FileResponse streams and closes it.
    response = FileResponse(hosts_export.xlsx_file(hosts), content_type=XLSX)
    _attachment(response, "hosts", "xlsx")
    return response
