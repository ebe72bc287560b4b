import pytest
from django.urls import reverse

from fleet.models import Credential, Host
from tests.builders import make_host, make_scan_result
from tests.fleet.builders import make_credential

HOSTS = "/api/v1/hosts/"


def names(response) -> list[str]:
    return [row["name"] for row in response.json()["results"]]


@pytest.fixture
def fleet(db):
    web = make_host(name="web1", groups=["web"])
    make_scan_result(web, findings=[("filesystems", "fs.unsupported", "blocker")])
    db1 = make_host(name="db1", os_family="windows")
    make_scan_result(db1, findings=[("volumes", "vol.ntfs", "warning")])
    make_host(name="new1")
    return {"web1": web, "db1": db1}


def test_it_lists_hosts_with_their_counts(viewer_api, fleet):
    response = viewer_api.get(HOSTS)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert names(response) == ["db1", "new1", "web1"]
    web = body["results"][2]
    assert (web["verdict"], web["blockers"], web["groups"]) == ("not_ready", 1, ["web"])


def test_it_takes_the_hosts_lists_filters(viewer_api, fleet):
    assert names(viewer_api.get(HOSTS, {"restriction": "filesystems"})) == ["web1"]
    assert names(viewer_api.get(HOSTS, {"os_family": "windows"})) == ["db1"]
    assert names(viewer_api.get(HOSTS, {"group": Host.groups.rel.model.objects.get().pk})) == [
        "web1"
    ]


def test_an_invalid_filter_is_a_400_not_the_whole_fleet(viewer_api, fleet):
    response = viewer_api.get(HOSTS, {"verdict": "great", "group": "999"})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "A filter parameter is not valid; see errors."
    assert set(body["errors"]) == {"verdict", "group"}


def test_it_sorts_like_the_page(viewer_api, fleet):
    assert names(viewer_api.get(HOSTS, {"sort": "verdict"})) == ["web1", "db1", "new1"]
    assert names(viewer_api.get(HOSTS, {"sort": "-blockers"}))[0] == "web1"


def test_an_unknown_sort_is_a_400(viewer_api, fleet):
    response = viewer_api.get(HOSTS, {"sort": "password"})
    assert response.status_code == 400
    assert "sort" in response.json()["errors"]


def test_it_pages_with_limit_and_offset(viewer_api, fleet):
    body = viewer_api.get(HOSTS, {"limit": 2}).json()
    assert len(body["results"]) == 2
    assert "offset=2" in body["next"]


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_takes_a_fixed_number_of_queries(viewer_api, db, rows, django_assert_num_queries):
    for number in range(rows):
        host = make_host(name=f"h{number:02}", groups=["g"], tags=["t"])
        make_scan_result(host, findings=[("filesystems", "fs.x", "blocker")])
    # token, its last_used, roles, count, hosts, groups, tags, counts
    with django_assert_num_queries(8):
        response = viewer_api.get(HOSTS, {"limit": 100})
    assert len(response.json()["results"]) == rows


def test_the_detail_has_the_latest_result_and_its_findings(viewer_api, fleet):
    response = viewer_api.get(f"{HOSTS}{fleet['web1'].pk}/")
    body = response.json()
    assert body["latest_scan"]["verdict"] == "not_ready"
    assert [(f["check"], f["severity"]) for f in body["findings"]] == [
        ("fs.unsupported", "blocker")
    ]


def test_the_detail_answers_304_to_its_etag(viewer_api, fleet):
    url = f"{HOSTS}{fleet['web1'].pk}/"
    tag = viewer_api.get(url)["ETag"]
    assert viewer_api.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 304
    Host.objects.filter(pk=fleet["web1"].pk).update(notes="moved to rack 4")
    assert viewer_api.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 200


def test_an_unknown_host_is_a_json_404(viewer_api, db):
    response = viewer_api.get(f"{HOSTS}999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}


def test_an_operator_creates_a_host(operator_api, db):
    make_credential("root-pw")
    data = {
        "name": "app7",
        "address": "10.1.1.7",
        "groups": ["app", "dc2"],
        "credential": "root-pw",
    }
    response = operator_api.post(HOSTS, data, format="json")
    assert response.status_code == 201, response.json()
    host = Host.objects.get(name="app7")
    assert sorted(g.name for g in host.groups.all()) == ["app", "dc2"]
    assert host.credential.name == "root-pw"


def test_a_viewer_may_not_create_a_host(viewer_api, db):
    response = viewer_api.post(HOSTS, {"name": "x", "address": "x"}, format="json")
    assert response.status_code == 403
    assert not Host.objects.exists()


def test_a_duplicate_name_is_refused_per_field(operator_api, fleet):
    response = operator_api.post(HOSTS, {"name": "web1", "address": "x"}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["errors"]


def test_an_operator_updates_and_deletes_a_host(operator_api, fleet):
    url = f"{HOSTS}{fleet['db1'].pk}/"
    response = operator_api.patch(url, {"owner": "dba team", "tags": ["prod"]}, format="json")
    assert response.status_code == 200
    assert response.json()["tags"] == ["prod"]
    assert response.json()["groups"] == []  # untouched: it had none
    assert operator_api.delete(url).status_code == 204
    assert not Host.objects.filter(name="db1").exists()


def test_the_verdict_is_not_writable(operator_api, fleet):
    url = f"{HOSTS}{fleet['web1'].pk}/"
    operator_api.patch(url, {"verdict": "ready"}, format="json")
    assert Host.objects.get(name="web1").verdict == "not_ready"


def test_no_secret_of_a_credential_is_shown(viewer_api, db):
    credential = make_credential("root-pw", secret="Hunter2-secret")
    host = make_host(name="s1", credential=credential)
    text = viewer_api.get(f"{HOSTS}{host.pk}/").content.decode()
    assert "root-pw" in text
    assert "Hunter2-secret" not in text and Credential.objects.get().secret_encrypted not in text


def test_the_list_url_is_named_in_the_api_namespace(db):
    assert reverse("api:host-list") == HOSTS


@pytest.mark.parametrize("rows", [3, 30])
def test_a_sort_by_blockers_takes_a_fixed_number_of_queries_and_orders_by_them(
    viewer_api, db, rows, django_assert_num_queries
):
    for number in range(rows):
        host = make_host(name=f"h{number:02}", groups=["g"], tags=["t"])
        blockers = [("filesystems", f"fs.{n}", "blocker") for n in range(number % 4)]
        make_scan_result(host, findings=blockers)
    # token, its last_used, roles, count, the page's ids, hosts, groups, tags, counts
    with django_assert_num_queries(9):
        response = viewer_api.get(HOSTS, {"limit": 100, "sort": "-blockers"})
    counts = [row["blockers"] for row in response.json()["results"]]
    assert len(counts) == rows and counts == sorted(counts, reverse=True)
    assert response.json()["results"][0]["groups"] == ["g"]
