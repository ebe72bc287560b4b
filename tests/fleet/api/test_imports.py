from django.core.files.uploadedfile import SimpleUploadedFile

from fleet.lib.import_limits import MAX_IMPORT_BYTES
from fleet.models import Host, HostGroup

URL = "/api/v1/hosts/import/"
CSV = b"name,address,groups\nweb1,10.0.0.1,web\ndb1,10.0.0.2,db\n"


def upload(client, data: bytes, name: str = "hosts.csv", **fields):  # type: ignore[no-untyped-def]
    return client.post(URL, {"file": SimpleUploadedFile(name, data), **fields}, format="multipart")


def test_an_operator_imports_a_csv_upload(operator_api):
    response = upload(operator_api, CSV)
    assert response.status_code == 200
    body = response.json()
    assert (body["format"], body["dry_run"], body["ok"]) == ("csv", False, True)
    assert body["counts"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert [(r["line"], r["name"], r["action"]) for r in body["rows"]] == [
        (2, "web1", "created"),
        (3, "db1", "created"),
    ]
    assert sorted(body["groups_created"]) == ["db", "web"]
    assert Host.objects.get(name="web1").address == "10.0.0.1"


def test_a_dry_run_reports_and_saves_nothing(operator_api):
    response = upload(operator_api, CSV, dry_run="true")
    body = response.json()
    assert response.status_code == 200
    assert body["dry_run"] is True and body["counts"]["created"] == 2
    assert not Host.objects.exists() and not HostGroup.objects.exists()


def test_dry_run_may_be_a_query_parameter(operator_api):
    response = operator_api.post(
        URL + "?dry_run=1", {"file": SimpleUploadedFile("h.csv", CSV)}, format="multipart"
    )
    assert response.json()["dry_run"] is True
    assert not Host.objects.exists()


def test_a_reimport_reports_updates(operator_api):
    upload(operator_api, CSV)
    body = upload(operator_api, b"name,address\nweb1,10.0.0.9\ndb1,10.0.0.2\n").json()
    assert body["counts"] == {"created": 0, "updated": 1, "unchanged": 1}
    assert body["rows"][0]["changes"]


def test_errors_are_a_400_with_every_line_and_nothing_changes(operator_api):
    response = upload(operator_api, b"name,port\nh1,22\nh2,0\nh3,x\n")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "The file has 2 problems; nothing was imported."
    assert [e["line"] for e in body["report"]["errors"]] == [3, 4]
    assert all(message.startswith("line ") for message in body["errors"]["file"])
    assert body["report"]["rows"] == []
    assert not Host.objects.exists()


def test_the_raw_body_is_the_file(operator_api):
    response = operator_api.post(URL, CSV, content_type="text/csv")
    assert response.status_code == 200
    assert response.json()["counts"]["created"] == 2


def test_the_format_parameter_names_the_inventory_not_a_renderer(operator_api):
    ini = b"[web]\nweb1 ansible_host=10.0.0.1\n"
    response = operator_api.post(
        URL + "?format=ansible-ini&dry_run=false", ini, content_type="application/octet-stream"
    )
    assert response.status_code == 200, response.content
    assert response.json()["format"] == "ansible-ini"
    assert Host.objects.get(name="web1").groups.get().name == "web"


def test_a_yaml_body_is_read_as_ansible_yaml(operator_api):
    yaml = b"all:\n  hosts:\n    web1:\n      ansible_host: 10.0.0.1\n"
    response = operator_api.post(URL, yaml, content_type="application/yaml")
    assert response.json()["format"] == "ansible-yaml"


def test_an_unknown_format_is_a_400_naming_the_field(operator_api):
    response = upload(operator_api, CSV, format="excel")
    assert response.status_code == 400
    assert "format" in response.json()["errors"]


def test_no_file_is_a_400_naming_the_field(operator_api):
    response = operator_api.post(URL, {}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_an_oversized_body_is_refused(operator_api):
    response = operator_api.post(URL, b"x" * (MAX_IMPORT_BYTES + 1), content_type="text/csv")
    assert response.status_code == 400
    assert "MiB" in response.json()["errors"]["file"][0]


def test_a_viewer_is_refused(viewer_api):
    response = upload(viewer_api, CSV)
    assert response.status_code == 403
    assert "operator" in response.json()["detail"]
    assert not Host.objects.exists()


def test_an_anonymous_request_is_a_401(db, client):
    assert client.post(URL, CSV, content_type="text/csv").status_code == 401
