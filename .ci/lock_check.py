"""Fails when the installed packages differ from requirements.lock (exact versions, PEP 503 names).

Run by `make test`: what is tested is what the lock installs, on CI and in the Dockerfile."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

LOCK = Path(__file__).resolve().parent.parent / "requirements.lock"
PINNED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lines: list[str]) -> dict[str, str]:
    found = (PINNED.match(line) for line in lines)
    return {canonical(m[1]): m[2] for m in found if m}


def installed() -> dict[str, str]:
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return pins(frozen)


def differences(locked: dict[str, str], present: dict[str, str]) -> list[str]:
    names = sorted(locked.keys() | present.keys())
    return [
        f"{name}: locked {locked.get(name, '—')}, installed {present.get(name, '—')}"
        for name in names
        if locked.get(name) != present.get(name)
    ]


def main() -> int:
    wrong = differences(pins(LOCK.read_text().splitlines()), installed())
    for line in wrong:
        print(f"lock-check: {line}", file=sys.stderr)
    if wrong:
        print(
            "lock-check: 已安装的包与 requirements.lock 不一致 (run `make install`)",
            file=sys.stderr,
        )
        return 1
    print("lock-check: installed packages match requirements.lock")
    return 0


if __name__ == "__main__":
    sys.exit(main())
