"""Settings every service reads from the environment (prefix `TDKT_`), pydantic-settings style."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.streams import DEFAULT_DUPLICATE_WINDOW_SECONDS

DEV_NATS_PORT = 4223
SERVICE_PORTS: dict[str, int] = {
    "campaigns": 8001,
    "dossiers": 8002,
    "notifications": 8003,
    "reporting": 8004,
}


class TdktSettings(BaseSettings):
    """Common settings; a service may subclass to add its own."""

    model_config = SettingsConfigDict(env_prefix="TDKT_", env_ignore_empty=True, extra="ignore")

    nats_url: str = f"nats://127.0.0.1:{DEV_NATS_PORT}"
    var_dir: Path = Path("var")
    host: str = "127.0.0.1"
    port: int | None = None
    dev_mode: bool = False
    """Development conveniences (`tdkt up`): demo data, the console's demo-user list."""
    oidc_issuer: str | None = None
    """OpenID Connect issuer whose bearer tokens are accepted (docs/security.md)."""
    oidc_audience: str = "tdkt"
    oidc_jwks_url: str | None = None
    oidc_leeway_seconds: int = 60
    test_actor_headers: bool = False
    """Accept `X-Actor-*` headers instead of a token: set only by the test fixtures."""
    nats_user: str | None = None
    nats_password: str | None = None
    nats_tls_ca: Path | None = None
    pii_key: str | None = None
    """Base64 AES-256 key encrypting nominees' personal data in the event stores."""
    pii_old_keys: str | None = None
    max_body_bytes: int = 64 * 1024 * 1024
    """Larger request bodies are refused with 413 before they are read."""
    rate_limit_per_minute: int = 120
    """Submissions (POST) per actor or client address per minute; 0 turns the limit off."""
    stream_replicas: int = 1
    duplicate_window_seconds: int = DEFAULT_DUPLICATE_WINDOW_SECONDS
    """JetStream's de-duplication window on every stream: a relay re-sending after an outage
    shorter than this adds no copy. Longer costs server memory (one id per message)."""
    relay_batch_size: int = 200
    relay_poll_seconds: float = 1.0
    relay_max_lag_events: int = 1000
    """Readiness fails when more events than this are stored but not yet published…"""
    relay_max_stall_seconds: float = 120.0
    """… or when events have waited this long without the relay making progress."""
    store_check: bool = True
    """Compare the event store with its journal stream before accepting writes (see
    `shared.messaging.storecheck`); off only for a deliberate, documented reason."""
    store_recheck_seconds: float = 5.0
    """How often a store found behind its stream is compared again (after `tdkt store reconcile`)."""
    startup_check_wait_seconds: float = 5.0
    """How long start-up waits for NATS to compare the store before answering HTTP anyway."""
    consumer_max_deliver: int = 6
    consumer_backoff_seconds: tuple[float, ...] = (1.0, 2.0, 5.0, 15.0, 30.0)
    consumer_ack_wait_seconds: float = 60.0
    """How long a delivered message may go unacknowledged before it is delivered again (what a
    message in flight waits after its consumer was killed); longer than any handler takes."""
    audit_signing_key_file: Path | None = None
    """This service's Ed25519 private key (PEM) for its signed checkpoints; none: no checkpoints."""
    audit_public_keys_file: Path | None = None
    """The deployment's public keys (JSON, `shared.audit.keys`), against which checkpoints are checked."""
    audit_checkpoint_seconds: float = 300.0
    """How often a service signs and publishes the heads of its hash chains (when they have grown)."""
    org_units_file: Path | None = None  # default: the packaged Thanh Oai 2023 set
    log_json: bool = False
    log_level: str = "INFO"

    def database_url(self, service: str, environ_value: str | None = None) -> str:
        """SQL database of a service's own read models: `TDKT_DATABASE_URL`, else SQLite under var/."""
        if environ_value:
            return environ_value
        self.var_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(self.var_dir / f'{service}-views.sqlite').resolve()}"

    def port_for(self, service: str) -> int:
        return self.port or SERVICE_PORTS[service]
