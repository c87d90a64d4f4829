"""Settings, all from YISHITING_* environment variables."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from application.webhook_targets import allowed_networks

DEFAULT_DATABASE_URL = "sqlite:///var/yishiting.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="YISHITING_", extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="sqlite:///PATH, postgresql://USER:PASS@HOST:PORT/DB[?schema=S] or memory://",
    )
    pool_size: int = Field(default=5, ge=1, description="PostgreSQL connections per process")
    postgres_pre_ping: bool = Field(
        default=False,
        description="check each PostgreSQL connection of the log's pool with a round trip "
        "before use (off: a dropped connection fails once, and the store retries on another)",
    )
    projector_batch_size: int = Field(
        default=1000, ge=1, description="events the projector applies per transaction"
    )
    projector_stall_seconds: float = Field(
        default=60,
        gt=0,
        description="readiness fails when the views are behind the log and have not advanced "
        "for this many seconds",
    )
    group_commit: bool = Field(
        default=True,
        description="commands saved at the same moment share one append (one lock, one "
        "commit); each still gets its own outcome or conflict",
    )
    personal_data_key: str = Field(
        default="",
        description="master key (32 bytes, base64url) wrapping each data subject's key; "
        "without it subject keys are stored unwrapped",
    )
    attachment_store: str = Field(
        default="var/attachments",
        description="directory of attached files, content-addressed (never overwritten)",
    )
    attachment_max_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1, description="largest attachment accepted, in bytes"
    )
    environment: Literal["development", "production"] = Field(
        default="development",
        description="production turns off GraphiQL, introspection and field suggestions",
    )
    token_secret: str = Field(
        default="",
        description="HS256 secret for bearer tokens; in development a secret is generated "
        "under var/ when unset, in production it (or a JWKS file) is required",
    )
    token_jwks_file: str = Field(
        default="", description="JWKS file with public keys (EdDSA/RS256) to verify tokens"
    )
    token_issuer: str = Field(default="yishiting", description="expected token issuer (iss)")
    token_audience: str = Field(default="yishiting-api", description="expected audience (aud)")
    token_ttl_hours: float = Field(default=12, gt=0, description="lifetime of issued tokens")
    max_body_bytes: int = Field(default=1_048_576, ge=1024, description="request body limit")
    writes_per_minute: int = Field(default=120, ge=1, description="mutations per token/minute")
    request_head_seconds: float = Field(
        default=10, gt=0, description="time a client has to send a request's line and headers"
    )
    request_body_seconds: float = Field(
        default=30, gt=0, description="time a client has to send a request's whole body (408)"
    )
    keep_alive_seconds: int = Field(
        default=5, ge=1, description="an idle keep-alive connection is closed after this long"
    )
    metrics_token: str = Field(
        default="",
        description="bearer token (32+ bytes) a Prometheus scraper sends to read /metrics; "
        "without it only an administrator's token may read them",
    )
    import_max_file_bytes: int = Field(
        default=16_777_216, ge=1024, description="largest work-order file (CSV or xlsx) imported"
    )
    import_max_unpacked_bytes: int = Field(
        default=67_108_864,
        ge=1024,
        description="an xlsx whose parts add up to more, by its zip directory, is refused unopened",
    )
    import_max_ratio: int = Field(
        default=100,
        ge=2,
        description="an xlsx part over 1 MiB that unpacks to more than this many times its "
        "packed size is refused unopened (a zip bomb)",
    )
    import_max_parts: int = Field(
        default=200, ge=10, description="an xlsx with more parts (zip members) is refused"
    )
    import_max_rows: int = Field(
        default=50_000,
        ge=1,
        description="rows of a work-order file, header and blank rows included",
    )
    import_max_columns: int = Field(
        default=100, ge=2, description="columns of a work-order file, up to its last filled cell"
    )
    public_view: bool = Field(
        default=True, description="serve the public transparency view without sign-in"
    )
    ledger_key_file: str = Field(
        default="var/ledger-ed25519.pem",
        description="Ed25519 private key (PEM) signing ledger checkpoints, kept outside the "
        "database; generated in development when missing, required in production",
    )
    crypto_suite: Literal["international", "gm"] = Field(
        default="international",
        description="the ledger's suite: international (SHA-256, Ed25519) or gm, the 国密 suite "
        "for 密评 (SM3 tree, SM2-with-SM3 checkpoints); switching starts a new ledger epoch "
        "and leaves the earlier one verifiable (docs/GM-CRYPTO.md)",
    )
    ledger_sm2_key_file: str = Field(
        default="var/ledger-sm2.pem",
        description="SM2 private key (PEM, SEC 1) signing ledger checkpoints under the gm suite, "
        "kept outside the database; generated in development when missing, required in "
        "production",
    )
    sm2_user_id: str = Field(
        default="1234567812345678",
        min_length=1,
        max_length=64,
        description="the SM2 signer's user id (Z_A); the standard's default unless agreed "
        "otherwise with the verifiers",
    )
    event_key_file: str = Field(
        default="var/event-hmac.key",
        description="secret (base64, 32+ bytes) with which the writing process tags every "
        "stored event (HMAC-SHA256), kept outside the database; generated in development "
        "when missing, required in production",
    )
    require_second_factor: Literal["administrators", "all"] = Field(
        default="administrators",
        description="who must sign in with a second factor (TOTP): the system, security and "
        "audit administrators, or every account",
    )
    sign_in_failures: int = Field(
        default=5, ge=1, le=100, description="failed sign-ins in a row that lock an account"
    )
    sign_in_failure_window_seconds: float = Field(
        default=900, gt=0, description="…counted within this many seconds of the first"
    )
    lockout_seconds: float = Field(
        default=900, gt=0, description="how long an account stays locked (or until unlocked)"
    )
    sign_in_failures_per_address: int = Field(
        default=30,
        ge=1,
        description="failed sign-ins one client address may make within the window, any accounts",
    )
    oidc_issuer: str = Field(
        default="",
        description="single sign-on: the OpenID provider's issuer URL (统一身份认证); empty: off",
    )
    oidc_client_id: str = Field(default="", description="…this system's client id there")
    oidc_client_secret: str = Field(default="", description="…and its client secret")
    oidc_username_claim: str = Field(
        default="preferred_username",
        description="…the ID token's claim that is an account's username here",
    )
    oidc_create_accounts: bool = Field(
        default=False,
        description="…open an account (with no role) for a username not known here",
    )
    oidc_trusted_for_administrators: bool = Field(
        default=False,
        description="…let administrators sign in through it (it must then enforce two factors)",
    )
    session_idle_seconds: float = Field(
        default=1800, gt=0, description="a browser session ends after this long without a request"
    )
    session_absolute_seconds: float = Field(
        default=43200, gt=0, description="…and this long after signing in, however busy"
    )
    cookie_secure: Literal["production", "always", "never"] = Field(
        default="production",
        description="when the session cookie is sent over HTTPS only (Secure): in production, "
        "always or never (behind a proxy that ends TLS, still 'production')",
    )
    checkpoint_every: int = Field(
        default=1000, ge=1, description="sign a ledger checkpoint after this many new events"
    )
    checkpoint_seconds: float = Field(
        default=600, gt=0, description="…or after this many seconds with new events"
    )
    reminder_within_working_days: int = Field(
        default=3,
        ge=0,
        le=60,
        description="remind of open items due within this many working days (and overdue ones)",
    )
    event_source: str = Field(
        default="urn:yishiting:district",
        description="this deployment as the CloudEvents `source` of every published event",
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="where consumers reach this deployment (links to the event schemas)",
    )
    allowed_origins: list[str] = Field(
        default_factory=list,
        description="web origins allowed to open GraphQL WebSockets (JSON list; '*' for any)",
    )
    webhook_timeout_seconds: float = Field(
        default=10, gt=0, description="how long a webhook receiver has to answer"
    )
    webhook_retry_base_seconds: float = Field(
        default=5, gt=0, description="first retry delay after a failed delivery (then doubled)"
    )
    webhook_retry_max_seconds: float = Field(
        default=3600, gt=0, description="longest delay between two delivery attempts"
    )
    webhook_max_attempts: int = Field(
        default=10, ge=1, description="failed attempts in a row before a subscriber is parked"
    )
    webhook_allowed_networks: list[str] = Field(
        default_factory=list,
        description="private networks webhook receivers may be on (JSON list of CIDR, e.g. "
        '["10.12.0.0/16"]); loopback, link-local and the like are always refused, loopback '
        "may be listed in development only",
    )
    webhook_concurrency: int = Field(
        default=8,
        ge=1,
        le=64,
        description="receivers delivered to at once (each in order; one that does not answer "
        "holds up only itself)",
    )

    @field_validator("webhook_allowed_networks")
    @classmethod
    def _receivers_networks(cls, listed: list[str], info: ValidationInfo) -> list[str]:
        return allowed_networks(listed, info.data.get("environment", "development"))

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="log level of the JSON log lines `serve` and `project` write"
    )
