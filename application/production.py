"""What production will not run without: a token secret no one can guess (or a JWKS file), the
ledger's signing key, the personal-data master key and the key tagging each stored event.
Every missing or weak setting is named in one refusal, so that an operator fixes them all in
one go."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from application.ledger.sm2 import SM2PrivateKey
from application.personal_data import master_key_from
from application.settings import Settings

MIN_TOKEN_SECRET_BYTES = 32  # HS256's own key size: anything shorter can be searched for
MIN_EVENT_KEY_BYTES = 32


@dataclass(frozen=True)
class Problem:
    variable: str
    chinese: str
    english: str

    def __str__(self) -> str:
        return f"{self.variable}: {self.chinese} ({self.english})"


class UnsafeProduction(RuntimeError):
    """Start-up in production refused: the message names each setting to fix."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(
            "生产环境拒绝启动,以下设置缺失或不安全 "
            f"(production refuses to start: these settings are missing or weak):\n{lines}"
        )


def refuse_unsafe_production(settings: Settings) -> None:
    """Raises UnsafeProduction in production when a safety setting is missing or weak."""
    if settings.environment != "production":
        return
    problems = unsafe_settings(settings)
    if problems:
        raise UnsafeProduction(problems)


def unsafe_settings(settings: Settings) -> list[Problem]:
    return [
        *_token_problems(settings),
        *_ledger_key_problems(settings),
        *_personal_data_key_problems(settings),
        *_event_key_problems(settings),
        *_metrics_token_problems(settings),
    ]


def _token_problems(settings: Settings) -> list[Problem]:
    if settings.token_jwks_file:
        return _jwks_problems(Path(settings.token_jwks_file))
    if not settings.token_secret:
        return [
            Problem(
                "YISHITING_TOKEN_SECRET",
                "未配置令牌密钥(或 YISHITING_TOKEN_JWKS_FILE)",
                "no token secret, and no JWKS file",
            )
        ]
    if len(settings.token_secret.encode()) < MIN_TOKEN_SECRET_BYTES:
        return [
            Problem(
                "YISHITING_TOKEN_SECRET",
                f"令牌密钥不足 {MIN_TOKEN_SECRET_BYTES} 字节",
                f"the token secret is shorter than {MIN_TOKEN_SECRET_BYTES} bytes",
            )
        ]
    return []


def _jwks_problems(path: Path) -> list[Problem]:
    try:
        keys = json.loads(path.read_text(encoding="utf-8")).get("keys")
    except (OSError, ValueError, AttributeError):
        keys = None
    if not isinstance(keys, list) or not keys:
        return [
            Problem(
                "YISHITING_TOKEN_JWKS_FILE",
                f"JWKS 文件不存在、无法读取或不含公钥:{path}",
                "the JWKS file is missing, unreadable or holds no keys",
            )
        ]
    return []


def _ledger_key_problems(settings: Settings) -> list[Problem]:
    if settings.crypto_suite == "gm":
        return _sm2_key_problems(settings)
    path = Path(settings.ledger_key_file)
    if not path.is_file():
        return [
            Problem(
                "YISHITING_LEDGER_KEY_FILE",
                f"账本签名密钥文件不存在:{path}",
                "the ledger signing key file is missing (production never generates one)",
            )
        ]
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        return [
            Problem(
                "YISHITING_LEDGER_KEY_FILE",
                f"账本签名密钥文件不是 Ed25519 私钥(PEM):{path}",
                "the ledger signing key file is not an Ed25519 private key in PEM",
            )
        ]
    return []


def _sm2_key_problems(settings: Settings) -> list[Problem]:
    """Under the gm suite, the key signing checkpoints is the SM2 one."""
    path = Path(settings.ledger_sm2_key_file)
    if not path.is_file():
        return [
            Problem(
                "YISHITING_LEDGER_SM2_KEY_FILE",
                f"SM2 账本签名密钥文件不存在:{path}",
                "the SM2 ledger signing key file is missing (production never generates one)",
            )
        ]
    try:
        SM2PrivateKey.from_pem(path.read_text())
    except (OSError, ValueError):
        return [
            Problem(
                "YISHITING_LEDGER_SM2_KEY_FILE",
                f"SM2 账本签名密钥文件不是 SM2 私钥(PEM, SEC 1):{path}",
                "the SM2 ledger signing key file is not an SM2 private key (PEM, SEC 1)",
            )
        ]
    return []


def _personal_data_key_problems(settings: Settings) -> list[Problem]:
    if not settings.personal_data_key:
        return [
            Problem(
                "YISHITING_PERSONAL_DATA_KEY",
                "未配置个人信息主密钥,数据主体密钥将以明文存放",
                "no personal-data master key: subject keys would be stored unwrapped",
            )
        ]
    try:
        master_key_from(settings.personal_data_key)
    except ValueError:  # binascii.Error is one too
        return [
            Problem(
                "YISHITING_PERSONAL_DATA_KEY",
                "个人信息主密钥格式错误,须为 base64url 编码的 32 字节",
                "the personal-data master key must be 32 bytes, base64url-encoded",
            )
        ]
    return []


def _event_key_problems(settings: Settings) -> list[Problem]:
    """The same test as application/ledger/tags.py's EventKey.from_file, without reading it
    into a key: a file holding at least 32 bytes in base64."""
    path = Path(getattr(settings, "event_key_file", "") or "")
    if not path.name:
        return []
    if not path.is_file():
        return [
            Problem(
                "YISHITING_EVENT_KEY_FILE",
                f"事件认证密钥文件不存在:{path}",
                "the event authentication key file is missing (production never generates one)",
            )
        ]
    try:
        secret = base64.b64decode(path.read_text().strip(), validate=True)
    except (OSError, ValueError, binascii.Error):
        secret = b""
    if len(secret) < MIN_EVENT_KEY_BYTES:
        return [
            Problem(
                "YISHITING_EVENT_KEY_FILE",
                f"事件认证密钥文件须为 base64 编码、至少 {MIN_EVENT_KEY_BYTES} 字节:{path}",
                f"the event key file must hold at least {MIN_EVENT_KEY_BYTES} bytes in base64",
            )
        ]
    return []


def _metrics_token_problems(settings: Settings) -> list[Problem]:
    """Optional (without it only an administrator reads /metrics), but never a guessable one."""
    if settings.metrics_token and len(settings.metrics_token.encode()) < MIN_TOKEN_SECRET_BYTES:
        return [
            Problem(
                "YISHITING_METRICS_TOKEN",
                f"指标抓取令牌不足 {MIN_TOKEN_SECRET_BYTES} 字节",
                f"the metrics scrape token is shorter than {MIN_TOKEN_SECRET_BYTES} bytes",
            )
        ]
    return []
