"""`treue import KIND FILE`: data from the ERP, MES or accounting system, all or nothing
(docs/import.md): stage-events, invoices, payments."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.core.validators import validate_slug
from django.utils.translation import gettext as _

from treue.core.tabular import CHECK, ImportRefused, ImportResult
from treue.orders.imports import stage_events_import
from treue.receivables.imports import (
    COLUMNS,
    InvoiceImportResult,
    PaymentImportResult,
    import_mapping_get,
    import_mapping_names,
    import_mapping_save,
    invoices_import,
    payments_import,
)

BAR_WIDTH = 30


class ProgressBar:
    """`checking [#####     ]  45 % 450,000 / 1,000,000 rows` on one line of stderr."""

    def __init__(self, out: OutputWrapper) -> None:
        self.out = out
        self.shown: tuple[str, int] | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        percent = 100 if total == 0 else done * 100 // total
        if self.shown == (stage, percent):
            return
        self.shown = (stage, percent)
        label = _("checking") if stage == CHECK else _("writing")
        filled = percent * BAR_WIDTH // 100
        bar = "#" * filled + " " * (BAR_WIDTH - filled)
        rows = _("rows")
        line = f"\r{label:<9} [{bar}] {percent:3d} % {done:,} / {total:,} {rows}"
        self.out.write(line, style_func=str, ending="")
        self.out.flush()

    def close(self) -> None:
        if self.shown is not None:
            self.out.write("", style_func=str)
            self.shown = None


class Command(BaseCommand):
    help = _(
        "Import data from the ERP, MES or accounting system (columns in docs/import.md). "
        "stage-events FILE: production stage events as CSV (order, stage, occurred_at, "
        "external_id). invoices FILE: invoices and credit notes; payments FILE: payments, "
        "settled against the invoices they name or the oldest open ones, with the Skonto of the "
        "payment terms; both as CSV or XLSX, with --map/--mapping for other headers. CSV may be "
        "UTF-8 or Windows-1252, with commas or semicolons, decimal commas or points. A file with "
        "a broken row changes nothing; importing it twice changes nothing either."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=["stage-events", "invoices", "payments"])
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=HEADER",
            help=_(
                "The file's header for one of treue's columns, e.g. --map 'due_on=Fällig zum' "
                "(invoices and payments; may be given several times)."
            ),
        )
        parser.add_argument(
            "--mapping",
            metavar="NAME",
            help=_("Use the saved column mapping NAME; --map given as well takes precedence."),
        )
        parser.add_argument(
            "--save-mapping",
            metavar="NAME",
            help=_(
                "After a successful import, save the columns used (--mapping and --map) as the "
                "mapping NAME, replacing one of that name."
            ),
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            help=_("Show the progress bar even when stderr is not a terminal."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        kind: str = options["kind"]
        if kind == "stage-events" and (
            options["map"] or options["mapping"] or options["save_mapping"]
        ):
            raise CommandError(_("Column mappings are for invoices and payments."))
        mapping = self._mapping(kind, options) if kind != "stage-events" else None
        if options["save_mapping"]:
            if not mapping:
                raise CommandError(_("--save-mapping saves the columns of --map or --mapping."))
            try:  # before the import, which cannot be undone then
                validate_slug(options["save_mapping"])
            except ValidationError as exc:
                raise CommandError("--save-mapping: " + "; ".join(exc.messages)) from None
        try:
            data = path.read_bytes()
        except OSError as exc:
            message = _("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc}
            raise CommandError(message) from None
        bar = (
            ProgressBar(self.stderr)
            if kind != "stage-events" and (options["progress"] or self.stderr.isatty())
            else None
        )
        try:
            result = self._import(kind, data, path.name, mapping, bar)
        except ImportRefused as refused:
            if bar is not None:
                bar.close()
            for error in refused.errors:
                self.stderr.write(error)
            raise CommandError(
                _("Nothing was imported: %(count)s row(s) with errors.")
                % {"count": len(refused.errors)}
            ) from None
        if bar is not None:
            bar.close()
        self._report(result)
        if options["save_mapping"] and mapping:
            try:
                import_mapping_save(kind=kind, name=options["save_mapping"], columns=mapping)
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from None
            self.stdout.write(
                _("Column mapping %(name)s saved for %(kind)s.")
                % {"name": options["save_mapping"], "kind": kind}
            )

    def _mapping(self, kind: str, options: dict[str, Any]) -> dict[str, str]:
        mapping: dict[str, str] = {}
        if options["mapping"]:
            saved = import_mapping_get(kind=kind, name=options["mapping"])
            if saved is None:
                names = ", ".join(import_mapping_names(kind=kind)) or "–"
                raise CommandError(
                    _("No saved mapping %(name)s for %(kind)s (saved: %(names)s).")
                    % {"name": options["mapping"], "kind": kind, "names": names}
                )
            mapping.update(saved)
        known = [c.name for c in COLUMNS[kind]]
        for item in options["map"]:
            column, _sep, header = item.partition("=")
            column, header = column.strip(), header.strip()
            if not column or not header:
                raise CommandError(
                    _("--map %(item)s: write COLUMN=HEADER, e.g. number=Belegnummer.")
                    % {"item": item}
                )
            if column not in known:
                raise CommandError(
                    _("--map %(item)s: treue has no column %(column)s (columns: %(known)s).")
                    % {"item": item, "column": column, "known": ", ".join(known)}
                )
            mapping[column] = header
        return mapping

    def _import(
        self,
        kind: str,
        data: bytes,
        filename: str,
        mapping: dict[str, str] | None,
        bar: ProgressBar | None,
    ) -> ImportResult:
        if kind == "invoices":
            return invoices_import(data=data, filename=filename, mapping=mapping, progress=bar)
        if kind == "payments":
            return payments_import(data=data, filename=filename, mapping=mapping, progress=bar)
        return stage_events_import(data=data)

    def _report(self, result: ImportResult) -> None:
        if isinstance(result, PaymentImportResult):
            message = _(
                "%(created)s payments imported, %(unchanged)s known already; %(allocations)s "
                "allocations to invoices, %(cash)s payments with unallocated cash."
            ) % {
                "created": result.created,
                "unchanged": result.unchanged,
                "allocations": result.allocations,
                "cash": result.with_unallocated,
            }
        elif isinstance(result, InvoiceImportResult):
            message = _(
                "%(created)s invoices and credit notes imported, %(unchanged)s known already; "
                "%(applied)s credit notes settled invoices."
            ) % {
                "created": result.created,
                "unchanged": result.unchanged,
                "applied": result.credit_notes_applied,
            }
        else:
            message = _("%(created)s stage events imported, %(unchanged)s known already.") % {
                "created": result.created,
                "unchanged": result.unchanged,
            }
        self.stdout.write(message)
