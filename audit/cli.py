"""`tdkt audit …`: tamper evidence and independent replay for auditors and inspectors."""

from __future__ import annotations

import asyncio
import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import nats
import typer

from shared.audit.keys import PublicKeySet, SigningKey
from shared.audit.verification import VerificationReport, Verifier
from shared.natsaccounts import nats_options
from shared.settings import TdktSettings

app = typer.Typer(
    help="Thanh tra, kiểm toán: đối chiếu chuỗi băm, dựng lại trạng thái từ sự kiện đã công bố, gói hồ sơ kiểm tra",
    no_args_is_help=True,
)


class Service(StrEnum):
    campaigns = "campaigns"
    dossiers = "dossiers"


def print_report(report: VerificationReport) -> None:
    typer.echo(
        f"{report.service}: {report.store_events} sự kiện trong kho, {report.journal_entries} trong nhật ký, "
        f"{report.stream_messages} trong luồng {report.public_stream}"
        + (f" (+{report.stream_copies} bản sao)" if report.stream_copies else "")
        + f"; điểm kiểm hợp lệ {report.checkpoints_valid}, bị bác bỏ {report.checkpoints_rejected}."
    )
    for start in report.chain_starts:
        typer.echo(
            f"Mốc bắt đầu chuỗi: {start.events} sự kiện lưu trước khi có chuỗi băm (vị trí {start.first_position}–"
            f"{start.last_position}) được đưa vào chuỗi lúc {start.started_at}; chuỗi chứng minh chúng không đổi "
            "từ lúc đó."
        )
    for note in report.notes:
        typer.echo(f"Ghi chú: {note}")
    for finding in report.findings:
        typer.echo(finding.line())
    if report.ok:
        typer.echo("[KHỚP] Kho sự kiện, nhật ký, luồng công bố và các điểm kiểm đã ký khớp nhau.")
    else:
        typer.echo(f"[KHÔNG KHỚP] {len(report.findings)} điểm sai lệch.")


@app.command()
def verify(
    service: Service = typer.Argument(..., help="Dịch vụ có kho sự kiện"),
    json_out: Path | None = typer.Option(None, "--json", help="Ghi kết quả (JSON) vào tệp này"),
    progress: bool = typer.Option(True, help="Thanh tiến độ"),
) -> None:
    """Đọc toàn bộ kho sự kiện, nhật ký và luồng NATS của dịch vụ, tính lại các chuỗi băm, kiểm tra chữ ký điểm
    kiểm; mã thoát 0 chỉ khi tất cả khớp."""
    from audit.stores import open_store

    settings = TdktSettings()
    keys = PublicKeySet.load(settings.audit_public_keys_file)
    with open_store(service.value, settings) as store:

        async def work() -> VerificationReport:
            nc = await nats.connect(
                settings.nats_url, connect_timeout=5, max_reconnect_attempts=2, **nats_options(settings)
            )
            try:
                js = nc.jetstream()
                verifier = Verifier(
                    service.value,
                    store.chain,
                    js,
                    public_stream=store.public_stream.name,
                    keys=keys,
                    published_position=await asyncio.to_thread(store.published_position),
                )
                if not progress:
                    return await verifier.run()
                total = await verifier.total()
                with typer.progressbar(length=total, label="Đối chiếu", file=None) as bar:
                    verifier.progress = bar.update
                    return await verifier.run()
            finally:
                await nc.close()

        report = asyncio.run(work())
    if json_out is not None:
        json_out.write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print_report(report)
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def keygen(
    service: Service = typer.Argument(..., help="Dịch vụ sẽ ký điểm kiểm"),
    out: Path = typer.Option(..., help="Tệp khóa bí mật (PEM) sẽ tạo; giữ kín (Kubernetes Secret)"),
    public_keys: Path = typer.Option(..., help="Tệp khóa công khai của hệ thống (JSON); khóa mới được thêm vào"),
) -> None:
    """Tạo khóa Ed25519 cho một dịch vụ và thêm khóa công khai vào cấu hình triển khai."""
    if out.exists():
        typer.echo(f"{out} đã có; không ghi đè.", err=True)
        raise typer.Exit(2)
    key = SigningKey.generate(service.value)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(key.pem())
    out.chmod(0o600)
    PublicKeySet.load(public_keys).add(key.public_entry()).save(public_keys)
    typer.echo(f"Khóa {key.key_id} của {service.value}: bí mật {out}, công khai thêm vào {public_keys}.")


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


