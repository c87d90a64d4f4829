"""`yishiting serve` with the stages of the upload path timed, for
`python -m bench.attachments --stages`: each function below is wrapped to add its wall time
and calls to a tally, written as JSON to $BENCH_STAGES_FILE when the server exits; SIGUSR1
empties the tally (the benchmark sends it before its timed rounds). Not used by `make bench`
(the wrappers cost a little time per call).

    .venv/bin/python -m bench.upload_stages serve --port N"""

from __future__ import annotations

import atexit
import functools
import importlib
import json
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

# (module, class, function, what it does) — a nested stage's time is inside its caller's too.
STAGES = (
    (
        "python_multipart.multipart",
        "MultipartParser",
        "write",
        "multipart parsing, with the intake's writes",
    ),
    (
        "application.attachments.intake",
        "Intake",
        "write",
        "intake: SHA-256 and write of each chunk",
    ),
    (
        "application.attachments.intake",
        "Intake",
        "finish",
        "intake: fsync, sniffing, the PDF's tail",
    ),
    (
        "application.attachments.use_cases",
        "AttachmentUseCases",
        "add_attachment",
        "`addAttachment`'s use case",
    ),
    (
        "application.attachments.use_cases",
        "AttachmentUseCases",
        "_stored",
        "use case: the intake's file linked into the store",
    ),
    (
        "application.attachments.store",
        "AttachmentStore",
        "keep",
        "store: link into place, fsync of the directory",
    ),
)
_tally: dict[str, list[float]] = {}
_lock = threading.Lock()


def _timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent = time.perf_counter() - started
            with _lock:
                seconds_calls = _tally.setdefault(name, [0.0, 0])
                seconds_calls[0] += spent
                seconds_calls[1] += 1

    return wrapper


def install() -> None:
    for module_name, class_name, function_name, what in STAGES:
        try:
            owner = getattr(importlib.import_module(module_name), class_name)
            function = owner.__dict__[function_name]
        except (ImportError, AttributeError, KeyError):
            continue  # the upload path changed: that stage is not timed
        setattr(owner, function_name, _timed(what, function))
    atexit.register(_write)
    signal.signal(signal.SIGUSR1, lambda *_: _tally.clear())


def _write() -> None:
    where = os.environ.get("BENCH_STAGES_FILE")
    if where:
        with open(where, "w", encoding="utf-8") as out:
            json.dump(_tally, out)


def main() -> None:
    install()
    from interfaces.cli.main import app

    app()


if __name__ == "__main__":
    main()
