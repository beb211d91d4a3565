"""`tdkt up`: the whole system on one machine, on embedded defaults.

Starts a JetStream `nats-server` (unless `TDKT_NATS_URL` names one) with its store under
`var/nats` and one NATS user per service, the development OpenID Connect provider
(`services.devidp`, unless `TDKT_OIDC_ISSUER` names one), then the four services and the web
console as separate processes, streams their logs with a service prefix, and stops everything
cleanly on Ctrl-C.
"""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from shared.audit.keys import ensure_dev_keys
from shared.natsaccounts import ADMIN_USER, AUDITOR_USER, nats_server_config, new_passwords, service_env
from shared.natsserver import NatsServerProcess, free_port, port_open
from shared.pii import DEV_KEY_FILE
from shared.settings import DEV_NATS_PORT, SERVICE_PORTS
from shared.streams import JOURNALED_SERVICES

COLOURS = {
    "console": "1;34",
    "campaigns": "36",
    "dossiers": "35",
    "notifications": "33",
    "reporting": "32",
    "nats": "34",
    "oidc": "31",
}
DEV_IDP_PORT = 4480
DEV_CONSOLE_CLIENT = ("tdkt-console", "dev-console-secret")


def _prefix(name: str) -> str:
    label = f"{name:<13}|"
    return f"\033[{COLOURS.get(name, '0')}m{label}\033[0m " if sys.stdout.isatty() else label + " "


def _pump(name: str, stream: object) -> None:
    prefix = _prefix(name)
    for line in iter(stream.readline, b""):  # type: ignore[attr-defined]
        sys.stdout.write(prefix + line.decode("utf-8", "replace"))
        sys.stdout.flush()


