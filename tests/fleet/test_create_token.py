import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from fleet.lib.tokens import token_for_key
from fleet.models import ApiToken


def run(*args: str, capsys) -> str:
    call_command("create_token", *args)
    return capsys.readouterr().out.strip()


def test_it_prints_a_key_that_authenticates_the_user(viewer, capsys):
    key = run(viewer.username, capsys=capsys)
    token = token_for_key(key)
    assert token is not None and token.user == viewer
    assert token.expires is None


def test_it_sets_the_expiry_in_days(viewer, capsys):
    run(viewer.username, "--expires", "30", capsys=capsys)
    days = (ApiToken.objects.get().expires - timezone.now()).days
    assert days in (29, 30)


def test_it_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="no user named 'ghost'"):
        call_command("create_token", "ghost")


def test_it_refuses_a_zero_expiry(viewer):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("create_token", viewer.username, "--expires", "0")
