"""`save_result`'s few writes as SQL text (the other per-host statements are on the models).

A fleet scan saves thousands of results, and on this path the ORM cost the worker more CPU
than the statements themselves: building and compiling a queryset took 0.4-1.3 ms per
statement, and `bulk_create` of 13 findings 1.7 ms, against 0.1-0.8 ms for the same SQL sent
as text (bench/save_path.py). The SQL is plain enough for SQLite and PostgreSQL alike (the
tests run on both), and dates and bytes go through their field's `get_db_prep_save`, so the
database receives what the ORM would have sent.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import DateTimeField

from assessments.models import Capture, HostScan

# SQLite allows 32,766 parameters per statement (999 before 3.32): findings per INSERT.
FINDINGS_PER_INSERT = 100

FINISH_IF_OWNED = """
UPDATE assessments_hostscan
SET status = %s, transport = %s, algorithms = %s, os_family = %s, verdict = %s, ruleset = %s,
    error_class = %s, error_detail = %s, finished = %s,
    platform_stored = %s, os_name = %s, os_version = %s, windows_generation = %s,
    architecture = %s, data_bytes = %s
WHERE id = %s AND status = %s AND worker = %s
"""
INSERT_CAPTURE = """
INSERT INTO assessments_capture (host_scan_id, data, size, hostname, collected, created)
VALUES (%s, %s, %s, %s, %s, %s)
"""
# PostgreSQL: the capture as a binary parameter (`%b`) of a statement bound by the server.
INSERT_CAPTURE_BINARY = INSERT_CAPTURE.replace("%s, %s, %s", "%s, %b, %s", 1)
INSERT_FINDINGS = """
INSERT INTO assessments_finding
(host_scan_id, host_id, restriction, check_id, severity, title, evidence, remediation, waived)
VALUES
"""
FINDING_ROW = "(%s, %s, %s, %s, %s, %s, %s, %s, %s)"
# What stands for a character a text column cannot hold (same length: limits still hold).
REPLACEMENT = "\ufffd"
FindingRow = tuple[int, int, str, str, str, str, str, str, bool]


def db_text(value: str) -> str:
    """`value` as a text column can hold it: a host's bytes are data, never a crash.

    PostgreSQL refuses NUL in text (DataError) and no database takes a lone surrogate (what
    `surrogateescape` makes of undecodable bytes): each becomes U+FFFD, so the length, and
    with it every `[:N]` cut made before, stays. Every text of `save_result` and
    `save_failure` goes through here; the capture keeps the raw bytes as they came.
    """
    if "\x00" in value:
        value = value.replace("\x00", REPLACEMENT)
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            value = "".join(REPLACEMENT if "\ud800" <= c <= "\udfff" else c for c in value)
    return value


def finish_if_owned(
    host_scan_id: int,
    owner: str,
    running: str,
    *,
    status: str,
    transport: str,
    algorithms: str,
    os_family: str,
    verdict: str,
    ruleset: str,
    error_class: str,
    error_detail: str,
    finished: datetime,
    os_name: str,
    os_version: str,
    windows_generation: str,
    architecture: str,
    data_bytes: int | None,
) -> bool:
    """Store a HostScan's outcome (with its platform facts) if it is still `running` and held
    by `owner` (a late worker must not overwrite the one that took over); False otherwise."""
    when = _datetime(HostScan, "finished", finished)
    texts = [status, transport, algorithms, os_family, verdict, ruleset, error_class]
    values: list[Any] = [db_text(text) for text in texts]
    values += [db_text(error_detail), when, True]
    values += [db_text(text) for text in (os_name, os_version, windows_generation, architecture)]
    with connection.cursor() as cursor:
        cursor.execute(FINISH_IF_OWNED, [*values, data_bytes, host_scan_id, running, owner])
        return bool(cursor.rowcount)


def insert_capture(capture: Capture) -> None:
    """INSERT an unsaved Capture (its defaults already filled in by the model).

    On PostgreSQL the bytes go as they are: Django binds parameters on the client, which
    spells a bytea as hex inside the statement text, and 31 MiB of capture (a host of
    random bytes at the output cap) then cost 139 MiB of the worker's memory to send.
    """
    data: Any = Capture._meta.get_field("data").get_db_prep_save(capture.data, connection)
    values = [capture.host_scan_id, data, capture.size, db_text(capture.hostname)]
    values += [_datetime(Capture, "collected", capture.collected)]
    values += [_datetime(Capture, "created", capture.created)]
    if connection.vendor == "postgresql":
        with _server_bound_cursor() as cursor:
            cursor.execute(INSERT_CAPTURE_BINARY, values)
        return
    with connection.cursor() as cursor:
        cursor.execute(INSERT_CAPTURE, values)


def _server_bound_cursor() -> Any:
    """A cursor of Django's connection (same transaction, same query log) whose statements
    the server binds: psycopg passes binary parameters to libpq without escaping them."""
    import psycopg

    connection.ensure_connection()
    raw = psycopg.Cursor(connection.connection)
    return connection._prepare_cursor(raw)  # type: ignore[attr-defined]


def insert_findings(rows: Iterable[FindingRow]) -> None:
    """Findings as (host_scan_id, host_id, restriction, check_id, severity, title, evidence,
    remediation, waived), `FINDINGS_PER_INSERT` per statement."""
    rows = list(rows)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), FINDINGS_PER_INSERT):
            chunk = rows[start : start + FINDINGS_PER_INSERT]
            sql = INSERT_FINDINGS + ", ".join([FINDING_ROW] * len(chunk))  # only placeholders
            values = [db_text(v) if isinstance(v, str) else v for row in chunk for v in row]
            cursor.execute(sql, values)


def _datetime(model: type[HostScan | Capture], name: str, value: datetime | None) -> Any:
    # SQLite stores datetimes as text in the ORM's own format; PostgreSQL takes them as they are.
    field = model._meta.get_field(name)
    assert isinstance(field, DateTimeField)
    return field.get_db_prep_save(value, connection)