def _wait_healthy(url: str, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False


def _wait_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not port_open("127.0.0.1", port):
        time.sleep(0.1)


def _demo_user_ids() -> list[str]:
    from services.devidp import demo_claims

    return [f"{sub} ({claims['roles'][0]})" for sub, claims in demo_claims().items()]


AUDITOR_ENV = "nats-auditor.env"
ADMIN_ENV = "nats-admin.env"


def _write_client_env(var_dir: Path, passwords: dict[str, str]) -> None:
    """The NATS logins of this run for people's tools, as files to `source`: the auditor's
    (read-only: `tdkt audit`, a subscriber) and the operators' (`tdkt store`)."""
    for name, user in ((AUDITOR_ENV, AUDITOR_USER), (ADMIN_ENV, ADMIN_USER)):
        path = var_dir / name
        path.write_text("".join(f"{k}={v}\n" for k, v in service_env(user, passwords).items()), encoding="utf-8")
        path.chmod(0o600)


def ensure_dev_pii_key(var_dir: Path) -> None:
    """Personal data encrypted at rest in development as in production: unless `TDKT_PII_KEY` is
    set, a key is made in var/pii.key together with new stores (`shared.pii.cipher_env` reads it).
    Stores an earlier run wrote without one stay as they are (unencrypted) until var/ is emptied."""
    key_file = var_dir / DEV_KEY_FILE
    if os.environ.get("TDKT_PII_KEY") or any(k.endswith("PERSISTENCE_MODULE") for k in os.environ) or key_file.exists():
        return  # a key given, stores elsewhere (whose age var/ cannot tell), or the key made before
    if any((var_dir / f"{name}.sqlite").exists() for name in JOURNALED_SERVICES):
        print("Dữ liệu trong var/ đã ghi khi chưa mã hóa: giữ nguyên, không mã hóa (xóa var/ để mã hóa).")
        return
    var_dir.mkdir(parents=True, exist_ok=True)
    key_file.write_text(base64.b64encode(os.urandom(32)).decode() + "\n", encoding="utf-8")
    key_file.chmod(0o600)


def _dev_audit_keys(var_dir: Path, env: dict[str, str]) -> dict[str, dict[str, str]]:
    """Development keys for the signed checkpoints (var/audit-keys), unless the environment names keys."""
    if env.get("TDKT_AUDIT_PUBLIC_KEYS_FILE"):
        return {}
    private, public = ensure_dev_keys(var_dir / "audit-keys", ("campaigns", "dossiers"))
    env["TDKT_AUDIT_PUBLIC_KEYS_FILE"] = str(public.resolve())
    return {name: {"TDKT_AUDIT_SIGNING_KEY_FILE": str(path.resolve())} for name, path in private.items()}


def run_system(
    var_dir: Path,
    after_start: Callable[[dict[str, str]], None] | None = None,
    *,
    nats_port: int = DEV_NATS_PORT,
    first_port: int = min(SERVICE_PORTS.values()),
    console_port: int | None = None,
) -> int:
    """Run NATS, the four services and the console until Ctrl-C; ports default to 4223,
    8001–8004 and 8000 (the console: the port before the first service's unless given)."""
    ports = {name: first_port + offset for offset, name in enumerate(SERVICE_PORTS)}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    ports = {"console": console_port or first_port - 1, **ports}
    var_dir.mkdir(parents=True, exist_ok=True)
    nats_process: NatsServerProcess | None = None
    passwords: dict[str, str] = {}
    nats_url = os.environ.get("TDKT_NATS_URL")
    if not nats_url:
        if port_open("127.0.0.1", nats_port):
            print(
                f"Cổng {nats_port} đang bận: có thể một `tdkt up` khác đang chạy. Dừng nó trước, "
                "hoặc đặt TDKT_NATS_URL để dùng NATS sẵn có.",
                file=sys.stderr,
            )
            return 1
        passwords = new_passwords()  # fresh each run; services get theirs in their environment
        accounts = var_dir / "nats-accounts.conf"
        accounts.write_text(nats_server_config(passwords))
        accounts.chmod(0o600)
        _write_client_env(var_dir, passwords)
        nats_process = NatsServerProcess(
            nats_port, var_dir / "nats", var_dir / "nats.log", config_file=accounts
        ).start()
        nats_url = nats_process.url
    env = {**os.environ, "TDKT_NATS_URL": nats_url, "TDKT_VAR_DIR": str(var_dir.resolve()), "PYTHONUNBUFFERED": "1"}
    env.setdefault("TDKT_DEV_MODE", "1")
    signing = _dev_audit_keys(var_dir, env)
    processes: dict[str, subprocess.Popen[bytes]] = {}
    stopping = threading.Event()

    def stop(*_: object) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        if not env.get("TDKT_OIDC_ISSUER"):
            idp_port = (
                DEV_IDP_PORT if nats_port == DEV_NATS_PORT and not port_open("127.0.0.1", DEV_IDP_PORT) else free_port()
            )
            idp = subprocess.Popen(
                [sys.executable, "-m", "services.devidp"],
                env={**env, "TDKT_DEV_IDP_PORT": str(idp_port)},
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            processes["oidc"] = idp
            threading.Thread(target=_pump, args=("oidc", idp.stdout), daemon=True).start()
            env["TDKT_OIDC_ISSUER"] = f"http://127.0.0.1:{idp_port}"
            env.setdefault("TDKT_OIDC_CLIENT_ID", DEV_CONSOLE_CLIENT[0])
            env.setdefault("TDKT_OIDC_CLIENT_SECRET", DEV_CONSOLE_CLIENT[1])
            _wait_port(idp_port)
        console_env = {f"TDKT_{name.upper()}_URL": url for name, url in urls.items()}
        for name, port in ports.items():
            proc = subprocess.Popen(
                [sys.executable, "-m", f"services.{name}"],
                env={
                    **env,
                    **(console_env if name == "console" else {}),
                    **signing.get(name, {}),
                    **service_env(name, passwords),
                    "TDKT_PORT": str(port),
                },
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches the runner, which stops services before NATS
            )
            processes[name] = proc
            threading.Thread(target=_pump, args=(name, proc.stdout), daemon=True).start()
        console_url = f"http://127.0.0.1:{ports['console']}"
        healthy = all(_wait_healthy(url) for url in [console_url, *urls.values()])
        print("\n tdkt đang chạy" + ("" if healthy else " (một số dịch vụ chưa trả lời /healthz)"))
        print(f"   Bảng điều khiển: {console_url}   (đăng nhập: chọn người dùng mẫu)")
        print(f"   NATS JetStream : {nats_url}" + ("  (lưu trong var/nats)" if nats_process else ""))
        if nats_process:
            print(f"   Tài khoản NATS : chỉ đọc {var_dir / AUDITOR_ENV}, quản trị {var_dir / ADMIN_ENV}")
        issuer = env["TDKT_OIDC_ISSUER"]
        print(f"   Định danh OIDC : {issuer}")
        if "oidc" in processes:
            print(f"   Mã truy cập của người dùng mẫu: curl {issuer}/dev/token/<mã người dùng>, rồi gửi")
            print("   'Authorization: Bearer <access_token>'. Người dùng mẫu: " + ", ".join(_demo_user_ids()))
        for name, url in urls.items():
            print(f"   {name:<13}: {url}   API: {url}/docs   sự kiện: {url}/asyncapi")
        print(" Nhấn Ctrl-C để dừng.\n", flush=True)
        if after_start and healthy:
            after_start(urls)
        while not stopping.is_set():
            if any(p.poll() is not None for p in processes.values()):
                dead = [n for n, p in processes.items() if p.poll() is not None]
                print(f"Dịch vụ đã dừng bất thường: {', '.join(dead)}; dừng toàn bộ.", file=sys.stderr)
                return 1
            stopping.wait(0.5)
        return 0
    finally:
        for proc in processes.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in processes.values():
            try:
                proc.wait(25)
            except subprocess.TimeoutExpired:
                proc.kill()
        if nats_process:
            nats_process.stop()
        print("Đã dừng tdkt.", flush=True)
