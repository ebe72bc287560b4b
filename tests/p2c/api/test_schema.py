import yaml
from django.core.management import call_command
from drf_spectacular.validation import validate_schema


def test_the_schema_needs_a_login(db, client):
    response = client.get("/api/schema/")
    assert response.status_code == 401


def test_the_schema_is_valid_openapi_3(viewer_api):
    response = viewer_api.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_the_swagger_ui_sends_an_anonymous_visitor_to_the_login(db, client):
    response = client.get("/api/docs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_swagger_ui_is_served_from_our_own_static_files(viewer_client):
    response = viewer_client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert "<script>" not in page  # inline scripts would break the Content-Security-Policy


def test_the_schema_generates_without_a_warning(db, tmp_path):
    # --fail-on-warn: an endpoint drf-spectacular cannot describe fails here, not in a client.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))
    assert "/api/v1/hosts/" in (tmp_path / "s.yaml").read_text()


def test_the_swagger_ui_script_points_at_the_schema(viewer_client):
    response = viewer_client.get("/api/docs/?script=")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert '"/api/schema/"' in response.content.decode()
