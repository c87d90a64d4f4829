"""Benchmark (issue 20): attaching a file through the real upload path, beside a plain copy of
the same bytes on the same disk, and the server's memory while it receives the largest file.

    .venv/bin/python -m bench.attachments [--megabytes M] [--peak-megabytes P] [--rounds N]

In one run, in a schema of its own on PostgreSQL, with `yishiting serve` in its own process
(uvicorn, the app, the embedded projector) keeping its attachment store in a directory of its
own under var/, beside the baseline's files (one disk):
  (copy)   `shutil.copyfile` of a PDF of M MB (random bytes in a stream object, so nothing
           compresses) to a new file in the same directory, then `os.fsync` of the copy: the
           baseline, the disk's own pace for these bytes;
  (upload) the same kind of file attached to a real matter as a client does it: the bytes
           streamed in a multipart `POST` to the upload endpoint (received chunk by chunk into
           the store's tmp/, hashed, fsynced, its type sniffed), then the GraphQL mutation that
           attaches the pending upload to the matter (the file moved into the content-addressed
           store, the `AttachmentAdded` event recorded): timed from the first byte sent to the
           mutation's answer, with a bearer token minted as the other server benchmarks mint
           theirs.
Copy and upload alternate for N rounds, each round with fresh random bytes (the store is
content-addressed: the same bytes twice would be found already stored), and the best of each is
kept (the machine may be shared). Throughput is M MB ÷ seconds; the ratio is upload ÷ copy.

Memory: before the rounds, the server (fresh, warmed by one small upload so that the modules
an upload uses are loaded) settles; its VmRSS is the idle figure. Its peak is then reset
(`5` written to /proc/<pid>/clear_refs resets VmHWM) and a P MB file is uploaded and attached;
VmHWM read after the answer is the peak during the upload. Target: peak ≤ idle + 32 MB.

With --stages the server runs with the upload path's stages timed (bench/upload_stages.py)
and their mean time per upload in the rounds is printed: where an upload's time goes."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from application.receipts import Command
from application.settings import Settings
from bench.common import (
    DEFAULT_URL,
    ROOT,
    Figure,
    Server,
    free_port,
    graphql,
    schema,
    status_kb,
)
from bench.workload import Workload
from domain.base import Actor
from domain.people import Proposer
from domain.vocabulary import Category, Channel, Role
from interfaces.bootstrap import bootstrap

MB = 1024 * 1024
THROUGHPUT_TARGET = 0.5
PEAK_TARGET_MB = 32
SETTLE_SECONDS = 2.0
WARM_BYTES = 64 * 1024
CHUNK = MB
UPLOAD_PATH = "/attachments"
ADD = """mutation Add($input: AddAttachmentInput!) {
  addAttachment(input: $input) { id attachment { sha256 size mediaType } }
}"""


@dataclass
class Result:
    megabytes: int
    peak_megabytes: int
    rounds: int
    copy_seconds: list[float] = field(default_factory=list)
    upload_seconds: list[float] = field(default_factory=list)
    post_seconds: list[float] = field(default_factory=list)  # the POST alone, each round
    floor_seconds: list[float] = field(default_factory=list)  # the same POST, bare receiver
    server_cpu: list[float] = field(default_factory=list)  # the server's CPU s, each upload
    idle_kb: int = 0
    peak_kb: int = 0
    uploaded_bytes: int = 0  # in the rounds
    stages: dict[str, list[float]] = field(default_factory=dict)  # --stages: seconds, calls

    @property
    def copy_rate(self) -> float:
        return self.megabytes / min(self.copy_seconds)

    @property
    def upload_rate(self) -> float:
        return self.megabytes / min(self.upload_seconds)

    def figures(self) -> list[Figure]:
        best = self.upload_seconds.index(min(self.upload_seconds))
        post, whole = self.post_seconds[best], self.upload_seconds[best]
        ratio = self.upload_rate / self.copy_rate
        above = (self.peak_kb - self.idle_kb) / 1024
        post_rate = self.megabytes / min(self.post_seconds)
        floor_rate = self.megabytes / min(self.floor_seconds)
        return [
            Figure(
                f"attachments: upload of a {self.megabytes} MB PDF to a matter over HTTP"
                f" (`POST {UPLOAD_PATH}` streamed + `addAttachment`) ÷ a plain copy on the"
                " same disk",
                f"{self.upload_rate:,.0f} MB/s (POST {post * 1e3:,.0f} ms, mutation"
                f" {(whole - post) * 1e3:,.0f} ms; server CPU {self.server_cpu[best] * 1e3:,.0f}"
                " ms)",
                f"`shutil.copyfile` + fsync: {self.copy_rate:,.0f} MB/s",
                ratio,
                f"≥ {THROUGHPUT_TARGET:g}×",
                ratio >= THROUGHPUT_TARGET,
                f"{self.megabytes} MB, best of {self.rounds} in alternation",
            ),
            Figure(
                f"attachments: the upload's POST alone (`POST {UPLOAD_PATH}`: received, hashed,"
                " written, fsynced, sniffed; before `addAttachment`) ÷ a plain copy",
                f"{post_rate:,.0f} MB/s",
                f"`shutil.copyfile` + fsync: {self.copy_rate:,.0f} MB/s",
                post_rate / self.copy_rate,
                size=f"{self.megabytes} MB, best of {self.rounds}",
            ),
            Figure(
                "attachments: the floor, the same multipart POST to a bare ASGI app under the"
                " server's uvicorn (h11, head deadline) that reads the body and drops it"
                " (bench/upload_floor.py) ÷ a plain copy",
                f"{floor_rate:,.0f} MB/s",
                f"`shutil.copyfile` + fsync: {self.copy_rate:,.0f} MB/s",
                floor_rate / self.copy_rate,
                size=f"{self.megabytes} MB, best of {self.rounds}",
            ),
            Figure(
                f"attachments: server's peak RSS during a {self.peak_megabytes} MB upload"
                " above idle",
                f"+{above:,.1f} MB (peak {self.peak_kb / 1024:,.0f} MB)",
                f"idle RSS: {self.idle_kb / 1024:,.0f} MB",
                target=f"≤ idle + {PEAK_TARGET_MB} MB",
                met=above <= PEAK_TARGET_MB,
                size=f"{self.peak_megabytes} MB, VmHWM reset before it",
            ),
        ]

    def stage_table(self) -> str:
        per = self.megabytes * MB / self.uploaded_bytes
        lines = [
            f"| stage (in the server) | ms per {self.megabytes} MB upload | calls per upload |",
            "|---|---|---|",
        ]
        for what, (seconds, calls) in sorted(self.stages.items(), key=lambda kv: -kv[1][0]):
            lines.append(f"| {what} | {seconds * per * 1e3:,.1f} | {calls * per:,.1f} |")
        return "\n".join(lines)


def write_pdf(path: Path, size: int) -> None:
    """A well-formed PDF of exactly `size` bytes: one blank page, and an unreferenced stream
    object of random bytes (as a scanned document's image data is: it does not compress),
    written chunk by chunk."""
    head = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    objects = [
        b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
        b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n",
        b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n",
    ]

    def tail(offsets: list[int], at: int) -> bytes:
        xref = [b"xref\n0 5\n0000000000 65535 f \n"]
        xref += [b"%010d 00000 n \n" % offset for offset in offsets]
        trailer = b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % at
        return b"".join(xref) + trailer

    offsets, at = [], len(head)
    for body in objects:
        offsets.append(at)
        at += len(body)
    offsets.append(at)
    fixed = len(head) + sum(map(len, objects)) + len(tail(offsets, at + 10**9))
    # The stream's length decides the digits of its /Length and of startxref; settle them.
    data = size - fixed - len(b"4 0 obj\n<< /Length  >>\nstream\n\nendstream\nendobj\n")
    for _ in range(3):
        opening = b"4 0 obj\n<< /Length %d >>\nstream\n" % data
        closing = b"\nendstream\nendobj\n"
        ending = tail(offsets, at + len(opening) + data + len(closing))
        total = at + len(opening) + data + len(closing) + len(ending)
        data += size - total
    with open(path, "xb") as out:
        out.write(head + b"".join(objects) + opening)
        left = data
        while left:
            chunk = os.urandom(min(CHUNK, left))
            out.write(chunk)
            left -= len(chunk)
        out.write(closing + ending)
    assert path.stat().st_size == size, (path.stat().st_size, size)


def copy_seconds(source: Path, target: Path) -> float:
    started = time.perf_counter()
    shutil.copyfile(source, target)
    with open(target, "rb") as copied:
        os.fsync(copied.fileno())
    return time.perf_counter() - started


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (from /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reset_peak(pid: int) -> None:
    """VmHWM back to the current VmRSS (Linux: `5` written to clear_refs)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def upload(http: httpx.Client, path: Path, matter_id: str) -> tuple[float, float]:
    """Attaches the file to the matter as a client does; the seconds to the POST's answer and
    to the mutation's."""
    started = time.perf_counter()
    with open(path, "rb") as file:
        response = http.post(UPLOAD_PATH, files={"file": (path.name, file, "application/pdf")})
    posted = time.perf_counter() - started
    if response.status_code not in (200, 201):
        raise RuntimeError(f"upload refused: {response.status_code} {response.text[:500]}")
    said: dict[str, Any] = response.json()
    added = graphql(http, ADD, input=_add_input(said, matter_id))["addAttachment"]["attachment"]
    done = time.perf_counter() - started
    if added is None or added["size"] != path.stat().st_size:
        raise RuntimeError(f"attached {added} for {path.stat().st_size} bytes")
    return posted, done


def post_to_floor(http: httpx.Client, path: Path) -> float:
    """The same multipart POST to the bare receiver: the seconds to its answer."""
    started = time.perf_counter()
    with open(path, "rb") as file:
        response = http.post("/", files={"file": (path.name, file, "application/pdf")})
    if response.status_code != 201 or int(response.text) <= path.stat().st_size:
        raise RuntimeError(f"the floor answered {response.status_code} {response.text[:200]}")
    return time.perf_counter() - started


@contextmanager
def _floor() -> Iterator[httpx.Client]:
    """bench/upload_floor.py in its own process, and a client of it."""
    port = free_port()
    command = [sys.executable, "-m", "bench.upload_floor", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60.0) as http:
            _await_floor(http, process)
            yield http
    finally:
        process.terminate()
        process.wait(timeout=30)


def _await_floor(http: httpx.Client, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the floor's server exited")
        try:
            http.post("/", content=b"x")
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError("the floor's server did not answer within 30 s")


def _add_input(said: dict[str, Any], matter_id: str) -> dict[str, Any]:
    return {
        "commandId": f"bench-attach-{uuid.uuid4().hex}",
        "ownerKind": "MATTER",
        "ownerId": matter_id,
        "uploadId": said["uploadId"],
    }


def _prepare(url: str) -> tuple[str, str]:
    """Reference data and one matter on the first platform: (platform id, matter id)."""
    system = bootstrap(Settings(database_url=url))
    try:
        workload = Workload.prepare(system.app)
        platform_id = workload.platform_ids[0]
        staff = Actor("staff-bench", "李专员", Role.PLATFORM_STAFF, str(platform_id))
        matter = system.app.propose_topic(
            Command(staff, command_id=uuid.uuid4().hex),
            title="北苑社区加装电梯议题",
            content="居民反映老旧小区无电梯,老人上下楼困难,希望协调加装电梯。",
            channel=Channel.MASSES,
            category=Category.GOVERNANCE,
            platform_id=platform_id,
            proposer=Proposer.checked("群众甲", "13800000001"),
        )
        system.projector.catch_up()
        return str(platform_id), str(matter.id)
    finally:
        system.close()


@contextmanager
def _scratch() -> Iterator[Path]:
    """A directory under var/ (the disk the store is on by default), removed afterwards."""
    folder = ROOT / "var" / f"bench-attachments-{uuid.uuid4().hex[:10]}"
    folder.mkdir(parents=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(
    url: str,
    megabytes: int = 10,
    peak_megabytes: int = 20,
    rounds: int = 5,
    stages: bool = False,
    say: object = print,
) -> Result:
    tell = say if callable(say) else print
    result = Result(megabytes, peak_megabytes, rounds)
    with schema(url, "bench_attach") as log_url, _scratch() as scratch:
        platform_id, matter_id = _prepare(log_url)
        env = {
            "YISHITING_ATTACHMENT_STORE": str(scratch / "store"),
            "BENCH_STAGES_FILE": str(scratch / "stages.json"),
        }
        server = Server(log_url, env=env)
        if stages:
            server.command[server.command.index("interfaces.cli.main")] = "bench.upload_stages"
        with server, _floor() as floor:
            assert server.process is not None
            pid = server.process.pid
            staff = Actor("staff-bench", "李专员", Role.PLATFORM_STAFF, platform_id)
            with server.client(staff) as http:
                warm = scratch / "warm.pdf"
                write_pdf(warm, WARM_BYTES)
                upload(http, warm, matter_id)
                time.sleep(SETTLE_SECONDS)
                big = scratch / "peak.pdf"
                write_pdf(big, peak_megabytes * MB)
                result.idle_kb = status_kb(pid)["VmRSS"]
                reset_peak(pid)
                upload(http, big, matter_id)
                result.peak_kb = status_kb(pid)["VmHWM"]
                big.unlink()
                if stages:
                    os.kill(pid, signal.SIGUSR1)  # the stages of the rounds alone
                tell(
                    f"(memory) idle {result.idle_kb / 1024:,.0f} MB, peak during a"
                    f" {peak_megabytes} MB upload {result.peak_kb / 1024:,.0f} MB"
                )
                for n in range(rounds):
                    source = scratch / f"round-{n}.pdf"
                    write_pdf(source, megabytes * MB)
                    result.copy_seconds.append(copy_seconds(source, scratch / f"copy-{n}.pdf"))
                    (scratch / f"copy-{n}.pdf").unlink()
                    source.unlink()
                    source = scratch / f"upload-{n}.pdf"
                    write_pdf(source, megabytes * MB)
                    cpu = cpu_seconds(pid)
                    posted, done = upload(http, source, matter_id)
                    result.server_cpu.append(cpu_seconds(pid) - cpu)
                    result.post_seconds.append(posted)
                    result.upload_seconds.append(done)
                    result.floor_seconds.append(post_to_floor(floor, source))
                    source.unlink()
                    tell(
                        f"(round {n + 1}) copy {megabytes / result.copy_seconds[-1]:,.0f} MB/s,"
                        f" upload {megabytes / done:,.0f} MB/s (POST {posted * 1e3:,.0f} ms,"
                        f" floor {result.floor_seconds[-1] * 1e3:,.0f} ms)"
                    )
        result.uploaded_bytes = rounds * megabytes * MB
        if stages:
            result.stages = json.loads((scratch / "stages.json").read_text(encoding="utf-8"))
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.attachments", description=__doc__)
    parser.add_argument("--megabytes", type=int, default=10, help="the file of the rounds")
    parser.add_argument("--peak-megabytes", type=int, default=20, help="the file for memory")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--stages", action="store_true", help="time the upload path's stages")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args(argv)
    result = run(args.database_url, args.megabytes, args.peak_megabytes, args.rounds, args.stages)
    for figure in result.figures():
        print(" | ".join(figure.cells()))
    if args.stages:
        print(result.stage_table())


if __name__ == "__main__":
    main()
