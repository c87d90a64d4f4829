"""Settings, all from YISHITING_* environment variables."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///var/yishiting.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="YISHITING_", extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="sqlite:///PATH, postgresql://USER:PASS@HOST:PORT/DB[?schema=S] or memory://",
    )
    pool_size: int = Field(default=5, ge=1, description="PostgreSQL connections per process")
    projector_batch_size: int = Field(
        default=1000, ge=1, description="events the projector applies per transaction"
    )
    personal_data_key: str = Field(
        default="",
        description="master key (32 bytes, base64url) wrapping each data subject's key; "
        "without it subject keys are stored unwrapped",
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
    public_view: bool = Field(
        default=True, description="serve the public transparency view without sign-in"
    )
