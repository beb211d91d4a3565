"""`bulk.bind_processor` stores on SQLite the very text SQLAlchemy's own processors store."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import Boolean, Column, Date, DateTime, Integer, MetaData, String, Table
from sqlalchemy.dialects import postgresql, sqlite

from services.reporting.bulk import bind_processor

TABLE = Table(
    "t",
    MetaData(),
    Column("at", DateTime(timezone=True)),
    Column("naive", DateTime()),
    Column("on", Date()),
    Column("flag", Boolean()),
    Column("n", Integer()),
    Column("s", String(20)),
)
MOMENTS = [
    None,
    datetime(2024, 3, 1, 8, 30, 0, tzinfo=UTC),
    datetime(2024, 3, 1, 8, 30, 0, 123456, tzinfo=timezone(timedelta(hours=7))),
    datetime(1, 1, 1),
    datetime(9999, 12, 31, 23, 59, 59, 999999),
    date(2024, 2, 29),
]
DAYS = [None, date(2024, 2, 29), date(1, 1, 1), date(9999, 12, 31), datetime(2024, 3, 1, 23, 59, tzinfo=UTC)]


def general(column: str):  # type: ignore[no-untyped-def]
    dialect = sqlite.dialect()
    return TABLE.c[column].type.dialect_impl(dialect).bind_processor(dialect)


@pytest.mark.parametrize("column", ["at", "naive"])
@pytest.mark.parametrize("value", MOMENTS)
def test_datetime_text_is_sqlalchemys(column: str, value: object) -> None:
    fast = bind_processor(TABLE.c[column], sqlite.dialect())
    assert fast is not None and "_sqlite_datetime" in fast.__qualname__
    assert fast(value) == general(column)(value)


@pytest.mark.parametrize("value", DAYS)
def test_date_text_is_sqlalchemys(value: object) -> None:
    fast = bind_processor(TABLE.c["on"], sqlite.dialect())
    assert fast is not None and "_sqlite_date" in fast.__qualname__
    assert fast(value) == general("on")(value)


@pytest.mark.parametrize("column", ["at", "on"])
def test_anything_else_raises_as_sqlalchemy_does(column: str) -> None:
    fast = bind_processor(TABLE.c[column], sqlite.dialect())
    assert fast is not None
    with pytest.raises(TypeError):
        general(column)("2024-01-01")
    with pytest.raises(TypeError):
        fast("2024-01-01")


def test_other_columns_and_dialects_keep_their_processor() -> None:
    assert bind_processor(TABLE.c["n"], sqlite.dialect()) is None
    assert bind_processor(TABLE.c["flag"], sqlite.dialect()) is not None
    pg = postgresql.psycopg.dialect()
    assert bind_processor(TABLE.c["at"], pg) == TABLE.c["at"].type.dialect_impl(pg).bind_processor(pg)
