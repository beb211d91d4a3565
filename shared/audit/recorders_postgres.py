"""The PostgreSQL chained application recorder (see `shared.audit.recorders`), in a module of its
own so that a service on SQLite never imports psycopg (about 9 MiB of its memory)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg.sql import SQL, Identifier

from shared.audit.recorders import Chained, ChainSQL, ChainWriter, _new_events, _uuid_text
from shared.outbox import OutboxSQL, OutboxWriter


class ChainedPostgresApplicationRecorder(Chained, PostgresApplicationRecorder):
    postgres = True

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        schema = self.datastore.schema

        def qualified(name: str) -> str:
            return SQL("{0}.{1}").format(Identifier(schema), Identifier(name)).as_string(None)

        self.chain = ChainWriter(
            ChainSQL(
                chain_table=qualified(f"{events_table_name}_chain"),
                start_table=qualified(f"{events_table_name}_chain_start"),
                events_table=qualified(events_table_name),
                position="notification_id",
                mark="%s",
            ),
            _uuid_text,
        )
        self.outbox = OutboxWriter(
            OutboxSQL(table=qualified(f"{events_table_name}_outbox"), mark="%s", blob="BYTEA", bigint="BIGINT")
        )
        self.check_identifier_length(f"{events_table_name}_chain_start")
        self.sql_create_statements.extend(SQL(s) for s in self.chain.sql.create_statements("BIGINT"))  # type: ignore[arg-type]
        self.sql_create_statements.append(SQL(self.outbox.sql.create))  # type: ignore[arg-type]
        if self.datastore.enable_db_functions:
            raise RuntimeError("POSTGRES_ENABLE_DB_FUNCTIONS inserts without the table lock the hash chain needs")

    def _fetch_ids_after_insert_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        positions = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        if stored_events:
            events = _new_events(stored_events, positions)
            self.outbox.write(curs, events, self.chain.append(curs, events))
        return positions

    def read_rows(self, statement: str, params: Sequence[Any] = ()) -> list[Any]:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(statement, params)
            return list(curs.fetchall())

    def start_chain(self) -> int:
        with self.datastore.transaction(commit=True) as curs:
            self._lock_table(curs)
            return self.chain.start(curs)

    def delete_ready(self, up_to: int) -> None:
        """Delete the ready messages (`shared.outbox`) of positions up to `up_to`."""
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(self.outbox.sql.prune, (up_to,))
