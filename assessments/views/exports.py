"""The CSV of blockers, streamed, for the hosts the hosts-list filters select."""

from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone

from assessments.pages.exports import blocker_rows, csv_lines
from assessments.views.common import hosts_for
from fleet.lib.roles import VIEWER, role_required


@role_required(VIEWER)
def blockers_csv(request: HttpRequest) -> StreamingHttpResponse:
    _, hosts, _ = hosts_for(request)
    include_warnings = request.GET.get("include") == "warnings"
    response = StreamingHttpResponse(
        csv_lines(blocker_rows(hosts, include_warnings=include_warnings)),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="p2c-blockers-{stamp}.csv"'
    return response
