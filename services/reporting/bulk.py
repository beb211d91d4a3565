"""Multi-row INSERT without SQLAlchemy's per-row parameter work.

A profile of a rebuild (docs/performance.md) spent three quarters of its SQL time in SQLAlchemy
building each row's parameters (`construct_params`), against one quarter in the driver's
`executemany`. Here the statement is compiled once per table and set of columns, each value goes
through its column type's bind processor (what SQLAlchemy would store, e.g. ISO text for a date
on SQLite), and the rows go to the driver as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Table, insert
from sqlalchemy.engine import Dialect

Processor = Callable[[Any], Any] | None


@lru_cache(maxsize=256)
def _plan(
    table: Table, dialect: Dialect, keys: tuple[str, ...]
) -> tuple[str, tuple[str, ...], bool, tuple[Processor, ...]]:
    compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
    order = tuple(compiled.positiontup or ()) if compiled.positional else keys
    processors = tuple(table.c[k].type.dialect_impl(dialect).bind_processor(dialect) for k in order)
    return str(compiled), order, compiled.positional, processors


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT `rows` (dicts with the same keys) into `table` in one driver call."""
    if not rows:
        return
    sql, order, positional, processors = _plan(table, conn.dialect, tuple(rows[0]))
    pairs = list(zip(order, processors, strict=True))
    if positional:
        params: list[Any] = [tuple(p(row[k]) if p is not None else row[k] for k, p in pairs) for row in rows]
    else:
        params = [{k: (p(row[k]) if p is not None else row[k]) for k, p in pairs} for row in rows]
    conn.exec_driver_sql(sql, params)
