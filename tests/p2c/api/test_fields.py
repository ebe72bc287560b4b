from rest_framework.test import APIRequestFactory

from assessments.api.serializers import HostSerializer
from tests.builders import make_host


def test_identity_urls_are_each_rows_own(db):
    hosts = [make_host(name=f"h{n}") for n in range(3)]
    request = APIRequestFactory().get("/api/v1/hosts/")
    rows = HostSerializer(hosts, many=True, context={"request": request}).data
    assert [row["url"] for row in rows] == [
        f"http://testserver/api/v1/hosts/{host.pk}/" for host in hosts
    ]
