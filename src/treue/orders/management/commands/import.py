"""`treue import stage-events FILE`: data from the ERP/MES, all or nothing (docs/import.md)."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from treue.orders.imports import ImportRefused, stage_events_import


class Command(BaseCommand):
    help = _(
        "Import data from the ERP or MES. stage-events FILE: production stage events as CSV "
        "(order, stage, occurred_at, external_id; UTF-8 or Windows-1252, comma or semicolon). "
        "A file with a broken row changes nothing; importing it twice changes nothing either."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=["stage-events"])
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            message = _("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc}
            raise CommandError(message) from None
        try:
            result = stage_events_import(data=data)
        except ImportRefused as refused:
            for error in refused.errors:
                self.stderr.write(error)
            raise CommandError(
                _("Nothing was imported: %(count)s row(s) with errors.")
                % {"count": len(refused.errors)}
            ) from None
        self.stdout.write(
            _("%(created)s stage events imported, %(unchanged)s known already.")
            % {"created": result.created, "unchanged": result.unchanged}
        )
