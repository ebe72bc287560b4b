"""Starting a scan while Redis is down: the scan is saved, the page says "queue unavailable"."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Scan
from tests.assessments.scan_helpers import make_host

pytestmark = pytest.mark.django_db(transaction=True)

NOTICE = "saved but not started: queue unavailable"


@pytest.fixture
def operator_client(client):  # type: ignore[no-untyped-def]
    """An operator; transactional tests flush the role groups the migrations made."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("op", password="pw-123456!")
    user.groups.add(Group.objects.get_or_create(name="operator")[0])
    client.force_login(user)
    return client


def followed(client, url: str, data: dict) -> tuple[Scan, str]:  # type: ignore[no-untyped-def]
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    scan = Scan.objects.latest("pk")
    assert response.redirect_chain[-1][0] == reverse("scan-detail", args=[scan.pk])
    return scan, response.content.decode()


def test_starting_a_scan_says_queue_unavailable(operator_client, redis_down):
    make_host("web1", groups=("web",))
    from fleet.models import HostGroup

    group = HostGroup.objects.get(name="web")
    scan, page = followed(operator_client, reverse("scan-start"), {"groups": [group.pk]})
    assert NOTICE in page
    assert scan.status == "queued" and scan.host_scans.get().status == "queued"


def test_rescanning_a_host_says_queue_unavailable(operator_client, redis_down):
    host = make_host("web1")
    scan, page = followed(operator_client, reverse("host-rescan", args=[host.pk]), {})
    assert NOTICE in page
    assert scan.selection == {"hosts": ["web1"]}


def test_scanning_the_filtered_hosts_says_queue_unavailable(operator_client, redis_down):
    make_host("web1")
    _, page = followed(operator_client, reverse("scan-filtered"), {"q": "web1"})
    assert NOTICE in page


def test_a_bulk_rescan_says_queue_unavailable(operator_client, redis_down):
    host = make_host("web1")
    scan, page = followed(
        operator_client, reverse("host-bulk"), {"host": [host.pk], "bulk-action": "rescan"}
    )
    assert NOTICE in page and f"Scan #{scan.pk} of 1 host started." in page


def test_uploading_a_capture_says_queue_unavailable(operator_client, redis_down, monkeypatch):
    from assessments.views import captures

    host = make_host("web1")

    class Checked:
        hostname = "web1"

    monkeypatch.setattr(captures, "check_upload", lambda *args, **kwargs: Checked())
    upload = SimpleUploadedFile("web1.tar.gz", b"capture")
    _, page = followed(
        operator_client, reverse("capture-upload"), {"host": host.pk, "capture": upload}
    )
    assert NOTICE in page


def test_a_redis_that_never_answers_gives_queue_unavailable_within_seconds(
    operator_client, redis_blackhole
):
    import threading
    import time

    make_host("web1", groups=("web",))
    from fleet.models import HostGroup

    group = HostGroup.objects.get(name="web")
    answered: list[tuple[float, str]] = []

    def start() -> None:
        started = time.monotonic()
        response = operator_client.post(reverse("scan-start"), {"groups": [group.pk]}, follow=True)
        answered.append((time.monotonic() - started, response.content.decode()))

    thread = threading.Thread(target=start, daemon=True)
    thread.start()
    thread.join(timeout=30)
    assert answered, "the request was still waiting for Redis after 30 s"
    seconds, page = answered[0]
    assert NOTICE in page
    print(f"answered in {seconds:.1f} s")
    assert seconds < 10  # 1 s timeouts; 1.9 s here (redis-py retries once or twice)
