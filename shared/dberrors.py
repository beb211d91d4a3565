"""Which exceptions mean "the database is not reachable right now" (answered 503, retried later),
as opposed to a bug or a refused command."""

from __future__ import annotations

import sqlite3

import psycopg
import psycopg_pool
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
    if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError | psycopg_pool.PoolTimeout):
        return True
    if isinstance(exc, PersistenceError) and isinstance(exc.__cause__, BaseException):
        return is_database_unavailable(exc.__cause__)
    return False


DATABASE_ERROR_TYPES: tuple[type[Exception], ...] = (
    PersistenceError,
    DBAPIError,
    PoolTimeoutError,
    psycopg.Error,
    psycopg_pool.PoolTimeout,
    sqlite3.Error,
    ConnectionError,
)
"""The exception types an HTTP handler looks at for "database unavailable" (others re-raise)."""
