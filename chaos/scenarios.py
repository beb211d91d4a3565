"""The faults, one scenario each: start the system, load it, inject the fault, let it recover
without a manual step (except where an operator's documented command *is* the recovery: the
store restore), then audit (`chaos.audit`)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import nats

from chaos.audit import INJECTED, Row, audit, dead_letters, stream_contents
from chaos.outside import SilentWebhook
from chaos.system import System
from chaos.workload import CLERK, LEAD_UNIT, SECRETARY, THEMATIC_FILES, Workload, campaign_body, dossier_body
from shared.streams import DOSSIERS
from shared.testing.servers import PostgresServer


@dataclass
class Context:
    system: System
    load: Workload
    row: Row
    size: int
    """Commands acknowledged per phase of load."""
    extra: dict[str, object] = field(default_factory=dict)

    def phase(self) -> None:
        """One phase of load: `size` more commands acknowledged."""
        self.load.run_commands(self.size)


@dataclass(frozen=True)
class Scenario:
    name: str
    summary: str
    inject: Callable[[Context], None]
    postgres: bool = False
    replicas: int = 1
    smtp_delay_seconds: float = 0.0
    quick: bool = False
    """Part of the fast subset that `make test` runs."""


def probe_submission_body(ctx: Context) -> dict[str, object]:
    """A valid submission's body (its attachments uploaded now)."""
    url = ctx.system.replica("dossiers").url
    files = [("files", (f"{k.lower()}.pdf", f"%PDF-1.4 probe {time.time()} {k}".encode())) for k in THEMATIC_FILES]
    uploaded = httpx.post(f"{url}/attachments", files=files, data={"kind": list(THEMATIC_FILES)}, headers=CLERK)
    attachments = [{"name": f["name"], "kind": f["kind"], "sha256": f["sha256"]} for f in uploaded.json()]
    return dossier_body(ctx.load.eligible_campaigns[0], attachments)


def probe_submission(ctx: Context) -> httpx.Response:
    """A valid submission straight to the (first) dossiers replica, outside the workload's record."""
    url = ctx.system.replica("dossiers").url
    return httpx.post(f"{url}/dossiers", json=probe_submission_body(ctx), headers=CLERK, timeout=15)


# --- kill -9 ---------------------------------------------------------------------------------------


def kill_9(service: str) -> Callable[[Context], None]:
    def inject(ctx: Context) -> None:
        with ctx.load.running() as acked:
            ctx.load.wait_for_acks(acked() + ctx.size)
            ctx.system.kill(service)
            time.sleep(1.0)
            ctx.system.spawn(ctx.system.replica(service))
            ctx.load.wait_for_acks(acked() + ctx.size)

    return inject


# --- NATS down while a service restarts ---------------------------------------------------------------


def nats_down_while_a_service_restarts(ctx: Context) -> None:
    with ctx.load.running() as acked:
        ctx.load.wait_for_acks(acked() + ctx.size)
        ctx.system.nats.stop()
        down_at = time.monotonic()
        ctx.system.restart("dossiers")  # starts without NATS: it cannot compare its store, so no writes
        probe = probe_submission(ctx)
        if probe.status_code != 503:
            ctx.row.failures.append(
                f"a dossiers service started without NATS answered a write with {probe.status_code}"
            )
        time.sleep(2.0)
        ctx.system.nats.start()
        ctx.row.notes.append(f"NATS down {time.monotonic() - down_at:.1f} s; dossiers restarted meanwhile")
        ctx.load.wait_for_acks(acked() + ctx.size, timeout=90)


# --- the event store restored from an earlier copy -----------------------------------------------------


