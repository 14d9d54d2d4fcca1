"""Imports from the ERP/MES: stage events as CSV (columns in docs/import.md).

All or nothing: every row is checked first and the file is refused with a message per broken
row; only a file without errors is written, in one transaction. Each row carries the sender's
event id, so importing the same file twice changes nothing.
"""

import csv
import datetime
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from treue.core.models import User
from treue.core.tabular import ImportRefused, ImportResult
from treue.core.tabular import text as _text

from .models import ChangeSource, Order, ProductionStage
from .services import STAGE_CLOCK_TOLERANCE, order_stage_event_record

# Column names, English as documented, and the German ones of a German ERP export.
COLUMNS = {
    "order": ("order", "auftrag", "auftragsnummer"),
    "stage": ("stage", "stufe", "fertigungsstufe"),
    "occurred_at": ("occurred_at", "zeitpunkt", "datum"),
    "external_id": ("external_id", "ereignis_id", "ereignis-id", "id"),
}
TIME_FORMATS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
                "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M")  # fmt: skip


@dataclass(frozen=True)
class _Row:
    line: int
    order: Order
    stage: str
    occurred_at: datetime.datetime
    external_id: str


def _time(value: str) -> datetime.datetime | None:
    value = value.strip()
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        parsed = None
        for fmt in TIME_FORMATS:
            try:
                parsed = datetime.datetime.strptime(value, fmt)  # noqa: DTZ007 - made aware below
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _columns(header: list[str]) -> dict[str, int] | str:
    names = [h.strip().lower() for h in header]
    found = {}
    for column, aliases in COLUMNS.items():
        position = next((names.index(a) for a in aliases if a in names), None)
        if position is None:
            return column
        found[column] = position
    return found


def stage_events_import(*, data: bytes, by: User | None = None) -> ImportResult:
    text = _text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        raise ImportRefused([_("The file is empty.")])
    columns = _columns(header)
    if isinstance(columns, str):
        raise ImportRefused([_("Row 1: the column %(column)s is missing.") % {"column": columns}])
    raw = [(number, row) for number, row in enumerate(reader, start=2) if any(row)]
    orders = Order.objects.in_bulk(
        {row[columns["order"]].strip() for _, row in raw if len(row) == len(header)},
        field_name="number",
    )
    stages = set(ProductionStage.objects.values_list("code", flat=True))
    latest = timezone.now() + STAGE_CLOCK_TOLERANCE
    errors: list[str] = []
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    for number, row in raw:
        if len(row) != len(header):
            errors.append(
                _("Row %(row)s: %(found)s fields instead of %(expected)s.")
                % {"row": number, "found": len(row), "expected": len(header)}
            )
            continue
        order_number = row[columns["order"]].strip()
        stage = row[columns["stage"]].strip()
        occurred_at = _time(row[columns["occurred_at"]])
        external_id = row[columns["external_id"]].strip()
        problems = []
        if order_number not in orders:
            problems.append(_("no order %(number)s") % {"number": order_number})
        if stage not in stages:
            problems.append(_("no production stage %(stage)s") % {"stage": stage})
        if occurred_at is None:
            problems.append(
                _("%(value)s is not a time like 2026-11-30 14:05")
                % {"value": row[columns["occurred_at"]]}
            )
        elif occurred_at > latest:
            problems.append(_("the time lies in the future"))
        if not external_id:
            problems.append(_("the event id is missing"))
        elif external_id in seen:
            problems.append(
                _("the event id %(id)s is in row %(other)s too")
                % {"id": external_id, "other": seen[external_id]}
            )
        if problems:
            errors.append(
                _("Row %(row)s: %(problems)s.") % {"row": number, "problems": "; ".join(problems)}
            )
            continue
        seen[external_id] = number
        assert occurred_at is not None  # noqa: S101 - problems above otherwise
        rows.append(_Row(number, orders[order_number], stage, occurred_at, external_id))
    if errors:
        raise ImportRefused(errors)
    created = 0
    with transaction.atomic():
        for item in rows:
            try:
                _event, new = order_stage_event_record(
                    order=item.order,
                    stage=item.stage,
                    occurred_at=item.occurred_at,
                    source=ChangeSource.IMPORT,
                    external_id=item.external_id,
                    by=by,
                )
            except ValidationError as exc:
                messages = "; ".join(m for ms in exc.message_dict.values() for m in ms)
                raise ImportRefused(
                    [_("Row %(row)s: %(problems)s") % {"row": item.line, "problems": messages}]
                ) from exc
            created += new
    return ImportResult(created=created, unchanged=len(rows) - created)
