import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_check(env_overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("REDIS_URL", "localhost:6379"),
        ("DATABASE_URL", "nonsense://x"),
        ("TIME_ZONE", "Mars/Olympus_Mons"),
        ("LOG_LEVEL", "LOUD"),
        ("SCAN_CONCURRENCY", "many"),
        ("LOGIN_FAILURE_LIMIT", "ten"),
        ("LOGIN_COOLOFF_MINUTES", "0"),
        ("LOGIN_TRUSTED_PROXIES", "-1"),
        ("API_THROTTLE_RATE", "fast"),
    ],
)
def test_it_names_the_malformed_variable(variable: str, value: str, tmp_path: Path) -> None:
    result = run_check({variable: value, "FLEET_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert variable in result.stderr


def test_a_malformed_encryption_key_is_named_but_never_echoed(tmp_path: Path) -> None:
    result = run_check(
        {"FLEET_ENCRYPTION_KEY": "hunter2-not-a-key", "FLEET_VAR_DIR": str(tmp_path)}
    )
    assert result.returncode != 0
    assert "FLEET_ENCRYPTION_KEY" in result.stderr and "hunter2" not in result.stderr


def test_check_deploy_is_clean_with_production_variables(tmp_path: Path) -> None:
    from cryptography.fernet import Fernet

    result = run_check(
        {
            "SECRET_KEY": "x" * 60 + "productionsecret-Q7#",
            "FLEET_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "ALLOWED_HOSTS": "p2c.example.com",
            "DEBUG": "false",
            "FLEET_VAR_DIR": str(tmp_path),
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_login_is_required_on_the_overview(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_every_response_has_a_content_security_policy(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/login/")
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_redis_gets_connect_and_command_timeouts_unless_its_url_sets_them() -> None:
    from p2c.settings import _redis_url

    command = _redis_url("redis://cache:6379/0", command_timeout=True)
    assert command == "redis://cache:6379/0?socket_connect_timeout=5.0&socket_timeout=5.0"
    own = _redis_url("redis://cache:6379/0?socket_timeout=2", command_timeout=True)
    assert own == "redis://cache:6379/0?socket_timeout=2&socket_connect_timeout=5.0"


def test_workers_get_a_connect_timeout_but_no_command_timeout() -> None:
    from p2c.settings import _redis_url

    # Their dequeue blocks on Redis for minutes: a command timeout would kill them.
    worker = _redis_url("unix:///run/redis.sock?db=2&socket_timeout=2", command_timeout=False)
    assert worker == "unix:///run/redis.sock?db=2&socket_connect_timeout=5.0"