def wait_published(system: System, service: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        relay = httpx.get(f"{system.replica(service).url}/readyz", timeout=5).json()["checks"][f"relay:{service}"]
        if relay.get("lag_events") == 0:
            return
        time.sleep(0.2)
    raise TimeoutError(f"{service} did not publish its events")


def store_restored_from_an_earlier_copy(ctx: Context) -> None:
    ctx.phase()
    ctx.system.backup_store("dossiers", "dossiers-last-night.sqlite")
    before = len(ctx.load.acks)
    ctx.phase()  # answered 201, published, then the disk is lost
    lost = len(ctx.load.acks) - before
    wait_published(ctx.system, "dossiers")
    ctx.system.kill("dossiers")
    ctx.system.restore_store("dossiers", "dossiers-last-night.sqlite")
    ctx.system.spawn(ctx.system.replica("dossiers"))

    url = ctx.system.replica("dossiers").url
    refused = probe_submission(ctx)
    ready = httpx.get(f"{url}/readyz", timeout=10)
    state = ready.json()["checks"]["relay:dossiers"]["store"]["state"]
    if refused.status_code != 503 or ready.status_code != 503 or state != "behind":
        ctx.row.failures.append(
            f"restored store not refused: write {refused.status_code}, /readyz {ready.status_code}, store {state}"
        )
    result = ctx.system.tdkt("store", "reconcile", "dossiers", service="dossiers")
    if result.returncode != 0:
        ctx.row.failures.append(f"`tdkt store reconcile dossiers` failed: {result.stdout} {result.stderr}")
    imported = next((line for line in result.stdout.splitlines() if "nạp lại" in line), "")
    ctx.row.notes.append(f"{lost} commands after the copy; operator ran `tdkt store reconcile dossiers`: {imported}")
    ctx.system.wait_ready(60)
    ctx.phase()


# --- the database unavailable --------------------------------------------------------------------------


def database_unavailable(ctx: Context) -> None:
    proxy = ctx.system.databases.proxy  # type: ignore[union-attr]
    campaigns, dossiers = ctx.system.replica("campaigns").url, ctx.system.replica("dossiers").url
    dossier = probe_submission_body(ctx)  # attachments uploaded while the database is up
    probes: list[tuple[str, int, float]] = []
    with ctx.load.running() as acked:
        ctx.load.wait_for_acks(acked() + ctx.size)
        down_at = time.monotonic()
        proxy.down()
        time.sleep(1.5)  # the services notice (their probes run every second)
        for n in range(10):  # new commands arriving during the outage
            url, path, body, actor = (
                (campaigns, "/campaigns", campaign_body(f"CHAOS-DOWN-{n}"), LEAD_UNIT)
                if n % 2
                else (dossiers, "/dossiers", dossier, CLERK)
            )
            started = time.monotonic()
            try:
                status = httpx.post(url + path, json=body, headers=actor, timeout=60).status_code
            except httpx.HTTPError:
                status = 0
            probes.append((path, status, time.monotonic() - started))
            time.sleep(0.3)
        proxy.up()
        up_at = time.monotonic()
        ctx.load.wait_for_acks(acked() + ctx.size, timeout=90)
    wrong = [(path, status) for path, status, _ in probes if status != 503]
    slowest = max(seconds for _, _, seconds in probes)
    if wrong:
        ctx.row.failures.append(f"commands during the outage answered {wrong}, not 503")
    if slowest > 3:
        ctx.row.failures.append(f"a command during the outage took {slowest:.1f} s to be answered")
    in_flight = [o for o in ctx.load.statuses(down_at - 1, up_at) if o.at + o.seconds > down_at]
    errors = [(o.command, o.status) for o in in_flight if o.status not in (503,) and not 200 <= o.status < 300]
    if errors:
        ctx.row.failures.append(f"commands caught by the outage answered {errors[:5]}")
    after = [o for o in ctx.load.statuses(up_at + 2) if 200 <= o.status < 300]
    if not after:
        ctx.row.failures.append("no command succeeded after the database came back")
    ctx.row.notes.append(
        f"database down {up_at - down_at:.1f} s: {len(probes)} new commands answered 503 in at most "
        f"{slowest:.2f} s; {len(in_flight)} already waiting on it answered {sorted({o.status for o in in_flight})} "
        f"after at most {max((o.seconds for o in in_flight), default=0):.1f} s"
    )


# --- a poison message and malformed JSON ---------------------------------------------------------------


async def _publish_raw(url: str, subject: str, data: bytes, headers: dict[str, str]) -> None:
    nc = await nats.connect(url)
    try:
        await nc.jetstream().publish(subject, data, headers=headers, stream=DOSSIERS.name)
    finally:
        await nc.close()


def poison_and_malformed(ctx: Context) -> None:
    poison = {"schema_version": 1, "event_id": "chaos-poison", "aggregate_id": "x", "aggregate_version": 1}
    injected = {
        "chaos-poison": json.dumps(poison).encode(),  # valid JSON that no contract accepts: fails every time
        "chaos-malformed": b'{"event_id": "chaos-malformed", ',  # not JSON at all
    }
    with ctx.load.running() as acked:
        ctx.load.wait_for_acks(acked() + ctx.size)
        for msg_id, data in injected.items():
            headers = {"Nats-Msg-Id": msg_id, "ce-id": msg_id}
            asyncio.run(_publish_raw(ctx.system.nats.url, "tdkt.dossier.submitted", data, headers))
        ctx.load.wait_for_acks(acked() + ctx.size)
    deadline = time.monotonic() + 30
    expected = {(c, m) for c in ("reporting", "notifications") for m in injected}
    found: set[tuple[str, str]] = set()
    while time.monotonic() < deadline and found != expected:
        found = {
            (h.get("tdkt-dead-letter-consumer", ""), h.get("ce-id", ""))
            for subject, h, _ in dead_letters(ctx.system)
            if h.get("tdkt-attempts") == "3"
        }
        time.sleep(0.3)
    if found != expected:
        ctx.row.failures.append(f"dead letters: expected {sorted(expected)}, found {sorted(found)}")
    else:
        ctx.row.notes.append("poison and malformed message dead-lettered by reporting and notifications after 3 tries")


# --- a copy of an event past the duplicate window ------------------------------------------------------


async def _copy_events(url: str, count: int) -> list[str]:
    messages = await stream_contents(url, (DOSSIERS.name,))
    originals = [m for m in messages if not m[1].get("Nats-Msg-Id", "").startswith(INJECTED)][-count:]
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        for n, (subject, headers, data) in enumerate(originals):
            copy = {**headers, "Nats-Msg-Id": f"{INJECTED}copy-{n}"}  # same ce-id, new message id
            await js.publish(subject, data, headers=copy, stream=DOSSIERS.name)
    finally:
        await nc.close()
    return [h["ce-id"] for _, h, _ in originals]


def copy_past_the_duplicate_window(ctx: Context) -> None:
    with ctx.load.running() as acked:
        ctx.load.wait_for_acks(acked() + ctx.size)
        copied = asyncio.run(_copy_events(ctx.system.nats.url, 5))
        ctx.load.wait_for_acks(acked() + ctx.size)
    ctx.row.notes.append(f"{len(copied)} events re-published under new Nats-Msg-Ids (same ce-id)")


# --- two replicas of every service ---------------------------------------------------------------------


def two_replicas_of_everything(ctx: Context) -> None:
    with ctx.load.running() as acked:
        ctx.load.wait_for_acks(acked() + 2 * ctx.size)
        ctx.system.kill("dossiers", 1)  # and one of them dies mid-load
        ctx.load.wait_for_acks(acked() + ctx.size)
        ctx.system.spawn(ctx.system.replica("dossiers", 1))
        ctx.load.wait_for_acks(acked() + ctx.size)


# --- a slow SMTP server and a webhook that times out -----------------------------------------------------


def slow_smtp_and_a_webhook_that_times_out(ctx: Context) -> None:
    hook = SilentWebhook().start()
    ctx.extra["hook"] = hook
    subscription = {
        "event_types": ["tdkt.dossier.submitted"],
        "url": hook.url,
        "secret": "chaos-secret-0123456789",
        "description": "chaos: never answers",
    }
    created = httpx.post(
        f"{ctx.system.replica('notifications').url}/subscriptions", json=subscription, headers=SECRETARY, timeout=10
    )
    if created.status_code != 201:
        ctx.row.failures.append(f"webhook subscription refused: {created.status_code} {created.text}")
    ctx.phase()
    ctx.phase()
    ctx.row.notes.append(f"SMTP answers after {ctx.system.smtp.sink.delay_seconds:.0f} s; webhook never answers")


# --- concurrent conflicting commands on one dossier ------------------------------------------------------


def conflicting_commands(ctx: Context) -> None:
    ctx.phase()
    dossier = ctx.load.new_dossier(check=False)
    if dossier is None:
        ctx.row.failures.append("could not submit the dossier to fight over")
        return
    barrier = threading.Barrier(6)
    statuses: list[int] = []
    lock = threading.Lock()
    url = ctx.system.replica("dossiers").url

    def check() -> None:
        barrier.wait()
        response = httpx.post(
            f"{url}/dossiers/{dossier['id']}/completeness-check",
            json={},
            headers={**SECRETARY, "If-Match": f'"{dossier["version"]}"'},
            timeout=15,
        )
        with lock:
            statuses.append(response.status_code)
        if response.status_code == 200:
            ctx.load.record_ack("dossiers", "completeness_check", response.json())

    threads = [threading.Thread(target=check) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if sorted(statuses) != [200, 409, 409, 409, 409, 409]:
        ctx.row.failures.append(f"six simultaneous checks of one version answered {sorted(statuses)}")
    else:
        ctx.row.notes.append("six simultaneous completeness checks on one version: one 200, five 409")
    ctx.phase()


SCENARIOS: tuple[Scenario, ...] = (
    *(
        Scenario(f"kill-9 {s}", f"kill -9 {s} mid-load, restart", kill_9(s), quick=s == "dossiers")
        for s in ("campaigns", "dossiers", "notifications", "reporting")
    ),
    Scenario(
        "nats down + restart", "nats-server killed, dossiers restarted meanwhile", nats_down_while_a_service_restarts
    ),
    Scenario(
        "store restored", "dossiers' store replaced by an earlier copy", store_restored_from_an_earlier_copy, quick=True
    ),
    Scenario("database down", "PostgreSQL unreachable for 4 s under load", database_unavailable, postgres=True),
    Scenario("poison + malformed", "a message that always fails, and bad JSON", poison_and_malformed, quick=True),
    Scenario(
        "copy past window", "copies with the same ce-id, new Nats-Msg-Id", copy_past_the_duplicate_window, quick=True
    ),
    Scenario("two replicas", "two processes of every service", two_replicas_of_everything, postgres=True, replicas=2),
    Scenario(
        "slow smtp + webhook",
        "SMTP answers after 2 s, a webhook never answers",
        slow_smtp_and_a_webhook_that_times_out,
        smtp_delay_seconds=2.0,
    ),
    Scenario("conflicting commands", "six simultaneous commands on one version", conflicting_commands, quick=True),
)


def run_scenario(
    scenario: Scenario, workdir: Path, *, size: int, postgres: PostgresServer | None, concurrency: int = 4
) -> Row:
    row = Row(scenario.name)
    started = time.monotonic()
    if scenario.postgres and postgres is None:
        row.failures.append("needs PostgreSQL (set TDKT_TEST_POSTGRES_DSN, or install PostgreSQL for initdb)")
        return row
    system = System(
        workdir,
        postgres=postgres if scenario.postgres else None,
        replicas=scenario.replicas,
        smtp_delay_seconds=scenario.smtp_delay_seconds,
    )
    ctx: Context | None = None
    try:
        system.start()
        load = Workload(system, concurrency=concurrency)
        load.setup()
        ctx = Context(system, load, row, size)
        scenario.inject(ctx)
        audit(system, load, row)
    except Exception as exc:  # a scenario that cannot finish is a failed row, not a crashed run
        row.failures.append(f"{type(exc).__name__}: {exc}")
    finally:
        hook = ctx.extra.get("hook") if ctx else None
        if isinstance(hook, SilentWebhook):
            hook.stop()
        system.stop()
    row.seconds = time.monotonic() - started
    return row
