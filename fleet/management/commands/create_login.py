"""Create or update a login with one role (viewer, operator, admin)."""

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from fleet.lib.credentials import read_secret
from fleet.lib.roles import ADMIN, OPERATOR, ROLES


class Command(BaseCommand):
    """`create_login USERNAME --role viewer|operator|admin`; password from stdin or a prompt.

    The user gets exactly that role (other roles are removed). Operators and admins are
    staff, so they can use the admin site within what their role allows.
    """

    help = "Create or update a login with a role; the password comes from stdin or a prompt."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        username, role = options["username"], options["role"]
        user = User.objects.filter(username=username).first() or User(username=username)
        try:
            password = read_secret("Password: ", confirm=True)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        except (EOFError, KeyboardInterrupt):
            raise CommandError("no password given") from None
        if not password and user.pk is None:
            raise CommandError("a password is required for a new login")
        if password:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            user.set_password(password)
        if options["email"]:
            user.email = options["email"]
        user.is_staff = role in (OPERATOR, ADMIN)
        with transaction.atomic():
            created = user.pk is None
            user.save()
            user.groups.remove(*Group.objects.filter(name__in=ROLES))
            user.groups.add(Group.objects.get(name=role))
        self.stdout.write(f"login {username} {'created' if created else 'updated'} ({role})")
