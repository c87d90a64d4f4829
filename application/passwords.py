"""What a password must be (等保 身份鉴别: complexity): twelve characters or more, of at least
three kinds (lower case, upper case, digits, others), not the username, not one of the common
passwords shipped with the package (common_passwords.txt)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from domain.base import NOT_TEXT
from domain.errors import InvalidInput

MIN_LENGTH = 12
MAX_LENGTH = 256  # argon2 takes any length; a megabyte "password" is an attack on the CPU
MIN_KINDS = 3


class WeakPassword(InvalidInput):
    code = "WEAK_PASSWORD"

    def __init__(self, why_zh: str, why_en: str, rule: str) -> None:
        super().__init__(
            f"密码不符合要求:{why_zh}", f"the password is refused: {why_en}", rule=rule
        )


@cache
def common_passwords() -> frozenset[str]:
    listed = files("application").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().casefold() for line in listed.splitlines() if line and line[0] != "#"
    )


def kinds(password: str) -> int:
    return sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() or not c.isascii() for c in password),
        )
    )


def check_password(password: str, username: str) -> str:
    """The password, if it may be set; WeakPassword (with the rule it breaks) otherwise."""
    if NOT_TEXT.search(password):
        raise WeakPassword("含有控制字符", "it contains a control character", "TEXT")
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"至少{MIN_LENGTH}个字符", f"at least {MIN_LENGTH} characters", "LENGTH")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(
            f"不能超过{MAX_LENGTH}个字符", f"at most {MAX_LENGTH} characters", "LENGTH"
        )
    if kinds(password) < MIN_KINDS:
        raise WeakPassword(
            "须含小写字母、大写字母、数字、其他字符中的至少三类",
            "at least three of: lower case, upper case, digits, other characters",
            "KINDS",
        )
    folded = password.casefold()
    if username and username.casefold() in folded:
        raise WeakPassword("不能包含用户名", "it contains the username", "USERNAME")
    if folded in common_passwords():
        raise WeakPassword("属于常见密码", "it is a common password", "COMMON")
    return password
