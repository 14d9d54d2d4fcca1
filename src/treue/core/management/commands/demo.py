"""`treue demo`: build the demo company Muster Maschinenbau GmbH."""

import datetime as dt
import json
from argparse import ArgumentParser, ArgumentTypeError
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from treue.demo.generator import (
    DEMO_PASSWORD,
    demo_build,
    demo_database_is_empty,
    demo_logins,
    demo_settings_allow_wipe,
)


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ArgumentTypeError(_("must be at least 1"))
    return number


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ArgumentTypeError(_("not a date like 2025-06-30")) from exc


class Command(BaseCommand):
    help = _(
        "Build the demo company Muster Maschinenbau GmbH: customers in Germany, Austria and "
        "Switzerland with contacts, orders, deliveries, invoices, payments, interactions and "
        "activities, and one user per role. The same seed gives the same data. Every demo user "
        'logs in with the password "%(password)s". Refuses to touch a database that already '
        "holds data unless --force is given."
    ) % {"password": DEMO_PASSWORD}
    # The demo needs no URL or template checks, only the database.
    requires_system_checks: list[str] = []
    verbose = True

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--customers", type=_positive, default=400, help=_("number of customers (400)")
        )
        parser.add_argument(
            "--years", type=_positive, default=3, help=_("years of order history (3)")
        )
        parser.add_argument("--seed", type=int, default=1, help=_("random seed (1)"))
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            help=_("the day the history ends, YYYY-MM-DD (default: today)"),
        )
        parser.add_argument(
            "--truth",
            type=Path,
            default=None,
            help=_("write which customers churned, and when, to this JSON file"),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("delete all data and users in the database first"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["years"] > 20:
            raise CommandError(_("--years must be at most 20."))
        self._check_schema()
        force: bool = options["force"]
        self.verbose = options["verbosity"] >= 1
        if not demo_database_is_empty():
            if not force:
                raise CommandError(
                    _(
                        "The database already holds customers or users; nothing was changed. "
                        "Run with --force to delete everything and build the demo company again."
                    )
                )
            if not demo_settings_allow_wipe():
                raise CommandError(
                    _("--force is refused outside demo mode (TREUE_ENV=production).")
                )
        say = self.say
        say(
            _(
                "Building Muster Maschinenbau GmbH: %(customers)s customers, %(years)s years, "
                "seed %(seed)s"
            )
            % {
                "customers": options["customers"],
                "years": options["years"],
                "seed": options["seed"],
            }
        )
        result = demo_build(
            customers=options["customers"],
            years=options["years"],
            seed=options["seed"],
            today=options["today"],
            wipe=force,
            progress=lambda message: say("  " + message),
        )
        if options["truth"] is not None:
            path: Path = options["truth"]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(result.truth(), indent=2) + "\n", encoding="utf-8")
            say(
                _("Wrote %(count)s churned customers to %(path)s")
                % {"count": len(result.churned), "path": path}
            )
        say(
            self.style.SUCCESS(
                _(
                    "Done in %(s).1f s; the top 20 %% of customers bring %(share).0f %% of the "
                    "revenue."
                )
                % {"s": result.seconds, "share": result.top20_share * 100}
            )
        )
        say("")
        self.stdout.write(self.logins_table())

    def say(self, message: str) -> None:
        if self.verbose:
            self.stdout.write(message)

    @staticmethod
    def logins_table() -> str:
        rows = [(_("Username"), _("Role"), _("Password")), *demo_logins()]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        lines = [_("Demo logins:")]
        for k, row in enumerate(rows):
            lines.append(
                "  "
                + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
            if k == 0:
                lines.append("  " + "  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def _check_schema(self) -> None:
        try:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError as exc:
            raise CommandError(_("Cannot reach the database: %(error)s") % {"error": exc}) from exc
        if pending:
            raise CommandError(
                _("The database schema is not up to date; run `treue migrate` first.")
            )
