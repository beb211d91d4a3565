"""SQL databases for a service's own read models (SQLite by default, PostgreSQL in production)."""

from __future__ import annotations

import zlib

from sqlalchemy import Engine, MetaData, create_engine, event, text


def make_engine(url: str) -> Engine:
    """An engine that behaves the same on SQLite (WAL, foreign keys, busy timeout) and PostgreSQL."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    # A database that does not answer fails a connection in seconds, not the OS's minutes.
    return create_engine(url, pool_pre_ping=True, pool_timeout=5, connect_args={"connect_timeout": 5})


def create_all(metadata: MetaData, engine: Engine) -> None:
    """`metadata.create_all`, safe when several replicas start together on a fresh PostgreSQL
    database (concurrent `CREATE TABLE IF NOT EXISTS` collide in the catalogue): the creation is
    serialised by an advisory lock named after the tables."""
    if engine.dialect.name != "postgresql":
        metadata.create_all(engine)
        return
    key = zlib.crc32(",".join(sorted(metadata.tables)).encode())
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        try:
            metadata.create_all(conn)
            conn.commit()
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            conn.commit()
