"""Which exceptions mean "the database is not reachable right now" (answered 503, retried later),
as opposed to a bug or a refused command.

psycopg's exceptions are looked at only when psycopg has been imported (a PostgreSQL store or
database opened it): a service on SQLite never imports it (about 9 MiB of its memory), and an
exception cannot be one of psycopg's unless psycopg was imported."""

from __future__ import annotations

import sqlite3
import sys

from eventsourcing.persistence import InterfaceError as EsInterfaceError
from eventsourcing.persistence import OperationalError as EsOperationalError
from eventsourcing.persistence import PersistenceError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

_UNAVAILABLE: tuple[type[BaseException], ...] = (EsInterfaceError, PoolTimeoutError, ConnectionError)
_SQLITE_TRANSIENT = ("locked", "busy", "unable to open", "disk i/o", "readonly")


def _sqlite_transient(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and any(t in str(exc).lower() for t in _SQLITE_TRANSIENT)


def is_database_unavailable(exc: BaseException) -> bool:
    """True for a lost or refused connection, a pool or lock timeout: try again later."""
    if isinstance(exc, _UNAVAILABLE) or _sqlite_transient(exc):
        return True
    if isinstance(exc, EsOperationalError):
        cause = exc.__cause__
        return not isinstance(cause, sqlite3.Error) or _sqlite_transient(cause)
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        return isinstance(exc.orig, BaseException) and is_database_unavailable(exc.orig)
    if _postgres_unavailable(exc):
        return True
    if isinstance(exc, PersistenceError) and isinstance(exc.__cause__, BaseException):
        return is_database_unavailable(exc.__cause__)
    return False


def _postgres_unavailable(exc: BaseException) -> bool:
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None and isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
        return True
    pool = sys.modules.get("psycopg_pool")
    return pool is not None and isinstance(exc, pool.PoolTimeout)


def database_error_types() -> tuple[type[Exception], ...]:
    """The exception types an HTTP handler looks at for "database unavailable" (others re-raise):
    psycopg's among them when it is imported. A service opens its stores and databases before
    it builds its app, so on PostgreSQL psycopg is imported by the time the handlers are added."""
    types: list[type[Exception]] = [PersistenceError, DBAPIError, PoolTimeoutError]
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None:
        types.append(psycopg.Error)
    pool = sys.modules.get("psycopg_pool")
    if pool is not None:
        types.append(pool.PoolTimeout)
    return (*types, sqlite3.Error, ConnectionError)
