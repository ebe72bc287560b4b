"""The deployment files agree with the project: commands exist, every variable is listed."""

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
DOCKER = ROOT / "docker"


def services() -> dict[str, Any]:
    compose = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    return compose["services"]


def manage_commands() -> list[tuple[str, str]]:
    found = []
    for name, service in services().items():
        command = service.get("command") or []
        if isinstance(command, str):
            command = command.split()
        if "manage.py" in command:
            found.append((name, command[command.index("manage.py") + 1]))
    return found


def test_the_app_services_run_the_expected_commands() -> None:
    assert dict(manage_commands()) == {
        "migrate": "migrate",
        "worker": "rqworker",
        "scheduler": "scheduler",
    }


@pytest.mark.parametrize(("service", "command"), manage_commands())
def test_every_manage_py_command_of_compose_exists(service: str, command: str) -> None:
    assert command in get_commands(), f"{service} runs manage.py {command}, which does not exist"


def test_web_runs_gunicorn_on_the_project_wsgi_module() -> None:
    web = services()["web"]["command"]
    assert web[0] == "gunicorn" and web[1] == "p2c.wsgi:application"
    assert (ROOT / "p2c" / "wsgi.py").exists()


def test_every_service_has_a_healthcheck_or_is_one_shot() -> None:
    for name, service in services().items():
        assert "healthcheck" in service or service.get("restart") == "no", name


def test_the_worker_can_be_scaled() -> None:
    worker = services()["worker"]
    assert "container_name" not in worker and "ports" not in worker


def test_data_lives_in_volumes() -> None:
    assert services()["postgres"]["volumes"][0].startswith("postgres-data:")
    assert services()["redis"]["volumes"][0].startswith("redis-data:")


def test_the_env_example_lists_every_variable_the_settings_read() -> None:
    source = (ROOT / "p2c" / "settings.py").read_text()
    read = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', source))
    listed = set(re.findall(r"^#?\s*([A-Z_]+)=", (DOCKER / ".env.example").read_text(), re.M))
    assert read and read <= listed, sorted(read - listed)


def test_the_image_runs_as_a_non_root_user_with_vendored_plotly() -> None:
    dockerfile = (DOCKER / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.M)
    assert re.search(r"^USER p2c", dockerfile, re.M)
    assert "pip install ." in dockerfile
    assert "python -m p2c.vendor" in dockerfile and "collectstatic --noinput" in dockerfile


def test_the_image_takes_the_basic_plotly_bundle_from_an_npm_build_stage() -> None:
    dockerfile = (DOCKER / "Dockerfile").read_text()
    assert re.search(r"^FROM node:\S+ AS plotly-basic", dockerfile, re.M)
    assert "COPY package.json package-lock.json ./" in dockerfile
    assert "COPY --from=plotly-basic /build/node_modules ./node_modules" in dockerfile
    ignore = (DOCKER / "Dockerfile.dockerignore").read_text().split()
    assert "!package.json" in ignore and "!package-lock.json" in ignore


def test_the_build_context_leaves_out_the_vendored_copy_and_local_state() -> None:
    ignore = (DOCKER / "Dockerfile.dockerignore").read_text().split()
    assert "static/vendor/" in ignore and "!var/" not in ignore
