"""`treue bootstrap`: make a database and the static files ready to serve; idempotent.

Migrates, collects static files and, in demo mode on a database without customers, loads the demo
company (`treue demo`) and prints its logins. `make run` calls it before every start.
"""

import hashlib
import importlib
import os
from argparse import ArgumentParser
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

DemoLogins = Callable[[], list[tuple[str, str, str]]]


def demo_logins_function() -> DemoLogins | None:
    """`treue.demo.generator.demo_logins`, or None in a build without the demo generator."""
    try:
        module = importlib.import_module("treue.demo.generator")
    except ImportError:
        return None
    function: DemoLogins | None = getattr(module, "demo_logins", None)
    return function


def database_is_empty() -> bool:
    """No customers and no users: `treue demo` refuses anything else, rather than mix in data."""
    # Looked up by name: core must not import the customers app.
    customers = apps.get_model("customers", "Customer").objects
    return not (customers.exists() or get_user_model().objects.exists())


def static_sources_fingerprint() -> str:
    """Changes whenever a static file that collectstatic would copy, or the storage, changes."""
    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    entries = []
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            stat = os.stat(storage.path(path))
            entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for entry in sorted(entries):
        digest.update(entry.encode())
    return digest.hexdigest()


class Command(BaseCommand):
    help = "Migrate, collect static files and, on an empty demo database, load the demo company."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--no-demo", action="store_true", help="never load the demo company")

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        self._make_database_dir()
        call_command("migrate", interactive=False, verbosity=max(0, verbosity - 1))
        self._collect_static(verbosity)

        if options["no_demo"] or not getattr(settings, "DEMO_MODE", False):
            return
        logins = demo_logins_function()
        if logins is None or "demo" not in get_commands():
            self.stderr.write(
                _("The demo generator is not installed; starting with an empty database.")
            )
            return
        if database_is_empty():
            self.stdout.write(_("Empty database: loading the demo company (treue demo) …"))
            try:
                call_command("demo", verbosity=verbosity)
            except CommandError as exc:
                self.stderr.write(_("The demo company was not loaded: %(error)s") % {"error": exc})
            return  # `treue demo` ends with the logins table itself
        self._print_logins(logins())

    def _collect_static(self, verbosity: int) -> None:
        # Hashing and compressing ~1,000 files takes a minute on a busy machine; skip it when no
        # source file changed since the last run.
        stamp = Path(settings.STATIC_ROOT) / ".treue-collected"
        fingerprint = static_sources_fingerprint()
        manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
        needs_manifest = "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"]
        unchanged = stamp.exists() and stamp.read_text() == fingerprint
        if unchanged and (manifest.exists() or not needs_manifest):
            return
        call_command("collectstatic", interactive=False, verbosity=max(0, verbosity - 1))
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(fingerprint)

    def _make_database_dir(self) -> None:
        Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
        if connection.vendor == "sqlite":
            name = str(connection.settings_dict["NAME"])
            if name != ":memory:" and not name.startswith("file:"):
                Path(name).parent.mkdir(parents=True, exist_ok=True)

    def _print_logins(self, logins: list[tuple[str, str, str]]) -> None:
        if not logins:
            return
        self.stdout.write(self.style.SUCCESS(_("Demo logins (user / role / password):")))
        width = max(len(username) for username, _, _ in logins)
        for username, role, password in logins:
            self.stdout.write(f"  {username:<{width}}  {role:<12}  {password}")
