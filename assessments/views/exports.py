"""The CSV of blockers, streamed, for the hosts the hosts-list filters select."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone

from assessments.filtersets import filter_errors
from assessments.pages.exports import blocker_rows, csv_lines
from assessments.views.common import hosts_for
from fleet.lib.roles import VIEWER, role_required


@role_required(VIEWER)
def blockers_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    filterset, hosts, _ = hosts_for(request)
    if filterset.errors:
        # A file of no rows would read as "no blockers": say what is wrong instead.
        reason = f"Invalid filter: {filter_errors(filterset)}\n"
        return HttpResponseBadRequest(reason, content_type="text/plain; charset=utf-8")
    include_warnings = request.GET.get("include") == "warnings"
    response = StreamingHttpResponse(
        csv_lines(blocker_rows(hosts, include_warnings=include_warnings)),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="p2c-blockers-{stamp}.csv"'
    return response
