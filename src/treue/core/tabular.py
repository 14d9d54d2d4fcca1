"""Reading the tables that ERP and accounting systems export (CSV or XLSX), shared by the imports.

German exports are often Windows-1252 with `;`, decimal commas and DD.MM.YYYY dates; English ones
UTF-8 with `,`, decimal points and ISO dates. Both are read here without asking. A cell is text
from a CSV file, and from an XLSX file text, a `Decimal` (numbers) or a date, as Excel typed it.
Everything a person can get wrong is answered with `ImportRefused`, one message per row.
"""

import codecs
import csv
import datetime
import functools
import gc
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

Cell = str | Decimal | datetime.date
# progress(stage, done, total): stage is CHECK while rows are read and checked, WRITE after.
Progress = Callable[[str, int, int], None]
CHECK = "check"
WRITE = "write"

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_SPACES = str.maketrans("", "", " \u00a0\u202f")
_PLAIN_NUMBER = re.compile(
    r"(\d+)(?:[.,](\d{1,2}))?", re.ASCII
)  # 1234, 1234,5 or 1234.56: no doubt
_GUESS_ENOUGH = 10_000  # values that tell the decimal separator: enough to decide by


class ImportRefused(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class ImportResult:
    created: int
    unchanged: int


@dataclass(frozen=True)
class Column:
    """A column of an import, its name as documented and the headers it is also found under."""

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = True


@dataclass
class Table:
    header: list[str]
    # (row number counting the header as 1, cells padded to the header's width)
    rows: list[tuple[int, list[Cell]]]
    # Rows that cannot be read at all (wrong number of fields): row number -> the problem.
    broken: dict[int, str] = field(default_factory=dict)
    # How an ambiguous "1,234" is read when no value of the file tells: the separator suggests it.
    decimal_comma: bool = True


@contextmanager
def collector_paused() -> Iterator[None]:
    """A million rows are millions of lists and tuples, which Python's cycle collector would walk
    again and again while they are made (4 of 5 seconds of reading a file); they hold no cycles,
    so it waits until the import is done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 as German Excel saves it."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportRefused([_("The file is neither UTF-8 nor Windows-1252 text.")]) from None


def header_key(name: str) -> str:
    """How headers are compared: "Fällig am", "faellig_am" and "FÄLLIG AM " are the same."""
    folded = unicodedata.normalize("NFC", name).strip().lower().translate(_FOLD)
    return _NOT_WORD.sub(" ", folded).strip()


def is_xlsx(data: bytes, filename: str) -> bool:
    return data.startswith(_ZIP) or filename.lower().endswith((".xlsx", ".xlsm"))


def table_read(*, data: bytes, filename: str = "") -> Table:
    """The header and the non-empty rows of a CSV or XLSX file."""
    if data.startswith(_OLE) or filename.lower().endswith(".xls"):
        raise ImportRefused(
            [_("Old Excel files (.xls) are not read: save the file as .xlsx or as CSV.")]
        )
    if is_xlsx(data, filename):
        return _xlsx_read(data)
    return _csv_read(text(data))


def _csv_read(content: str) -> Table:
    if "\x00" in content:
        raise ImportRefused([_("The file is not a text file (CSV).")])
    first_line = content.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(content), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise ImportRefused(
            [_("Row %(row)s: %(problem)s.") % {"row": reader.line_num, "problem": exc}]
        ) from None
    return _table(records, decimal_comma=delimiter != ",", text_only=True)


def _xlsx_read(data: bytes) -> Table:
    import openpyxl  # only an XLSX import needs it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ImportRefused(
            [_("The file cannot be read as XLSX: %(error)s") % {"error": exc}]
        ) from None
    try:
        sheet = workbook.worksheets[0]
        records = [[_xlsx_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _table(records, decimal_comma=True, pad=True)


def _xlsx_cell(value: object) -> Cell:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # the shortest text that reads back as the same float
    return str(value)


def _table(
    records: Sequence[Sequence[Cell]],
    *,
    decimal_comma: bool,
    pad: bool = False,
    text_only: bool = False,
) -> Table:
    numbered = [
        (n, r)
        for n, r in enumerate(records, start=1)
        if (any(r) if text_only else any(c != "" for c in r))
    ]
    if not numbered:
        raise ImportRefused([_("The file is empty.")])
    header = [cell_text(c) for c in numbered[0][1]]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    rows: list[tuple[int, list[Cell]]] = []
    broken: dict[int, str] = {}
    for number, record in numbered[1:]:
        row = record if isinstance(record, list) else list(record)
        if len(row) != width:
            extra = row[width:]
            if len(row) > width and all(c == "" for c in extra):
                row = row[:width]
            elif pad and len(row) < width:
                row = [*row, *([""] * (width - len(row)))]
            else:
                broken[number] = _("%(found)s fields instead of %(expected)s") % {
                    "found": len(row),
                    "expected": width,
                }
                row = [*row[:width], *([""] * (width - len(row)))]
        rows.append((number, row))
    return Table(header=header, rows=rows, broken=broken, decimal_comma=decimal_comma)


def columns_find(
    header: Sequence[str], spec: Sequence[Column], mapping: Mapping[str, str] | None = None
) -> dict[str, int]:
    """Where each column of `spec` is in `header`: the header that `mapping` names for it, else
    the first of its name and aliases found. Optional columns not found are left out."""
    mapping = dict(mapping or {})
    known = {c.name for c in spec}
    unknown = sorted(set(mapping) - known)
    if unknown:
        raise ImportRefused(
            [
                _("The mapping names columns that do not exist: %(unknown)s (known: %(known)s).")
                % {"unknown": ", ".join(unknown), "known": ", ".join(c.name for c in spec)}
            ]
        )
    keys = [header_key(h) for h in header]
    found: dict[str, int] = {}
    problems = []
    for column in spec:
        if column.name in mapping:
            wanted = header_key(mapping[column.name])
            if wanted in keys:
                found[column.name] = keys.index(wanted)
            else:
                problems.append(
                    _("the column %(header)s (mapped to %(column)s) is missing")
                    % {"header": mapping[column.name], "column": column.name}
                )
            continue
        position = next(
            (keys.index(a) for a in map(header_key, (column.name, *column.aliases)) if a in keys),
            None,
        )
        if position is not None:
            found[column.name] = position
        elif column.required:
            problems.append(_("the column %(column)s is missing") % {"column": column.name})
    if problems:
        raise ImportRefused([_("Row 1: %(problems)s.") % {"problems": "; ".join(problems)}])
    return found


def cell_text(cell: Cell) -> str:
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, Decimal):
        return str(cell.quantize(Decimal(1))) if cell == cell.to_integral_value() else str(cell)
    return cell.isoformat()


def _decimal_separator(value: str, decimal_comma: bool) -> tuple[str | None, bool]:
    """(the decimal separator of `value` or None, whether the value itself tells it)."""
    dot, comma = value.rfind("."), value.rfind(",")
    if dot >= 0 and comma >= 0:
        return ("." if dot > comma else ","), True
    if dot < 0 and comma < 0:
        return None, False
    separator = "." if dot >= 0 else ","
    if value.count(separator) > 1:
        return None, True
    if len(value) - max(dot, comma) - 1 != 3:
        return separator, True
    # "1.234" or "1,234": a thousands separator or three decimals; the file decides.
    return (separator if (separator == ",") == decimal_comma else None), False


def decimal_comma_guess(values: Iterable[Cell], default: bool) -> bool:
    """Whether the numbers of a file are written with a decimal comma, by the values that tell
    (the first ten thousand of them are enough)."""
    comma = point = 0
    for value in values:
        if comma + point >= _GUESS_ENOUGH:
            break
        if not isinstance(value, str) or ("," not in value and "." not in value):
            continue
        separator, tells = _decimal_separator(value.translate(_SPACES), default)
        if tells and separator == ",":
            comma += 1
        elif tells and separator == ".":
            point += 1
    if comma == point:
        return default
    return comma > point


def number_parse(cell: Cell, *, decimal_comma: bool) -> Decimal | None:
    """`1.234,56`, `1234,56`, `1,234.56`, `1234.56`, `1'234.56`, `-5` or `5-`; None if no number.

    A value with a single separator followed by three digits ("1.234") is read the way the file
    writes its decimals (`decimal_comma`); every other value tells by itself.
    """
    if isinstance(cell, Decimal):
        return cell
    if not isinstance(cell, str):
        return None
    plain = _PLAIN_NUMBER.fullmatch(cell)
    if plain is not None:
        return Decimal(f"{plain[1]}.{plain[2] or '0'}")
    value = cell.translate(_SPACES)
    negative = False
    if value.startswith("-"):
        negative, value = True, value[1:]
    elif value.endswith("-"):
        negative, value = True, value[:-1]
    elif value.startswith("+"):
        value = value[1:]
    if not value:
        return None
    separator, _tells = _decimal_separator(value.replace("'", ""), decimal_comma)
    whole, fraction = value, ""
    if separator is not None:
        whole, _sep, fraction = value.rpartition(separator)
        if not (fraction.isascii() and fraction.isdigit()):
            return None
    digits = _digits_grouped(whole)
    if digits is None:
        return None
    return Decimal(f"{'-' if negative else ''}{digits or '0'}.{fraction or '0'}")


def _digits_grouped(whole: str) -> str | None:
    """The digits of an integer part written with or without one kind of thousands separator."""
    if whole.isascii() and whole.isdigit():
        return whole
    if whole == "":
        return ""
    separators = {c for c in whole if not c.isdigit()}
    if len(separators) != 1 or not separators <= {".", ",", "'"}:
        return None
    groups = whole.split(separators.pop())
    first, rest = groups[0], groups[1:]
    if not (1 <= len(first) <= 3 and first.isascii() and first.isdigit()):
        return None
    if not all(len(g) == 3 and g.isascii() and g.isdigit() for g in rest):
        return None
    return "".join(groups)


def date_parse(cell: Cell) -> datetime.date | None:
    """`2026-11-30` or `30.11.2026` (or a date cell of an XLSX file); None otherwise."""
    if isinstance(cell, datetime.datetime):
        return cell.date()
    if isinstance(cell, datetime.date):
        return cell
    if not isinstance(cell, str):
        return None
    return _date_text(cell.strip())


@functools.lru_cache(maxsize=65536)
def _date_text(value: str) -> datetime.date | None:
    try:
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            year, month, day = value[:4], value[5:7], value[8:]
        else:
            day, month, year = value.split(".")
    except ValueError:
        return None
    if not (
        len(year) == 4
        and 1 <= len(month) <= 2
        and 1 <= len(day) <= 2
        and f"{year}{month}{day}".isascii()
        and f"{year}{month}{day}".isdigit()
    ):
        return None
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


# OWASP "CSV injection": a cell starting with one of these is taken as a formula by spreadsheets.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """Text that a spreadsheet shows as text: a possible formula gets a leading apostrophe."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value