@app.command()
def replay(
    nats_url: str = typer.Option(None, envvar="TDKT_NATS_URL", help="NATS JetStream (mặc định nats://127.0.0.1:4223)"),
    dossiers_url: str = typer.Option("http://127.0.0.1:8002", envvar="TDKT_DOSSIERS_URL", help="Dịch vụ hồ sơ"),
    reporting_url: str = typer.Option("http://127.0.0.1:8004", envvar="TDKT_REPORTING_URL", help="Dịch vụ báo cáo"),
    schemas: Path = typer.Option(Path("docs/contracts"), help="Thư mục lược đồ JSON của các sự kiện công bố"),
    public_keys: Path | None = typer.Option(
        None, envvar="TDKT_AUDIT_PUBLIC_KEYS_FILE", help="Khóa công khai (JSON) để kiểm tra chữ ký điểm kiểm"
    ),
    period: list[str] = typer.Option([], help="Kỳ báo cáo để so (lặp lại được: 2024, 2024-Q1…); mặc định mọi năm"),
    json_out: Path | None = typer.Option(None, "--json", help="Ghi kết quả (JSON) vào tệp này"),
) -> None:
    """Dựng lại mọi hồ sơ và số liệu tổng hợp chỉ từ các sự kiện đã công bố (và lược đồ JSON), kiểm tra chuỗi
    băm và điểm kiểm đã ký, rồi so với câu trả lời của dịch vụ hồ sơ và dịch vụ báo cáo; mã thoát 0 khi khớp."""
    from audit.replay import replay as run_replay

    keys = json.loads(public_keys.read_text(encoding="utf-8")) if public_keys and public_keys.exists() else None

    async def work() -> Any:
        nc = await nats.connect(
            nats_url or "nats://127.0.0.1:4223",
            connect_timeout=5,
            max_reconnect_attempts=2,
            **nats_options(TdktSettings()),  # the auditor's own NATS user (TDKT_NATS_USER), if any
        )
        try:
            return await run_replay(
                nc.jetstream(),
                schemas=schemas,
                dossiers_url=dossiers_url,
                reporting_url=reporting_url,
                public_keys=keys,
                periods=period or None,
            )
        finally:
            await nc.close()

    result = asyncio.run(work())
    if json_out is not None:
        json_out.write_text(json.dumps(result.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    typer.echo(
        f"Đã đọc {result.events} sự kiện (+{result.copies} bản sao), dựng lại {result.dossiers} hồ sơ, "
        f"{result.campaigns} phong trào; {result.checkpoints} điểm kiểm; so số liệu các kỳ {', '.join(result.periods)}."
    )
    for difference in result.differences:
        typer.echo(difference.line())
    typer.echo(
        "[KHỚP] Trạng thái dựng lại từ sự kiện khớp với các dịch vụ."
        if result.ok
        else f"[KHÔNG KHỚP] {len(result.differences)} khác biệt."
    )
    raise typer.Exit(0 if result.ok else 1)


@app.command("export")
def export(
    out: Path = typer.Option(..., "--out", help="Tệp zip sẽ ghi"),
    dossier: list[str] = typer.Option([], help="Mã hồ sơ (lặp lại được)"),
    unit: str | None = typer.Option(None, help="Mã đơn vị đề nghị (cùng với --period)"),
    period: str | None = typer.Option(None, help="Kỳ: 2024, 2024-Q2, 2024-H1, 2024-03 hoặc 2024-01-01:2024-06-30"),
    with_files: bool = typer.Option(False, "--with-files", help="Kèm các tệp đính kèm"),
    by: str = typer.Option("", help="Người xuất gói (ghi vào manifest)"),
) -> None:
    """Xuất gói hồ sơ kiểm tra (zip) cho thanh tra: sự kiện theo thứ tự, bản ghi và mã băm, điểm kiểm đã ký, tệp
    đính kèm, kết quả đối chiếu, khóa công khai, dòng thời gian tiếng Việt (HTML, PDF); chạy nơi dịch vụ hồ sơ chạy."""
    import getpass

    from audit.bundle import ExportRefused, Scope, export_bundle, parse_period
    from audit.stores import open_store

    if not dossier and not period:
        typer.echo("Cần --dossier, hoặc --period (có thể kèm --unit).", err=True)
        raise typer.Exit(2)
    try:
        span = parse_period(period) if period else None
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    scope = Scope(tuple(dossier), unit.strip().upper() if unit else None, span, period or "")
    settings = TdktSettings()
    if settings.audit_signing_key_file is None:
        typer.echo("Cần khóa ký của dịch vụ hồ sơ (TDKT_AUDIT_SIGNING_KEY_FILE) để ký gói.", err=True)
        raise typer.Exit(2)
    key = SigningKey.load(settings.audit_signing_key_file, "dossiers")
    keys = PublicKeySet.load(settings.audit_public_keys_file)
    files = _blob_reader() if with_files else None
    with open_store("dossiers", settings) as store:

        async def work() -> Any:
            nc = await nats.connect(
                settings.nats_url, connect_timeout=5, max_reconnect_attempts=2, **nats_options(settings)
            )
            try:
                return await export_bundle(
                    store,
                    nc.jetstream(),
                    scope,
                    key=key,
                    keys=keys,
                    files=files,
                    exported_by=by or f"{getpass.getuser()} (tdkt audit export)",
                )
            finally:
                await nc.close()

        try:
            data, summary = asyncio.run(work())
        except ExportRefused as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from None
    out.write_bytes(data)
    typer.echo(
        f"Đã ghi {out}: {summary['dossiers']} hồ sơ, {summary['events']} sự kiện, {summary['files']} tệp đính kèm"
        + ("" if summary["anchored"] else "; CHƯA có điểm kiểm đã ký bao trùm sự kiện mới nhất (chờ lượt ký sau)")
        + ("" if summary["verification_ok"] else "; đối chiếu kho/luồng CÓ SAI LỆCH (xem verification.json)")
        + (f"; thiếu {len(summary['files_missing'])} tệp trong kho tệp" if summary["files_missing"] else "")
        + "."
    )


def _blob_reader() -> Any:
    from services.dossiers.blobs import BlobNotFound, open_blob_store
    from services.dossiers.settings import DossiersSettings

    blobs = open_blob_store(DossiersSettings())

    def read(sha256: str) -> bytes | None:
        try:
            return b"".join(blobs.open(sha256))
        except BlobNotFound:
            return None

    return read


@app.command("verify-bundle")
def verify_bundle(
    bundle: Path = typer.Argument(..., exists=True, dir_okay=False, help="Gói zip cần kiểm tra"),
    public_keys: Path | None = typer.Option(
        None, help="Khóa công khai được công bố chính thức (JSON); không có thì dùng khóa đi kèm gói"
    ),
) -> None:
    """Kiểm tra một gói hồ sơ kiểm tra mà không cần truy cập hệ thống; mã thoát 0 khi mọi bước đạt."""
    from audit.bundlecheck import check_bundle

    trusted = json.loads(public_keys.read_text(encoding="utf-8")) if public_keys else None
    result = check_bundle(bundle, trusted)
    for line in result.lines():
        typer.echo(line)
    typer.echo("[HỢP LỆ] Gói nguyên vẹn và khớp chữ ký." if result.ok else "[KHÔNG HỢP LỆ] Gói đã bị sửa hoặc thiếu.")
    raise typer.Exit(0 if result.ok else 1)
