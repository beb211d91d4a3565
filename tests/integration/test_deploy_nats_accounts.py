"""The NATS accounts of deploy/nats/values.yaml on a real nats-server: a service may publish its
own events and no one else's, reads only the streams it reads, and no service may delete or purge a
stream."""

from __future__ import annotations

from pathlib import Path

import nats
import pytest
from nats.errors import Error as NatsError
from nats.js.errors import APIError, NotFoundError

from shared.streams import CAMPAIGNS, DOSSIERS, ensure_streams
from tests.deploy.natsconf import production_nats

PASSWORDS = {
    u: f"pw-{u}" for u in ("campaigns", "dossiers", "notifications", "reporting", "tdkt-admin", "tdkt-auditor", "sys")
}
# A refused request is never answered (the server only logs the violation): the client gives up
# after this long. A permitted one is answered in milliseconds; the streams' contents are checked
# at the end of each test, so something that went through slowly would still be caught there.
REFUSED_AFTER = 0.5


async def connect(url: str, user: str) -> nats.NATS:
    return await nats.connect(url, user=user, password=PASSWORDS[user], max_reconnect_attempts=0)


async def test_each_service_publishes_only_its_own_subjects(tmp_path: Path) -> None:
    with production_nats(tmp_path, PASSWORDS) as url:
        operator = await connect(url, "tdkt-admin")
        await ensure_streams(operator.jetstream())
        reporting = await connect(url, "reporting")
        campaigns = await connect(url, "campaigns")
        try:
            ack = await campaigns.jetstream().publish("tdkt.campaign.drafted", b"{}", timeout=5)
            assert ack.stream == CAMPAIGNS.name
            for client, subject in ((reporting, "tdkt.campaign.drafted"), (campaigns, "tdkt.dossier.submitted")):
                with pytest.raises(NatsError):  # refused by the server: no ack ever comes
                    await client.jetstream().publish(subject, b"{}", timeout=REFUSED_AFTER)
            with pytest.raises((APIError, NatsError)):
                await campaigns.jetstream(timeout=REFUSED_AFTER).delete_stream(DOSSIERS.name)
            # Reading a stream from its start (reporting's rebuild, `tdkt store`, `tdkt audit`):
            # an ordered consumer delivering to the reader's _INBOX.
            sub = await reporting.jetstream().subscribe("tdkt.campaign.>", stream=CAMPAIGNS.name, ordered_consumer=True)
            assert (await sub.next_msg(timeout=5)).subject == "tdkt.campaign.drafted"
            await sub.unsubscribe()
            # ...but not another service's journal: consumers only on the streams it reads.
            with pytest.raises((APIError, NatsError, TimeoutError)):
                await reporting.jetstream(timeout=REFUSED_AFTER).subscribe(
                    "journal.dossiers", stream="TDKT_JOURNAL_DOSSIERS", ordered_consumer=True
                )
            info = await operator.jetstream().stream_info(CAMPAIGNS.name)
            assert info.state.messages == 1  # only the permitted message arrived
            assert (await operator.jetstream().stream_info(DOSSIERS.name)).state.messages == 0
        finally:
            for client in (operator, reporting, campaigns):
                await client.close()


async def test_the_auditor_reads_every_stream_and_changes_nothing(tmp_path: Path) -> None:
    with production_nats(tmp_path, PASSWORDS) as url:
        operator = await connect(url, "tdkt-admin")
        await ensure_streams(operator.jetstream())
        await operator.jetstream().publish("tdkt.dossier.submitted", b"{}", timeout=5)
        auditor = await connect(url, "tdkt-auditor")
        try:
            reads, js = auditor.jetstream(timeout=5), auditor.jetstream(timeout=REFUSED_AFTER)
            sub = await reads.subscribe("tdkt.dossier.>", stream=DOSSIERS.name, ordered_consumer=True)
            assert (await sub.next_msg(timeout=5)).subject == "tdkt.dossier.submitted"
            await sub.unsubscribe()
            journal = await reads.subscribe("journal.dossiers", stream="TDKT_JOURNAL_DOSSIERS", ordered_consumer=True)
            await journal.unsubscribe()  # a consumer on the journal too (`tdkt audit verify`)
            with pytest.raises(NatsError):
                await js.publish("tdkt.dossier.submitted", b"{}")
            with pytest.raises((APIError, NatsError, TimeoutError)):
                await js.add_stream(name="TDKT_AUDITOR_OWN", subjects=["auditor.>"])
            with pytest.raises((APIError, NatsError, TimeoutError)):
                await js.purge_stream(DOSSIERS.name)
            assert (await operator.jetstream().stream_info(DOSSIERS.name)).state.messages == 1
            with pytest.raises(NotFoundError):
                await operator.jetstream().stream_info("TDKT_AUDITOR_OWN")
        finally:
            for client in (operator, auditor):
                await client.close()
