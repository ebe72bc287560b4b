"""The rules on the assessment models' managers, each held to the plain ORM rule it stands for."""

import datetime

import pytest
from django.db.models import Q

from assessments.models import Waiver
from tests.builders import make_host

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)
DAY = datetime.timedelta(days=1)


def waivers_in_force_by_the_orm(host_id: int, day: datetime.date) -> set[str]:
    in_force = Waiver.objects.filter(host_id=host_id, active=True).filter(
        Q(expires=None) | Q(expires__gte=day)
    )
    return set(in_force.values_list("check_id", flat=True))


@pytest.mark.parametrize("day", [TODAY - 2 * DAY, TODAY - DAY, TODAY, TODAY + DAY])
def test_waivers_in_force_agree_with_the_orm_rule_across_expiry_dates(
    day, django_assert_num_queries
):
    host, other = make_host(), make_host()
    expiries = {"never": None, "yesterday": TODAY - DAY, "today": TODAY, "later": TODAY + DAY}
    for check_id, expires in expiries.items():
        Waiver.objects.create(host=host, check_id=check_id, expires=expires, reason="r", owner="o")
        Waiver.objects.create(
            host=host, check_id=f"{check_id}.revoked", expires=expires, active=False
        )
    Waiver.objects.create(host=other, check_id="elsewhere", reason="r", owner="o")
    with django_assert_num_queries(1):
        in_force = Waiver.objects.in_force(host.pk, day)
    assert in_force == waivers_in_force_by_the_orm(host.pk, day)
    assert "never" in in_force and not {"elsewhere", "never.revoked"} & in_force


def test_a_waiver_counts_through_its_expiry_date():
    host = make_host()
    Waiver.objects.create(host=host, check_id="c", expires=TODAY, reason="r", owner="o")
    assert Waiver.objects.in_force(host.pk, TODAY) == {"c"}
    assert Waiver.objects.in_force(host.pk, TODAY + DAY) == set()
