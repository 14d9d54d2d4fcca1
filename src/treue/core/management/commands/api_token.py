"""`treue api-token create USERNAME [--name NAME]`: a bearer token for the REST API.

The token is printed once, alone on the last line (so scripts can take `tail -n 1`); only its
SHA-256 is stored.
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from treue.core.models import User
from treue.core.tokens import api_token_create


class Command(BaseCommand):
    help = "Manage API tokens: `create USERNAME [--name NAME]` prints a new token."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create a token for a user and print it")
        create.add_argument("username")
        create.add_argument("--name", default="", help="what the token is for, e.g. 'ERP sync'")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user with the username {username!r}.") from None
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive; the API would refuse the token.")
        token, key = api_token_create(user=user, name=options["name"][:100])
        label = f" {token.name!r}" if token.name else ""
        self.stdout.write(
            f"API token{label} for {user.username} (starts with {token.prefix}). "
            "Store it now: it cannot be shown again."
        )
        self.stdout.write(key)
