"""The other readiness pages: each renders for every role and refuses users without one."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import HostScan, Scan, ScanSchedule
from fleet.models import TargetNode
from tests.assessments.views.conftest import queries_for
from tests.builders import make_host, make_scan_result

pytestmark = pytest.mark.django_db

VIEWER_PAGES = [
    ("restriction-list", []),
    ("restriction-detail", ["filesystems"]),
    ("scan-list", []),
    ("destination-list", []),
    ("waiver-list", []),
    ("schedule-list", []),
    ("collector", []),
]
OPERATOR_PAGES = [("schedule-create", []), ("capture-upload", [])]


@pytest.mark.parametrize("name, args", VIEWER_PAGES)
@pytest.mark.parametrize("role", ["viewer_client", "operator_client", "admin_client_role"])
def test_every_role_reads_the_pages(request, fleet, role, name, args):
    client = request.getfixturevalue(role)
    assert client.get(reverse(name, args=args)).status_code == 200


@pytest.mark.parametrize("name, args", VIEWER_PAGES + OPERATOR_PAGES)
def test_a_user_without_a_role_is_refused(roleless_client, fleet, name, args):
    assert roleless_client.get(reverse(name, args=args)).status_code == 403


@pytest.mark.parametrize("name, args", VIEWER_PAGES + OPERATOR_PAGES)
def test_anonymous_users_are_sent_to_log_in(client, fleet, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name, args", OPERATOR_PAGES)
def test_viewers_cannot_open_operator_pages(viewer_client, name, args):
    assert viewer_client.get(reverse(name, args=args)).status_code == 403


@pytest.mark.parametrize("name, args", OPERATOR_PAGES)
def test_operators_open_operator_pages(operator_client, name, args):
    assert operator_client.get(reverse(name, args=args)).status_code == 200


@pytest.mark.parametrize(
    "name, args",
    [("restriction-list", []), ("restriction-detail", ["filesystems"]), ("scan-list", [])],
)
def test_query_counts_do_not_grow_with_the_fleet(
    viewer_client, same_queries_with_more_hosts, name, args
):
    assert same_queries_with_more_hosts(viewer_client, reverse(name, args=args)) <= 12


def test_the_restriction_page_lists_affected_hosts_with_evidence(viewer_client, fleet):
    response = viewer_client.get(reverse("restriction-detail", args=["filesystems"]))
    assert [f.host.name for f in response.context["page"]] == [h.name for h in fleet]
    assert response.context["summary"] == {"blocker": 3}
    assert "$ probe" in response.content.decode()
    assert "Fix it before the migration." in response.content.decode()


def test_an_unknown_restriction_is_not_found(viewer_client):
    assert viewer_client.get(reverse("restriction-detail", args=["nope"])).status_code == 404


def test_the_restriction_page_explains_the_class_from_the_check_docstrings(viewer_client):
    from assessments.checks import REGISTRY

    check = next(iter(REGISTRY.values()), None)
    if check is None:
        pytest.skip("no check registered yet")
    content = viewer_client.get(
        reverse("restriction-detail", args=[check.restriction])
    ).content.decode()
    assert check.explanation().split("\n")[0] in content


@pytest.fixture
def running_scan(fleet):
    scan = Scan.objects.create(status="running", started=timezone.now())
    HostScan.objects.create(scan=scan, host=fleet[0], status="done", verdict="ready")
    HostScan.objects.create(
        scan=scan, host=fleet[1], status="failed", error_class="timeout", error_detail="slow"
    )
    HostScan.objects.create(scan=scan, host=fleet[2], status="queued")
    return scan


def test_the_scan_page_polls_while_the_scan_runs(viewer_client, running_scan):
    response = viewer_client.get(reverse("scan-detail", args=[running_scan.pk]))
    content = response.content.decode()
    assert 'hx-trigger="every 2s"' in content and "django_htmx/htmx-2.min.js" in content
    assert response.context["progress"]["total"] == 3
    assert "Timed out" in content and "slow" in content


def test_the_progress_partial_stops_polling_when_the_scan_is_over(viewer_client, running_scan):
    url = reverse("scan-progress", args=[running_scan.pk])
    assert viewer_client.get(url).status_code == 200
    Scan.objects.filter(pk=running_scan.pk).update(status="finished")
    assert viewer_client.get(url).status_code == 286


def test_an_operator_cancels_a_scan(operator_client, running_scan):
    operator_client.post(reverse("scan-cancel", args=[running_scan.pk]))
    running_scan.refresh_from_db()
    assert running_scan.cancel_requested
    assert running_scan.host_scans.get(status="cancelled").host.name == "fleet-002"


def test_a_viewer_cannot_cancel_a_scan(viewer_client, running_scan):
    response = viewer_client.post(reverse("scan-cancel", args=[running_scan.pk]))
    assert response.status_code == 403


def test_an_operator_starts_a_scan_of_a_group(
    operator_client, fleet, django_capture_on_commit_callbacks
):
    from fleet.models import HostGroup

    group = HostGroup.objects.get(name="web")
    with django_capture_on_commit_callbacks(execute=False):
        response = operator_client.post(reverse("scan-start"), {"groups": [group.pk]})
    scan = Scan.objects.latest("pk")
    assert response.url == reverse("scan-detail", args=[scan.pk])
    assert scan.selection == {"groups": ["web"]}


def test_the_scan_page_query_count_does_not_grow_with_hosts(viewer_client, db):
    def scan_of(count, start):
        scan = Scan.objects.create(status="running")
        for i in range(start, start + count):
            HostScan.objects.create(scan=scan, host=make_host(name=f"s{i}"), status="done")
        return scan

    small, large = scan_of(3, 0), scan_of(30, 100)
    few = queries_for(viewer_client, reverse("scan-detail", args=[small.pk]))
    assert queries_for(viewer_client, reverse("scan-detail", args=[large.pk])) == few


def stored(generation="", architecture="", data_bytes=None, **fields):
    """The platform fields save_result writes."""
    return {
        "platform_stored": True,
        "windows_generation": generation,
        "architecture": architecture,
        "data_bytes": data_bytes,
        **fields,
    }


def destinations(client):  # type: ignore[no-untyped-def]
    context = client.get(reverse("destination-list")).context
    columns = {c["node"].name: [f.host.name for f in c["fits"]] for c in context["columns"]}
    return context, columns


def test_destinations_match_windows_generation_and_architecture(viewer_client, db):
    TargetNode.objects.create(
        name="pvc-2008r2", os_family="windows", windows_version="2008r2", architecture="x64"
    )
    TargetNode.objects.create(
        name="pvc-2003", os_family="windows", windows_version="2003", architecture="x86"
    )
    hosts = {
        "win2008r2": stored("2008r2", "x64"),
        "win2003": stored("2003", "x86"),
        "win2003-x64": stored("2003", "x64"),
        "win2012": stored("2012r2", "x64"),
        "win-unknown": stored(),
    }
    for name, platform in hosts.items():
        make_scan_result(make_host(name=name, os_family="windows"), [], **platform)
    context, columns = destinations(viewer_client)
    assert columns == {"pvc-2003": ["win2003"], "pvc-2008r2": ["win2008r2"]}
    reasons = {f.host.name: f.reasons for f in context["homeless"]}
    assert reasons == {
        "win-unknown": ["Windows version unknown", "architecture unknown"],
        "win2003-x64": ["Windows 2003", "x64 host, x86 node"],
        "win2012": ["Windows 2012r2", "x64 host, x86 node"],
    }


def test_destinations_compare_used_and_free_space(viewer_client, db):
    TargetNode.objects.create(name="tiny", os_family="linux", free_bytes=1024)
    make_scan_result(make_host(name="big"), [], **stored(data_bytes=51200))
    make_scan_result(make_host(name="small"), [], **stored(data_bytes=1000))
    make_scan_result(make_host(name="unsized"), [], **stored())
    context, columns = destinations(viewer_client)
    assert columns == {"tiny": ["small", "unsized"]}
    assert context["homeless"][0].reasons == ["not enough free space"]
    (column,) = context["columns"]
    assert (column["used"], column["unsized"], column["misfits"]) == (1000, 1, 1)


def test_destinations_ask_to_re_assess_results_stored_before_the_platform(viewer_client, db):
    TargetNode.objects.create(name="pvc", os_family="windows", windows_version="2008r2")
    make_scan_result(make_host(name="old", os_family="windows"), [])
    make_scan_result(make_host(name="down", os_family="windows"), [], status="failed")
    context, _ = destinations(viewer_client)
    reasons = {f.host.name: f.reasons for f in context["homeless"]}
    assert reasons == {
        "down": ["not judged: last scan failed"],
        "old": ["platform unknown (re-assess to fill)"],
    }
    assert (
        "unknown (re-assess to fill)"
        in viewer_client.get(reverse("destination-list")).content.decode()
    )


def test_destinations_count_every_host_and_list_the_first_ones(viewer_client, db, monkeypatch):
    monkeypatch.setattr("assessments.views.destinations.LISTED", 2)
    TargetNode.objects.create(name="pvc", os_family="linux")
    for i in range(5):
        make_scan_result(make_host(name=f"lin{i}"), [], **stored(data_bytes=10))
        make_scan_result(make_host(name=f"win{i}", os_family="windows"), [], **stored())
    context, columns = destinations(viewer_client)
    (column,) = context["columns"]
    assert columns == {"pvc": ["lin0", "lin1"]}
    assert (column["count"], column["more"], column["used"]) == (5, 3, 50)
    assert [f.host.name for f in context["homeless"]] == ["win0", "win1"]
    assert (context["homeless_count"], context["homeless_more"]) == (5, 3)


def test_destinations_read_no_capture_and_their_queries_do_not_grow(viewer_client, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    TargetNode.objects.create(name="lin", os_family="linux", free_bytes=10**12)
    TargetNode.objects.create(name="w8r2", os_family="windows", windows_version="2008r2")
    TargetNode.objects.create(name="w3", os_family="windows", windows_version="2003")

    def add(count, start):
        for i in range(start, start + count):
            windows = i % 2
            host = make_host(name=f"h{i:03d}", os_family="windows" if windows else "linux")
            platform = stored("2008r2", "x64") if windows else stored(data_bytes=10**9)
            make_scan_result(host, [], capture={"df": b"x"}, **platform)

    add(3, 0)
    few = queries_for(viewer_client, reverse("destination-list"))
    add(27, 100)
    with CaptureQueriesContext(connection) as captured:
        response = viewer_client.get(reverse("destination-list"))
    many = len(captured.captured_queries)
    assert few == many <= 10, f"{few} queries with 3 hosts, {many} with 30"
    assert not any("assessments_capture" in q["sql"] for q in captured.captured_queries)
    assert response.context["judged"] == 30


def test_an_operator_creates_a_schedule_with_its_next_run(operator_client, fleet):
    response = operator_client.post(
        reverse("schedule-create"),
        {
            "name": "nightly",
            "cron": "0 2 * * *",
            "timezone": "Europe/Berlin",
            "all_hosts": "on",
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    schedule = ScanSchedule.objects.get()
    assert schedule.selection == {"all": True}
    assert schedule.next_run is not None and schedule.next_run > timezone.now()
    assert schedule.next_run - timezone.now() <= datetime.timedelta(days=1)
    assert "nightly" in operator_client.get(reverse("schedule-list")).content.decode()


def test_it_refuses_a_bad_cron_expression(operator_client, fleet):
    operator_client.post(
        reverse("schedule-create"),
        {"name": "bad", "cron": "every night", "timezone": "UTC", "all_hosts": "on"},
    )
    assert not ScanSchedule.objects.exists()


def test_an_operator_edits_a_schedule(operator_client, fleet):
    schedule = ScanSchedule.objects.create(name="weekly", cron="0 3 * * 0", selection={"all": True})
    operator_client.post(
        reverse("schedule-edit", args=[schedule.pk]),
        {
            "name": "weekly",
            "cron": "0 4 * * 0",
            "timezone": "UTC",
            "hosts": "fleet-000",
            "enabled": "on",
        },
    )
    schedule.refresh_from_db()
    assert schedule.cron == "0 4 * * 0" and schedule.selection == {"hosts": ["fleet-000"]}


def test_the_collector_downloads(viewer_client):
    response = viewer_client.get(reverse("collector-download", args=["linux"]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert viewer_client.get(reverse("collector-download", args=["aix"])).status_code == 404


@pytest.mark.parametrize("os_family", ["linux", "windows"])
def test_the_collector_page_offers_the_collector_script_of_each_os(viewer_client, os_family):
    from assessments.probes.offline import collector_script

    page = viewer_client.get(reverse("collector")).content.decode()
    assert reverse("collector-download", args=[os_family]) in page
    filename, content = collector_script(os_family)
    response = viewer_client.get(reverse("collector-download", args=[os_family]))
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response.content.decode() == content


def test_the_schedules_page_shows_the_schedulers_next_run(viewer_client, db):
    from assessments.scanning.schedules import next_run_after

    ScanSchedule.objects.create(name="nightly", cron="30 2 * * *", timezone="Europe/Berlin")
    ScanSchedule.objects.create(name="broken", cron="30 2 * * *", timezone="Mars/Olympus")
    rows = dict(viewer_client.get(reverse("schedule-list")).context["rows"])
    by_name = {schedule.name: when for schedule, when in rows.items()}
    assert by_name["nightly"] == next_run_after("30 2 * * *", "Europe/Berlin", timezone.now())
    assert by_name["broken"] is None


def test_an_operator_uploads_a_capture(operator_client, db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.builders import make_capture

    host = make_host(name="airgapped")
    data = make_capture({"uname": b"Linux airgapped 2.6.32 x86_64\n"})
    upload = SimpleUploadedFile("capture.tar.gz", data, content_type="application/gzip")
    response = operator_client.post(reverse("capture-upload"), {"host": host.pk, "capture": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    from assessments.jobs import scan_batch

    scan = Scan.objects.get()  # judged by a job, not in the request
    scan_batch(scan.pk, list(scan.host_scans.values_list("pk", flat=True)))
    host.refresh_from_db()
    assert host.latest_scan is not None and host.latest_scan.transport == "capture"


def test_a_broken_capture_is_refused_with_a_message(operator_client, db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    host = make_host(name="airgapped")
    upload = SimpleUploadedFile("capture.tar.gz", b"not a tarball")
    response = operator_client.post(reverse("capture-upload"), {"host": host.pk, "capture": upload})
    assert response.status_code == 200 and response.context["form"].errors


def test_an_upload_of_8_mb_of_empty_gzip_members_is_refused_at_once(operator_client, db):
    import gzip

    from django.core.files.uploadedfile import SimpleUploadedFile

    host = make_host(name="airgapped")
    data = gzip.compress(b"", mtime=0) * (8 * 1024 * 1024 // 20)
    upload = SimpleUploadedFile("capture.tar.gz", data)
    response = operator_client.post(reverse("capture-upload"), {"host": host.pk, "capture": upload})
    assert response.status_code == 200
    assert "gzip streams one after the other" in str(response.context["form"].errors)


def test_the_restriction_page_lists_blockers_before_warnings(viewer_client, db):
    for name, severity in [("a-info", "info"), ("b-warn", "warning"), ("c-block", "blocker")]:
        make_scan_result(make_host(name=name), [("quotas", "quotas.on", severity)])
    url = reverse("restriction-detail", args=["quotas"])
    response = viewer_client.get(url, {"show": ["info", "warning", "blocker"]})
    assert [f.host.name for f in response.context["page"]] == ["c-block", "b-warn", "a-info"]


def restriction_fleet() -> None:
    for i in range(3):
        make_scan_result(make_host(name=f"info-{i}"), [("quotas", "quotas.on", "info")])
    make_scan_result(make_host(name="pass-0"), [("quotas", "quotas.on", "pass")])
    make_scan_result(make_host(name="warn-0"), [("quotas", "quotas.on", "warning")])


def shown_counts(response) -> dict[str, tuple[int, bool]]:  # type: ignore[no-untyped-def]
    return {s["key"]: (s["count"], s["shown"]) for s in response.context["severities"]}


def test_the_restriction_page_lists_blockers_warnings_and_unknown_by_default(viewer_client, db):
    restriction_fleet()
    response = viewer_client.get(reverse("restriction-detail", args=["quotas"]))
    assert [f.host.name for f in response.context["page"]] == ["warn-0"]
    assert shown_counts(response) == {
        "blocker": (0, True),
        "warning": (1, True),
        "unknown": (0, True),
        "info": (3, False),
        "pass": (1, False),
    }
    assert "1 finding on 1 host listed" in response.content.decode()


def test_info_and_pass_rows_are_listed_when_chosen_and_counted(viewer_client, db):
    restriction_fleet()
    url = reverse("restriction-detail", args=["quotas"])
    response = viewer_client.get(url, {"show": ["info", "pass"]})
    names = [f.host.name for f in response.context["page"]]
    assert names == ["info-0", "info-1", "info-2", "pass-0"]
    assert response.context["summary"] == {"info": 3, "pass": 1}
    content = response.content.decode()
    assert "4 findings on 4 hosts listed" in content
    assert 'name="show" value="info" checked' in content
    assert 'name="show" value="blocker">' in content


@pytest.mark.parametrize("name", ["destination-list", "waiver-list", "schedule-list"])
def test_other_lists_keep_their_query_count_flat(viewer_client, same_queries_with_more_hosts, name):
    same_queries_with_more_hosts(viewer_client, reverse(name))


def test_an_operator_scans_the_hosts_the_filters_select(
    operator_client, fleet, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = operator_client.post(reverse("scan-filtered"), {"q": "fleet-001"})
    scan = Scan.objects.latest("pk")
    assert response.url == reverse("scan-detail", args=[scan.pk])
    assert scan.selection == {"hosts": ["fleet-001"]}


def test_without_filters_it_asks_first_as_scan_all_hosts_does(operator_client, fleet):
    before = Scan.objects.count()
    response = operator_client.post(reverse("scan-filtered"))
    assert response.status_code == 200
    assert "3 enabled hosts" in response.content.decode()
    assert Scan.objects.count() == before


def test_the_confirm_of_an_unfiltered_scan_scans_all_hosts(
    operator_client, fleet, django_capture_on_commit_callbacks
):
    page = operator_client.post(reverse("scan-filtered")).content.decode()
    assert f'action="{reverse("scan-start")}"' in page and 'name="confirm" value="1"' in page
    with django_capture_on_commit_callbacks(execute=False):
        operator_client.post(reverse("scan-start"), {"all_hosts": "on", "confirm": "1"})
    assert Scan.objects.latest("pk").selection == {"all": True}


def test_a_filter_matching_nothing_starts_no_scan(operator_client, fleet):
    before = Scan.objects.count()
    operator_client.post(reverse("scan-filtered"), {"q": "nothing-matches"})
    assert Scan.objects.count() == before


def test_viewers_cannot_scan_filtered_hosts(viewer_client, fleet):
    assert viewer_client.post(reverse("scan-filtered")).status_code == 403


def test_the_hosts_list_carries_the_filters_into_the_scan_form(operator_client, fleet):
    content = operator_client.get(reverse("host-list"), {"q": "fleet"}).content.decode()
    assert '<input type="hidden" name="q" value="fleet">' in content
    assert "Scan these 3 hosts" in content


@pytest.mark.parametrize(
    "url",
    ["/", "/hosts/", "/restrictions/quotas/", "/scans/", "/destinations/", "/waivers/"],
)
def test_pages_have_no_inline_script_and_send_a_csp(operator_client, fleet, url):
    import re

    response = operator_client.get(url)
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert all("src=" in tag or 'type="application/json"' in tag for tag in scripts)
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_an_invalid_filter_never_widens_a_scan_to_the_fleet(operator_client, fleet):
    before = Scan.objects.count()
    operator_client.post(reverse("scan-filtered"), {"group": "99999"})
    assert Scan.objects.count() == before


def test_the_restriction_list_keeps_the_classes_beyond_the_document_apart(viewer_client):
    page = viewer_client.get(reverse("restriction-list")).content.decode()
    document, beyond = page.split("<h2>Beyond the document</h2>")
    assert "<h2>From the Parallels document</h2>" in document and "Raw devices" in document
    assert "Kernel and modules" in beyond and "badge-beyond" in beyond
    assert "badge-beyond" not in document


def test_the_restriction_pager_keeps_the_chosen_severities(viewer_client, db):
    restriction_fleet()
    url = reverse("restriction-detail", args=["quotas"])
    response = viewer_client.get(url, {"show": ["info"], "os_family": "linux"})
    assert response.context["page_querystring"] == "os_family=linux&show=info"
