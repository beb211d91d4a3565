"""Items 1, 3 and 7: the write path over HTTP beside the same application saving in-process,
freshness (HTTP 201 → the dossier in reporting's tables) at half the measured maximum write
rate, and the peak RSS of each service process meanwhile.

The four services run as real processes (the chaos harness's `System`: its own nats-server,
SMTP sink, SQLite files or, with `--postgres`, fresh PostgreSQL databases). "Visible in the
reporting summary" is measured as: the dossier's row committed in the live generation's
dossiers table, which is what every summary reads; polling that table costs the services
nothing, where asking for a summary every few milliseconds would load the machine being timed.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from benchmarks.context import Context
from benchmarks.results import Figure, bound_figure, percentile, ratio_figure
from chaos.system import System
from services.dossiers import submission
from services.dossiers.application import Dossiers
from services.dossiers.publishing import dossier_event_mapper
from services.dossiers.settings import DossiersSettings
from services.reporting.generations import live_generation
from services.reporting.tables import projection_tables
from shared.actor import Actor
from shared.messaging.ready import prepare_messages
from shared.reference.org_units import load_org_units
from shared.sqlstore import make_engine

CLERK = {"X-Actor-Id": "cb.motcua", "X-Actor-Role": "desk_clerk", "X-Actor-Unit": "XA-THANH-OAI-2025"}
ACTOR = Actor("cb.motcua", "desk_clerk", "XA-THANH-OAI-2025")
KINDS = ("SUBMISSION_MEMO", "ACHIEVEMENT_REPORT", "REVIEW_MINUTES", "BALLOT_RESULT", "INITIATIVE_CERTIFICATION")
CLIENTS = 8


def body(attachments: list[dict[str, Any]]) -> dict[str, Any]:
    year = datetime.now(UTC).year
    return {
        "channel": "ONE_STOP_DESK",
        "proposing_unit": "XA-THANH-OAI-2025",
        "award_type": "MOVEMENT",
        "kind": "ANNUAL_TITLE",
        "emulation_year": year,
        "achievements": "Hoàn thành xuất sắc nhiệm vụ năm.",
        "nominees": [
            {
                "kind": "INDIVIDUAL",
                "name": "Nguyễn Thị Hương",
                "award": "ADVANCED_WORKER",
                "position": "Công chức Văn phòng – Thống kê",
                "unit": "UBND xã Thanh Oai",
                "gender": "FEMALE",
                "performance_rating": "GOOD",
            },
            {
                "kind": "INDIVIDUAL",
                "name": "Trần Văn Đức",
                "award": "GRASSROOTS_EMULATION_FIGHTER",
                "position": "Công chức Tư pháp – Hộ tịch",
                "unit": "UBND xã Thanh Oai",
                "gender": "MALE",
                "performance_rating": "EXCELLENT",
                "initiatives": [{"title": "Số hóa hồ sơ một cửa", "recognised_by": "Hội đồng sáng kiến xã"}],
            },
        ],
        "attachments": attachments,
    }


def upload(url: str) -> list[dict[str, Any]]:
    files = [
        ("files", (f"{k.lower()}.pdf", b"%PDF-1.4\n% " + k.encode() + b"\n%%EOF\n", "application/pdf")) for k in KINDS
    ]
    r = httpx.post(f"{url}/attachments", files=files, data={"kind": list(KINDS)}, headers=CLERK, timeout=30)
    r.raise_for_status()
    return [{"name": f["name"], "kind": f["kind"], "sha256": f["sha256"], "size": f["size"]} for f in r.json()]


async def post(client: httpx.AsyncClient, payload: dict[str, Any], retries: list[int]) -> httpx.Response:
    """POST /dossiers as a client should: again after a 409 that says to try again (the receipt
    number sequence was taken by a concurrent submission more often than the service retries)."""
    for _ in range(20):
        r = await client.post("/dossiers", json=payload, headers=CLERK)
        if r.status_code == 201:
            return r
        if r.status_code == 409 and r.json().get("code") == "concurrent_update":
            retries.append(1)
            continue
        raise RuntimeError(f"POST /dossiers: {r.status_code} {r.text[:300]}")
    raise RuntimeError("POST /dossiers: still 409 after 20 attempts")


async def submit_http(
    url: str, count: int, payload: dict[str, Any], clients: int = CLIENTS, retries: list[int] | None = None
) -> float:
    """Dossiers per second, `clients` requests in flight."""
    retries = [] if retries is None else retries
    queue = iter(range(count))
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:

        async def worker() -> None:
            for _ in queue:
                await post(client, payload, retries)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        return count / (time.perf_counter() - started)


def submit_in_process(app: Dossiers, count: int, payload: dict[str, Any], cpu: list[float] | None = None) -> float:
    command = submission.read_submission(payload)
    started, cpu_started = time.perf_counter(), time.thread_time()
    for _ in range(count):
        app.submit(command, actor=ACTOR, at=datetime.now(UTC))
    if cpu is not None:
        cpu.append((time.thread_time() - cpu_started) * 1000 / count)
    return count / (time.perf_counter() - started)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def in_process_app(ctx: Context) -> Dossiers:
    """The service's application as the service saves with it: each event's public message is
    made and stored with it (`shared.messaging.ready`, as `make_relay` installs it)."""
    s = DossiersSettings()
    units = load_org_units(s.org_units_file)
    app = Dossiers(
        env=ctx.event_store_env("write_inprocess", ctx.workdir / "write-inprocess.sqlite"),
        receipt_office=s.dossiers_receipt_office,
        units=units,
        receiving_unit=s.dossiers_receiving_unit,
        external_registers=s.dossiers_external_decision_registers,
    )
    prepare_messages(app, dossier_event_mapper(units, public_url=s.dossiers_public_url), "dossiers")
    return app


async def freshness(system: System, url: str, rate: float, count: int, payload: dict[str, Any]) -> list[float]:
    """Seconds from each 201 to its dossier's row in reporting's live generation."""
    engine = make_engine(system.views_url("reporting"))
    answered: dict[str, float] = {}
    seen: dict[str, float] = {}
    done = asyncio.Event()

    def visible(ids: list[str]) -> set[str]:
        with engine.connect() as conn:
            generation = live_generation(conn)
            if generation is None:
                return set()
            table = projection_tables(generation).dossiers
            return set(conn.execute(select(table.c.dossier_id).where(table.c.dossier_id.in_(ids))).scalars())

    async def watch() -> None:
        while not (done.is_set() and len(seen) == len(answered)):
            pending = [i for i in answered if i not in seen]
            if pending:
                now = time.perf_counter()
                for i in visible(pending):
                    seen[i] = now
            await asyncio.sleep(0.005)

    async with httpx.AsyncClient(base_url=url, timeout=60) as client:

        async def one() -> None:
            r = await post(client, payload, [])
            answered[r.json()["id"]] = time.perf_counter()

        watcher = asyncio.create_task(watch())
        tasks = []
        started = time.perf_counter()
        for n in range(count):  # a steady rate: the n-th request leaves at n / rate
            await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
            tasks.append(asyncio.create_task(one()))
        await asyncio.gather(*tasks)
        done.set()
        await asyncio.wait_for(watcher, timeout=120)
    engine.dispose()
    return [seen[i] - answered[i] for i in answered]


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run(ctx: Context) -> None:
    count = ctx.size(300, small=20)
    app = in_process_app(ctx)
    with System(ctx.workdir / "system", postgres=ctx.postgres) as system:
        url = system.urls("dossiers")[0]
        payload = body(upload(url))
        submit_in_process(app, 3, payload)  # warm both up: imports, first connections, rule sets
        asyncio.run(submit_http(url, 3, payload, clients=1))
        http_rates, local_rates, retries = [], [], []
        service_cpu: list[float] = []  # ms of the dossiers process's CPU per dossier over HTTP
        local_cpu: list[float] = []  # ms of CPU per dossier saved in-process
        pid = system.replica("dossiers").process.pid  # type: ignore[union-attr]
        # What the HTTP rounds set off in the other services on the same cores (the relay's events
        # consumed by notifications and reporting), from a round's start to the next one's.
        others = {r.service: r.process.pid for r in system.all_replicas() if r.process and r.service != "dossiers"}
        others_cpu: dict[str, list[float]] = {service: [] for service in others}
        for _ in range(ctx.rounds):
            used = cpu_seconds(pid)
            others_used = {service: cpu_seconds(other) for service, other in others.items()}
            http_rates.append(asyncio.run(submit_http(url, count, payload, retries=retries)))
            service_cpu.append((cpu_seconds(pid) - used) * 1000 / count)
            local_rates.append(submit_in_process(app, count, payload, local_cpu))
            for service, other in others.items():
                others_cpu[service].append((cpu_seconds(other) - others_used[service]) * 1000 / count)
        ctx.run.add(
            ratio_figure(
                "1 write path",
                f"dossiers submitted/s over HTTP, {CLIENTS} clients",
                "dossiers/s",
                http_rates,
                "the same application saving in-process, same kind of store",
                local_rates,
                0.5,
            )
        )
        ctx.run.add(
            Figure("1 write path", "CPU of the dossiers service per dossier over HTTP", "ms", service_cpu),
            Figure("1 write path", "CPU per dossier saved in-process", "ms", local_cpu),
            *(
                Figure("1 write path", f"CPU of the {service} service per dossier submitted over HTTP", "ms", used)
                for service, used in others_cpu.items()
            ),
        )
        ctx.run.notes.append(
            f"write path: {len(retries)} of {count * ctx.rounds} POSTs answered 409 concurrent_update "
            "(receipt number taken meanwhile) and were sent again"
        )
        rate = 0.5 * statistics.median(http_rates)
        lags = asyncio.run(freshness(system, url, rate, ctx.size(max(100, int(rate * 20)), small=20), payload))
        ms = [x * 1000 for x in lags]
        ctx.run.notes.append(f"freshness: {len(ms)} dossiers at {rate:.1f}/s (half the median HTTP write rate)")
        p50 = Figure("3 freshness", f"201 → in reporting, p50 at {rate:.0f}/s", "ms", [percentile(ms, 50)])
        p99 = bound_figure("3 freshness", f"201 → in reporting, p99 at {rate:.0f}/s", "ms", [percentile(ms, 99)], 200)
        ctx.run.add(p50, p99)
        for replica in system.all_replicas():
            if replica.process is not None:
                ctx.run.add(
                    bound_figure(
                        "7 memory",
                        f"peak RSS of {replica.service} (items 1, 3)",
                        "MiB",
                        [peak_rss_mib(replica.process.pid)],
                        150,
                    )
                )
    app.close()
