"""The loop's workers at shutdown: new calls refused with a clear message, those held (queued
or running) awaited, and a call cancelled before it ran not waited for."""

from __future__ import annotations

import threading

import pytest

from interfaces.edge.workers import ShuttingDown, Workers


def test_the_workers_refuse_new_calls_once_draining_and_wait_for_those_held() -> None:
    workers = Workers(2)
    inside, release = threading.Event(), threading.Event()

    def held() -> str:
        inside.set()
        release.wait()
        return "finished"

    running = workers.submit(held)
    inside.wait()
    assert workers.drain(timeout=0) is False, "a call was still running"
    with pytest.raises(ShuttingDown) as refused:
        workers.submit(str, "late")
    assert str(refused.value).startswith("服务正在停止")
    assert "shutting down" in str(refused.value)
    assert refused.value.code == "SHUTTING_DOWN"
    release.set()
    assert workers.drain(timeout=30) is True
    assert running.result() == "finished"
    assert workers.held == 0


def test_a_call_cancelled_before_it_ran_is_not_waited_for() -> None:
    workers = Workers(1)
    inside, release = threading.Event(), threading.Event()
    first = workers.submit(lambda: (inside.set(), release.wait()))
    inside.wait()
    queued = workers.submit(str, "never run")
    assert queued.cancel()
    assert workers.held == 1
    release.set()
    first.result()
    assert workers.drain(timeout=30) is True
