"""Multi-row INSERT (and UPDATE) without SQLAlchemy's per-row parameter work.

A profile of a rebuild (docs/performance.md) spent three quarters of its SQL time in SQLAlchemy
building each row's parameters (`construct_params`), against one quarter in the driver's
`executemany`. Here the statement is compiled once per table and set of columns, each value goes
through its column type's bind processor (what SQLAlchemy would store, e.g. ISO text for a date
on SQLite), and the rows go to the driver as they are. On SQLite a date or a datetime, the values
that have a processor there, is formatted by one C call (`isoformat`) to the very text SQLAlchemy's
processor writes (its `%`-formatting of a dict per value was 5-6 % of a profiled rebuild).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Column, Connection, Table, bindparam, insert, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect

Processor = Callable[[Any], Any] | None


@lru_cache(maxsize=256)
def _plan(
    table: Table, dialect: Dialect, keys: tuple[str, ...]
) -> tuple[str, tuple[str, ...], bool, tuple[Processor, ...]]:
    compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
    order = tuple(compiled.positiontup or ()) if compiled.positional else keys
    processors = tuple(bind_processor(table.c[k], dialect) for k in order)
    return str(compiled), order, compiled.positional, processors


def bind_processor(column: Column[Any], dialect: Dialect) -> Processor:
    """The column type's bind processor; on SQLite, for the default storage format of a date or a
    datetime, one that gives the same text faster (anything but a plain `date` / `datetime` goes
    to SQLAlchemy's processor, which formats it or raises as it would)."""
    impl = column.type.dialect_impl(dialect)
    process = impl.bind_processor(dialect)
    if process is None or dialect.name != "sqlite":
        return process
    # (pysqlite's own subclasses of these types hand over to their processors)
    if isinstance(impl, sqlite.DATETIME) and impl._storage_format == sqlite.DATETIME._storage_format:
        return _sqlite_datetime(process)
    if isinstance(impl, sqlite.DATE) and impl._storage_format == sqlite.DATE._storage_format:
        return _sqlite_date(process)
    return process


def _sqlite_datetime(general: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def process(value: Any) -> Any:
        # "YYYY-MM-DD HH:MM:SS.ffffff" (26 characters), the zone, if any, left out as SQLAlchemy does
        return value.isoformat(" ", "microseconds")[:26] if type(value) is datetime else general(value)

    return process


def _sqlite_date(general: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def process(value: Any) -> Any:
        return value.isoformat() if type(value) is date else general(value)

    return process


@lru_cache(maxsize=256)
def _update_plan(
    table: Table, dialect: Dialect, keys: tuple[str, ...], key: str
) -> tuple[str, tuple[str, ...], bool, tuple[Processor, ...]]:
    where = f"key_{key}"
    statement = update(table).where(table.c[key] == bindparam(where))
    compiled = statement.compile(dialect=dialect, column_keys=[k for k in keys if k != where])
    order = tuple(compiled.positiontup or ()) if compiled.positional else keys
    processors = tuple(bind_processor(table.c[key if k == where else k], dialect) for k in order)
    return str(compiled), order, compiled.positional, processors


def update_rows(conn: Connection, table: Table, key: str, rows: Sequence[dict[str, Any]]) -> None:
    """UPDATE the rows of `table` whose `key` column equals each row's `key_<key>` value, setting
    its other values (dicts with the same keys), in one driver call."""
    if not rows:
        return
    _run(conn, _update_plan(table, conn.dialect, tuple(rows[0]), key), rows)


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT `rows` (dicts with the same keys) into `table` in one driver call."""
    if not rows:
        return
    _run(conn, _plan(table, conn.dialect, tuple(rows[0])), rows)


def _run(
    conn: Connection,
    plan: tuple[str, tuple[str, ...], bool, tuple[Processor, ...]],
    rows: Sequence[dict[str, Any]],
) -> None:
    sql, order, positional, processors = plan
    pairs = list(zip(order, processors, strict=True))
    if positional:
        params: list[Any] = [tuple(p(row[k]) if p is not None else row[k] for k, p in pairs) for row in rows]
    else:
        params = [{k: (p(row[k]) if p is not None else row[k]) for k, p in pairs} for row in rows]
    conn.exec_driver_sql(sql, params)
