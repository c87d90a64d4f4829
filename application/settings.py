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
