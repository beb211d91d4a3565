"""`tdkt store …`: compare an event-sourced service's store with its stream, and reconcile it.

For an operator after a restore: `tdkt store check dossiers` says whether the store holds the
newest event of its journal stream (exit 0) or not (exit 1, with the reason), reading nothing
but the store and NATS. `tdkt store reconcile dossiers` re-imports what the store lacks from the
journal (see `shared.messaging.reconcile`); `--new-epoch` instead accepts the store as it is,
after a confirmation. Both read the same environment as the service (`TDKT_NATS_URL`,
`TDKT_VAR_DIR`, `PERSISTENCE_MODULE`, `POSTGRES_*`…), so run them where the service runs (in
Kubernetes: `kubectl exec deploy/dossiers -- tdkt store reconcile dossiers`); the service may
keep running: it refuses writes until the store is in sync and resumes by itself.
"""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import Callable
from contextlib import contextmanager
from enum import StrEnum
from typing import Any

import nats
import typer

from shared.eventstore import TdktApplication
from shared.messaging.reconcile import ReconcileRefused, reconcile
from shared.messaging.relay import relay_tracking_name
from shared.messaging.storecheck import StoreStatus, check_store
from shared.messaging.streamreads import JetStreamReader, jetstream_publish
from shared.natsaccounts import nats_options
from shared.settings import TdktSettings
from shared.streams import ALL_STREAMS, CAMPAIGNS, DOSSIERS, ensure_streams

app = typer.Typer(
    help="Kho sự kiện: đối chiếu với luồng sự kiện đã phát hành, khôi phục phần thiếu sau sự cố", no_args_is_help=True
)


class Service(StrEnum):
    campaigns = "campaigns"
    dossiers = "dossiers"


PUBLIC_STREAM = {Service.campaigns: CAMPAIGNS.name, Service.dossiers: DOSSIERS.name}


@contextmanager
def opened(service: Service):  # type: ignore[no-untyped-def]
    """The service's event-sourced application on its configured store, and its settings."""
    if service is Service.campaigns:
        from services.campaigns.app import open_campaigns
        from services.campaigns.settings import CampaignsSettings

        settings: TdktSettings = CampaignsSettings()
        store: TdktApplication = open_campaigns(settings)  # type: ignore[arg-type]
    else:
        from services.dossiers.app import open_dossiers
        from services.dossiers.settings import DossiersSettings

        settings = DossiersSettings()
        store = open_dossiers(settings)  # type: ignore[arg-type]
    try:
        yield store, settings
    finally:
        store.close()


async def _with_nats(settings: TdktSettings, work: Callable[[Any], Any]) -> Any:
    nc = await nats.connect(settings.nats_url, connect_timeout=5, max_reconnect_attempts=2, **nats_options(settings))
    try:
        js = nc.jetstream()
        await ensure_streams(
            js,
            ALL_STREAMS,
            replicas=settings.stream_replicas,
            duplicate_window_seconds=settings.duplicate_window_seconds,
        )
        return await work(js)
    finally:
        await nc.close()


def _show(status: StoreStatus) -> None:
    label = {"in_sync": "KHỚP", "behind": "THIẾU", "diverged": "LỆCH", "unchecked": "CHƯA ĐỐI CHIẾU"}
    typer.echo(f"[{label[status.state.value]}] {status.detail}")


@app.command()
def check(service: Service = typer.Argument(..., help="Dịch vụ có kho sự kiện")) -> None:
    """So kho sự kiện của dịch vụ với nhật ký (journal) trên NATS; mã thoát 0 khi khớp."""
    with opened(service) as (store, settings):

        async def work(js: Any) -> StoreStatus:
            return await check_store(
                store, JetStreamReader(lambda: js), service.value, public_stream=PUBLIC_STREAM[service]
            )

        status = asyncio.run(_with_nats(settings, work))
    _show(status)
    raise typer.Exit(0 if status.writable else 1)


@app.command("reconcile")
def reconcile_command(
    service: Service = typer.Argument(..., help="Dịch vụ có kho sự kiện"),
    new_epoch: bool = typer.Option(
        False,
        "--new-epoch",
        help=(
            "Chấp nhận kho như hiện có và mở kỷ nguyên mới, KHÔNG nạp lại gì (khi kho đã ghi sự kiện riêng sau "
            "khôi phục, hoặc hệ thống cũ chưa có nhật ký): số tiếp nhận, số quyết định của các sự kiện bị mất "
            "có thể bị cấp lại"
        ),
    ),
    yes: bool = typer.Option(False, "--yes", help="Không hỏi xác nhận (cho --new-epoch)"),
    by: str = typer.Option("", help="Người thực hiện, ghi vào nhật ký (mặc định: tài khoản hệ điều hành)"),
) -> None:
    """Nạp lại từ nhật ký các sự kiện mà kho bị thiếu (sau khi khôi phục từ bản sao lưu), rồi cho ghi tiếp."""
    if new_epoch and not yes:
        typer.confirm(
            "Mở kỷ nguyên mới: các sự kiện trong nhật ký mà kho không có sẽ KHÔNG được nạp lại, và số đã cấp cho "
            "chúng có thể bị cấp lại. Tiếp tục?",
            abort=True,
        )
    operator = by or f"{getpass.getuser()} (tdkt store reconcile)"
    with opened(service) as (store, settings):

        async def work(js: Any) -> Any:
            return await reconcile(
                store,
                JetStreamReader(lambda: js),
                jetstream_publish(js),
                service.value,
                tracking_name=relay_tracking_name(service.value),
                public_stream=PUBLIC_STREAM[service],
                new_epoch=new_epoch,
                by=operator,
            )

        try:
            report = asyncio.run(_with_nats(settings, work))
        except ReconcileRefused as exc:
            typer.echo(f"Không đối chiếu được: {exc}", err=True)
            raise typer.Exit(2) from None
    typer.echo("Trước:")
    _show(report.before)
    if report.imported:
        typer.echo(f"Đã nạp lại {report.imported} sự kiện từ nhật ký; vị trí phát hành đã chuyển qua chúng.")
    if report.epoch_started:
        typer.echo("Đã mở kỷ nguyên mới theo quyết định của quản trị viên.")
    typer.echo("Sau:")
    _show(report.after)
    raise typer.Exit(0 if report.after.writable else 1)
