"""`tdkt reporting …`: rebuild or verify the reporting tables from the command line.

By default the command asks the running service (`POST /admin/rebuild`, then follows
`GET /admin/rebuild`), so the switch happens inside the process that serves the reports.
`--offline` does the work in this process instead, against the configured database and NATS;
use it while the service is stopped.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import typer

from shared.http.clientauth import bearer_headers

app = typer.Typer(help="Báo cáo: dựng lại và đối chiếu bảng số liệu từ lịch sử sự kiện", no_args_is_help=True)

DEFAULT_URL = "http://127.0.0.1:8004"


def _show(progress: dict[str, Any]) -> None:
    typer.echo(
        f"[{progress['state_label']}] thế hệ {progress['generation']}: "
        f"đã đọc {progress['messages_read']}/{progress['messages_total']} tin, "
        f"áp dụng {progress['events_applied']} sự kiện, bỏ qua {progress['events_skipped']}"
    )


def _offline(job: str) -> dict[str, Any]:
    from services.reporting.app import open_context
    from services.reporting.settings import ReportingSettings

    ctx, _ = open_context(ReportingSettings())
    try:
        runner = ctx.rebuilder.rebuild if job == "rebuild" else ctx.rebuilder.verify
        return asyncio.run(runner("dòng lệnh: tdkt reporting (--offline)")).as_dict()
    finally:
        ctx.engine.dispose()


def _online_rebuild(url: str, actor: dict[str, str], poll: float) -> dict[str, Any]:
    started = httpx.post(f"{url}/admin/rebuild", headers=bearer_headers() or actor, timeout=30)
    if started.status_code != 202:
        raise typer.BadParameter(started.json().get("detail", started.text), param_hint="--url")
    while True:
        job = httpx.get(f"{url}/admin/rebuild", headers=bearer_headers(), timeout=30).json()["job"]
        _show(job)
        if job["state"] in ("done", "failed"):
            return job  # type: ignore[no-any-return]
        time.sleep(poll)


@app.command()
def rebuild(
    url: str = typer.Option(DEFAULT_URL, help="Địa chỉ dịch vụ báo cáo đang chạy"),
    offline: bool = typer.Option(False, help="Tự dựng lại trong tiến trình này (khi dịch vụ đã dừng)"),
    actor_id: str = typer.Option("cli", help="Chỉ khi kiểm thử (X-Actor-Id); thường: TDKT_ACCESS_TOKEN"),
    actor_role: str = typer.Option("operator", help="Vai trò (X-Actor-Role)"),
    poll: float = typer.Option(1.0, help="Giây giữa hai lần xem tiến độ"),
) -> None:
    """Drop and replay every event stream from its first message into new tables, then switch."""
    if offline:
        job = _offline("rebuild")
    else:
        job = _online_rebuild(url, {"X-Actor-Id": actor_id, "X-Actor-Role": actor_role}, poll)
    _show(job)
    if job["state"] != "done":
        typer.echo(f"Lỗi: {job['error']}", err=True)
        raise typer.Exit(1)
    typer.echo(f"Đã chuyển sang thế hệ bảng {job['generation']} (thay thế thế hệ {job['previous_generation']}).")


@app.command()
def verify(
    url: str = typer.Option(DEFAULT_URL, help="Địa chỉ dịch vụ báo cáo đang chạy"),
    offline: bool = typer.Option(False, help="Tự kiểm tra trong tiến trình này (khi dịch vụ đã dừng)"),
) -> None:
    """Rebuild into scratch tables and compare them row for row with the live ones; exit 1 if they differ."""
    job = (
        _offline("verify")
        if offline
        else httpx.get(f"{url}/admin/verify", headers=bearer_headers(), timeout=600).json()
    )
    if job.get("state") != "done":
        typer.echo(f"Lỗi: {job.get('error') or job.get('detail')}", err=True)
        raise typer.Exit(2)
    result = job["result"]
    typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
    typer.echo("Khớp từng dòng." if result["equal"] else "KHÔNG khớp: xem chi tiết ở trên.")
    raise typer.Exit(0 if result["equal"] else 1)
