"""A service on SQLite never imports psycopg (about 9 MiB of each service's memory, item 7 of
docs/performance.md); on PostgreSQL the chained recorder and the 503 handlers are as before."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

SERVICES = ("dossiers", "campaigns", "notifications", "reporting")


def test_services_built_on_sqlite_do_not_import_psycopg(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import importlib, sys
        for service in {SERVICES!r}:
            module = importlib.import_module(f"services.{{service}}.app")
            module.build_app()
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("psycopg", "psycopg_pool", "psycopg_c"))
        loaded += [m for m in ("eventsourcing.postgres",) if m in sys.modules]
        print(loaded)
        """
    )
    env = {"TDKT_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "TDKT_DEV_MODE": "1"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_once_psycopg_is_imported_its_errors_are_answered_503() -> None:
    import psycopg
    import psycopg_pool

    from shared.dberrors import database_error_types, is_database_unavailable

    assert {psycopg.Error, psycopg_pool.PoolTimeout} <= set(database_error_types())
    assert is_database_unavailable(psycopg.OperationalError("connection refused"))
    assert is_database_unavailable(psycopg_pool.PoolTimeout("no connection"))
    assert not is_database_unavailable(psycopg.errors.UniqueViolation("duplicate key"))
