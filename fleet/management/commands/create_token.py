"""Make an API token for a user and print its key (the only time it is shown)."""

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from fleet.lib.tokens import create_token


class Command(BaseCommand):
    """`create_token USER [--expires DAYS] [--name TEXT]`: prints the key on standard output.

    The key is stored only as a digest: keep the printed line, it cannot be shown again. The
    token acts with the user's roles; revoke it on the user's account page.
    """

    help = "Make an API token for USER and print its key (shown only this once)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--expires", type=int, metavar="DAYS", help="expire after DAYS days")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user named {options['username']!r}")
        if not user.is_active:
            raise CommandError(f"user {user.username!r} is inactive")
        days = options["expires"]
        if days is not None and days < 1:
            raise CommandError("--expires takes a number of days, at least 1")
        _token, key = create_token(user, name=options["name"], expires_days=days)
        self.stdout.write(key)
