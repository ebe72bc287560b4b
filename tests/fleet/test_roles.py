import pytest
from django.contrib.auth.models import Group, User

from fleet.lib.roles import ADMIN, OPERATOR, VIEWER, has_role, user_roles
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_the_roles_exist_as_groups() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= {VIEWER, OPERATOR, ADMIN}


def test_each_role_includes_the_ones_below() -> None:
    assert user_roles(make_user(OPERATOR)) == {VIEWER, OPERATOR}
    assert user_roles(make_user(ADMIN)) == {VIEWER, OPERATOR, ADMIN}


def test_a_user_without_a_group_has_no_role() -> None:
    assert not has_role(make_user(None), VIEWER)


def test_a_superuser_holds_every_role() -> None:
    user = User.objects.create_superuser("root", password="pw-123456!")
    assert has_role(user, ADMIN)
