"""`save_result`'s SQL: what the capture costs to send."""

import random
import tracemalloc

import pytest
from django.db import connection

from assessments.models import Capture
from assessments.scanning import result_sql
from tests.assessments.scanning.test_results import running

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's binding")
def test_a_capture_goes_to_postgresql_as_bytes_not_as_hex_text():
    hs = running()
    data = random.Random(3).randbytes(8 * 1024 * 1024)
    tracemalloc.start()
    result_sql.insert_capture(Capture(host_scan_id=hs.pk, data=data, size=len(data)))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 2 * len(data)  # spelled as hex inside the statement it cost 4.5 times
    assert bytes(Capture.objects.get(host_scan=hs).data) == data


def test_a_capture_reads_back_byte_for_byte():
    hs = running()
    data = bytes(range(256)) * 100
    result_sql.insert_capture(Capture(host_scan_id=hs.pk, data=data, size=len(data)))
    assert bytes(Capture.objects.get(host_scan=hs).data) == data
