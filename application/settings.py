"""Settings, all from YISHITING_* environment variables."""

from __future__ import annotations

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
