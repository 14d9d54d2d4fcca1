"""Loading many rows fast: COPY on PostgreSQL, one executemany on SQLite.

`Model.objects.bulk_create` is about six times slower than COPY (PERFORMANCE.md), and on SQLite
it splits every INSERT at 999 parameters. The callers here assign primary keys themselves, so that
child rows can reference their parents without reading anything back; `reset_sequences` then
moves PostgreSQL's sequences past the ids used.
"""

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models

Row = Sequence[Any]


def _columns(model: type[models.Model], fields: Sequence[str]) -> list[models.Field[Any, Any]]:
    concrete = []
    for name in fields:
        field = model._meta.get_field(name)
        if not isinstance(field, models.Field) or not field.concrete:
            raise ValueError(f"{model.__name__}.{name} is not a concrete column")
        concrete.append(field)
    return concrete


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How a Python value of this column is turned into what the driver expects, if at all."""
    if isinstance(field, models.DateTimeField):
        ops = connection.ops

        def datetime_value(value: Any) -> Any:
            return (
                value
                if value is None or isinstance(value, str)
                else ops.adapt_datetimefield_value(value)
            )

        return datetime_value
    if isinstance(field, models.JSONField):

        def json_value(value: Any) -> Any:
            return value if value is None or isinstance(value, str) else json.dumps(value)

        return json_value
    return None


def _adapted(rows: Iterable[Row], adapters: list[Callable[[Any], Any] | None]) -> Iterator[Row]:
    if not any(adapters):
        yield from rows
        return
    indexed = [(i, a) for i, a in enumerate(adapters) if a is not None]
    for row in rows:
        values = list(row)
        for i, adapt in indexed:
            values[i] = adapt(values[i])
        yield values


def bulk_insert(model: type[models.Model], fields: list[str], rows: Iterable[Row]) -> int:
    """Insert `rows` (sequences in the order of `fields`) into the model's table; return the count.

    `fields` are field names ("customer" or "customer_id" for a foreign key). Values are passed to
    the database as they are, so money should be given as a Decimal or a string like "12.30",
    dates as `datetime.date` or "2025-01-31"; aware datetimes and JSON values are adapted here.
    Runs inside the caller's transaction; use `transaction.atomic` around several calls.
    """
    columns = _columns(model, fields)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in columns)
    values = _adapted(rows, [_adapter(f) for f in columns])
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        count = 0
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in values:
                copy.write_row(row)
                count += 1
        return count
    if connection.vendor == "sqlite":
        marks = ", ".join("?" * len(columns))
        raw = connection.connection
        assert raw is not None  # noqa: S101 - ensure_connection() above
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - names quoted
        cursor = raw.executemany(sql, values)
        return int(cursor.rowcount)
    raise NotImplementedError(f"bulk_insert does not support {connection.vendor}")


def next_id(model: type[models.Model]) -> int:
    """The first primary key above every one in use: 1 in an empty table."""
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX({pk}), 0) FROM {table}")  # noqa: S608 - names quoted
        row = cursor.fetchone()
    return int(row[0]) + 1


def reset_sequences(model_list: Iterable[type[models.Model]]) -> None:
    """After inserting explicit ids: let the database's own id counters continue above them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def truncate(model_list: Iterable[type[models.Model]]) -> None:
    """Delete every row of these tables (and, on PostgreSQL, of tables referencing them) and
    restart their id counters at 1."""
    tables = [m._meta.db_table for m in model_list]
    statements = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=True, allow_cascade=True
    )
    connection.ops.execute_sql_flush(statements)


def _secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes that back no constraint and can be rebuilt."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                """
                SELECT i.relname, pg_get_indexdef(x.indexrelid)
                FROM pg_index x
                JOIN pg_class i ON i.oid = x.indexrelid
                WHERE x.indrelid = %s::regclass
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
                ORDER BY i.relname
                """,
                [connection.ops.quote_name(table)],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s"
                " AND sql IS NOT NULL ORDER BY name",
                [table],
            )
        return [(str(name), str(sql)) for name, sql in cursor.fetchall()]


def _foreign_keys(table: str) -> list[tuple[str, str]]:
    """(name, definition) of a PostgreSQL table's foreign keys."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [connection.ops.quote_name(table)],
        )
        return [(str(name), str(sql)) for name, sql in cursor.fetchall()]


@contextmanager
def indexes_deferred(model_list: Iterable[type[models.Model]]) -> Iterator[None]:
    """Drop the tables' secondary indexes (and on PostgreSQL their foreign keys) for a large load
    and build them again afterwards: building an index once is much faster than maintaining it row
    by row, and checking a foreign key once is a single join instead of a trigger per row.

    Must run inside a transaction, so that a failed load leaves the schema as it was; on SQLite the
    indexes are dropped and built inside that transaction as well.
    """
    qn = connection.ops.quote_name
    dropped: list[tuple[str, str]] = []
    dropped_fks: list[tuple[str, str, str]] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A table with pending deferred foreign-key checks cannot be altered: run them now.
            # Deferrable constraints stay immediate for the rest of the transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for model in model_list:
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                for name, definition in _foreign_keys(table):
                    cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
                    dropped_fks.append((table, name, definition))
            for name, create in _secondary_indexes(table):
                cursor.execute(f"DROP INDEX {qn(name)}")
                dropped.append((name, create))
    yield
    # Not in a `finally`: after a failure the transaction is rolled back, and with it the drops.
    with connection.cursor() as cursor:
        for _name, create in dropped:
            cursor.execute(create)
        for table, name, definition in dropped_fks:
            cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
