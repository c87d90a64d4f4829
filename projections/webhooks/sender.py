"""One HTTP POST to a receiver (standard library: the deliverer runs in a thread of its own).
Redirects are not followed: a receiver answers where it was registered."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Answer:
    status: int | None
    error: str
    seconds: float

    @property
    def accepted(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def gone(self) -> bool:
        return self.status == 410


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(NoRedirects())


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    started = time.monotonic()
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            response.read(65536)
            return Answer(response.status, "", time.monotonic() - started)
    except urllib.error.HTTPError as refused:
        return Answer(refused.code, f"HTTP {refused.code}", time.monotonic() - started)
    except (OSError, ValueError) as error:
        return Answer(None, f"{type(error).__name__}: {error}"[:300], time.monotonic() - started)
