"""Attachments over HTTP and GraphQL, on SQLite and PostgreSQL: each accepted type uploaded,
attached, listed and downloaded (always as a download, never sniffed or shown inline); bad files
refused by their bytes with a stable code and nothing left behind; a restricted matter's files
restricted too; a personal-data photo served only to those cleared for it, and to no one once
its subject is erased; the event feed carrying the download link, never the bytes."""

from __future__ import annotations

import asyncio
import hashlib
import io
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from application.permissions import RESTRICTED_TEXT
from application.receipts import Command
from application.storage import StoreOperationalError
from domain.vocabulary import ExclusionGround, Role
from tests.support import files
from tests.support.district import ADMIN
from tests.support.scenarios import SECURITY_COMMAND
from tests.support.world import World, postgres_schema, running

LIMIT = 2 * 1024 * 1024
PASSWORD = "Yongshun#2026-hall"
ADD = """mutation($input: AddAttachmentInput!) { addAttachment(input: $input) {
  id attachment { id name mediaType size sha256 addedAt addedBy downloadUrl thumbnailUrl
  personalData readable restricted } } }"""
WITHDRAW = """mutation($input: WithdrawAttachmentInput!) { withdrawAttachment(input: $input) {
  id version } }"""
ON_TOPIC = "query($id: ID!) { topic(id: $id) { attachments { id name readable restricted } } }"
ON_ITEM = (
    "query($id: ID!) { supervisionItem(id: $id) { attachments { id name readable personalData"
    " thumbnailUrl } } }"
)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("attachments")
    options = {"attachment_store": str(folder / "store"), "attachment_max_bytes": LIMIT}
    if request.param == "sqlite":
        with running(f"sqlite:///{folder}/yishiting.db", **options) as w:
            yield w
    else:
        with postgres_schema() as url, running(url, **options) as w:
            yield w


def upload(world: World, role: str, name: str, data: bytes) -> Any:
    return world.http.post(
        "/attachments",
        files={"file": (name, data, "application/octet-stream")},
        headers=world.headers[role],
    )


def attach(world: World, role: str, name: str, data: bytes, **given: Any) -> dict[str, Any]:
    sent = upload(world, role, name, data)
    assert sent.status_code == 201, sent.text
    body = world.execute(role, ADD, {"input": {"uploadId": sent.json()["uploadId"], **given}})
    assert "errors" not in body, body
    attached: dict[str, Any] = body["data"]["addAttachment"]["attachment"]
    return attached


def store_of(world: World) -> Path:
    return Path(world.system.settings.attachment_store)


def leftovers(world: World) -> list[Path]:
    tmp = store_of(world) / "tmp"
    return [p for p in tmp.iterdir() if p.name.startswith("upload-")] if tmp.exists() else []


def blobs(world: World) -> set[str]:
    return set(world.system.app.attachments.blobs())


@pytest.mark.parametrize("name", list(files.ACCEPTED))
def test_each_accepted_type_is_attached_listed_and_downloaded(world: World, name: str) -> None:
    make, media_type = files.ACCEPTED[name]
    data = make()
    topic_id = world.home.propose_hotline_matter()
    attached = attach(
        world, "platform_staff", name, data, ownerKind="MATTER", ownerId=str(topic_id)
    )
    assert attached["name"] == name
    assert attached["mediaType"] == media_type
    assert attached["readable"] is True
    assert attached["addedBy"] == "李专员"
    listed = world.execute("platform_staff", ON_TOPIC, {"id": str(topic_id)})["data"]["topic"]
    assert [a["id"] for a in listed["attachments"]] == [attached["id"]]

    got = world.http.get(attached["downloadUrl"], headers=world.headers["platform_staff"])
    assert got.status_code == 200, got.text
    assert got.headers["content-type"].startswith(media_type)
    assert got.headers["x-content-type-options"] == "nosniff"
    disposition = got.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(name)}" in disposition
    assert hashlib.sha256(got.content).hexdigest() == attached["sha256"]
    if media_type.startswith("image/"):
        assert not files.has_gps(got.content)
        assert b"PhoneMaker" not in got.content  # no EXIF at all, not only its location
        thumb = world.http.get(attached["thumbnailUrl"], headers=world.headers["platform_staff"])
        assert thumb.status_code == 200
        assert thumb.headers["content-type"] == "image/jpeg"
        with Image.open(io.BytesIO(thumb.content)) as small:
            assert max(small.size) <= 320
    else:
        assert got.content == data
        assert attached["thumbnailUrl"] is None


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("会议纪要.pdf", files.executable(), "FILE_TYPE_NOT_ACCEPTED"),
        ("空文件.pdf", b"", "FILE_EMPTY"),
        ("半截.pdf", files.pdf()[:-40], "FILE_TRUNCATED"),
        ("炸弹.docx", files.bomb("docx"), "ARCHIVE_REFUSED"),
        ("炸弹.ofd", files.bomb("ofd"), "ARCHIVE_REFUSED"),
        ("网页.pdf", b"<html><script>alert(1)</script></html>", "FILE_TYPE_NOT_ACCEPTED"),
        ("普通.zip", files._zip({"a.txt": b"hello"}), "FILE_TYPE_NOT_ACCEPTED"),
        ("过大.pdf", b"%PDF-1.4\n" + b"0" * LIMIT + b"%%EOF", "FILE_TOO_LARGE"),
    ],
    ids=[
        "renamed-exe",
        "zero-byte",
        "truncated-pdf",
        "bomb-docx",
        "bomb-ofd",
        "html",
        "zip",
        "big",
    ],
)
def test_bad_files_are_refused_by_their_bytes_and_leave_nothing(
    world: World, name: str, data: bytes, reason: str
) -> None:
    before, pending = blobs(world), leftovers(world)
    refused = upload(world, "platform_staff", name, data)
    assert refused.status_code == (413 if reason == "FILE_TOO_LARGE" else 400), refused.text
    error = refused.json()["errors"][0]
    assert error["extensions"]["reason"] == reason
    assert "(" in error["message"]  # 中文 with English beside it
    assert leftovers(world) == pending
    assert blobs(world) == before


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\system32\\evil.pdf", "evil.pdf"),
        ("/absolute/path/名单.pdf", "名单.pdf"),
        ("..", "附件"),
    ],
)
def test_path_characters_never_reach_a_name(world: World, given: str, kept: str) -> None:
    sent = upload(world, "platform_staff", given, files.pdf())
    assert sent.status_code == 201, sent.text
    assert sent.json()["name"] == kept
    store = store_of(world).resolve()
    assert all(store in p.resolve().parents for p in store.rglob("*"))


def test_control_characters_and_nul_never_reach_a_name(world: World) -> None:
    """As a client may send them, raw in the part's header (a browser would escape some)."""
    body = (
        b'--XX\r\nContent-Disposition: form-data; name="file"; filename="a\x00b\x01c\x7f..\\d.pdf"'
        b"\r\n\r\n" + files.pdf() + b"\r\n--XX--\r\n"
    )
    sent = world.http.post(
        "/attachments",
        content=body,
        headers={
            **world.headers["platform_staff"],
            "Content-Type": "multipart/form-data; boundary=XX",
        },
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["name"] == "d.pdf"


def test_an_upload_cut_short_leaves_no_partial_file(world: World) -> None:
    before, pending = blobs(world), leftovers(world)
    body = (
        b'--XX\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n'
        + files.pdf()[:50]
    )
    cut = world.http.post(
        "/attachments",
        content=body,
        headers={
            **world.headers["platform_staff"],
            "Content-Type": "multipart/form-data; boundary=XX",
        },
    )
    assert cut.status_code == 400
    assert cut.json()["errors"][0]["extensions"]["reason"] == "BAD_UPLOAD"
    assert leftovers(world) == pending
    assert blobs(world) == before


def test_a_restricted_matters_files_are_restricted_too(world: World) -> None:
    topic_id = world.home.propose_hotline_matter()
    attached = attach(
        world,
        "platform_staff",
        "举报材料.pdf",
        files.pdf("secret"),
        ownerKind="MATTER",
        ownerId=str(topic_id),
    )
    world.home.app.exclude_topic(world.home.staff, topic_id, ground=ExclusionGround.CONFIDENTIAL)
    assert world.system.projector.wait_for(world.position(), timeout=30)
    url = attached["downloadUrl"]
    for role in ("platform_staff", "auditor"):
        assert world.http.get(url, headers=world.headers[role]).status_code == 200, role
    for role in ("committee", "leader", "admin"):
        listed = world.execute(role, ON_TOPIC, {"id": str(topic_id)})["data"]["topic"]
        (seen,) = listed["attachments"]
        assert seen["restricted"] is True
        assert seen["readable"] is False
        assert "举报材料" not in seen["name"]
        refused = world.http.get(url, headers=world.headers[role])
        assert refused.status_code == 403, role
        assert refused.json()["errors"][0]["extensions"]["reason"] == "CONTENT_RESTRICTED"
    for role in ("unit", "supervisor", "integration", "anonymous"):
        refused = world.http.get(url, headers=world.headers[role])
        assert refused.status_code in (401, 404), role
    trail = (
        'query { auditTrail(first: 100, filter: {aggregateType: "Attachment"})'
        " { edges { node { aggregateId summary } } } }"
    )
    for role, reads in (("auditor", True), ("platform_staff", True), ("leader", False)):
        said = world.execute(role, trail)["data"]["auditTrail"]["edges"]
        (step,) = [e["node"] for e in said if e["node"]["aggregateId"] == attached["id"]]
        assert ("举报材料" in step["summary"]) is reads, (role, step)
    feed = world.http.get(
        "/events",
        params={"type": "cn.gov.cppcc.yishiting.attachment.added", "limit": 500},
        headers=world.headers["leader"],
    )
    (event,) = [e for e in feed.json() if e["subject"] == attached["id"]]
    assert event["data"]["fileName"] == RESTRICTED_TEXT
    assert event["data"]["restricted"]


def test_a_personal_data_photo_is_served_to_the_cleared_until_its_subject_is_erased(
    world: World,
) -> None:
    item_id = world.home.assigned_item()
    subject = uuid4().hex
    attached = attach(
        world,
        "unit",
        "现场照片.jpg",
        files.jpeg_with_gps(),
        ownerKind="PROGRESS_REPORT",
        ownerId=str(item_id),
        personalData=True,
        dataSubjectId=subject,
    )
    assert attached["personalData"] is True
    url = attached["downloadUrl"]
    staff = world.http.get(url, headers=world.headers["platform_staff"])
    assert staff.status_code == 200
    assert staff.content.startswith(b"\xff\xd8")
    assert "content-length" not in staff.headers or int(staff.headers["content-length"]) > 0
    refused = world.http.get(url, headers=world.headers["unit"])  # not cleared for it
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"]["reason"] == "PERSONAL_DATA"

    world.home.app.erase_subject(Command(ADMIN), subject_id=subject, reason="本人申请删除")
    gone = world.http.get(url, headers=world.headers["platform_staff"])
    assert gone.status_code == 410
    assert gone.json()["errors"][0]["extensions"]["reason"] == "PERSONAL_DATA_ERASED"
    assert (
        world.http.get(attached["thumbnailUrl"], headers=world.headers["auditor"]).status_code
        == 410
    )
    listed = world.execute("platform_staff", ON_ITEM, {"id": str(item_id)})
    (seen,) = listed["data"]["supervisionItem"]["attachments"]
    assert seen["readable"] is False
    assert world.system.app.attachments.digest_of(attached["sha256"]) == attached["sha256"]


def test_a_withdrawn_file_is_no_longer_listed_nor_served(world: World) -> None:
    consultation_id = world.home.scheduled_consultation()
    attached = attach(
        world,
        "platform_staff",
        "议程.docx",
        files.docx(),
        ownerKind="CONSULTATION",
        ownerId=str(consultation_id),
    )
    no_reason = world.execute(
        "platform_staff", WITHDRAW, {"input": {"attachmentId": attached["id"], "reason": ""}}
    )
    assert no_reason["errors"][0]["extensions"]["reason"] == "REASON_REQUIRED"
    done = world.execute(
        "platform_staff", WITHDRAW, {"input": {"attachmentId": attached["id"], "reason": "传错"}}
    )
    assert "errors" not in done, done
    got = world.http.get(attached["downloadUrl"], headers=world.headers["platform_staff"])
    assert got.status_code == 410


def test_an_attachment_sent_twice_with_one_command_id_is_added_once(world: World) -> None:
    """Adding a file moves it out of its upload: a repeated command is told by its receipt
    before the use case runs (so a second upload under the same id is neither taken nor lost)."""
    topic_id = world.home.propose_hotline_matter()
    first_upload = upload(world, "platform_staff", "会议纪要.pdf", files.pdf()).json()["uploadId"]
    given = {"ownerKind": "MATTER", "ownerId": str(topic_id), "commandId": "minutes-1"}

    answers = [
        world.execute("platform_staff", ADD, {"input": {"uploadId": first_upload, **given}})
        for _ in range(2)
    ]
    assert "errors" not in answers[0], answers[0]
    assert answers[1] == answers[0]
    second = upload(world, "platform_staff", "另一份.pdf", files.pdf("other minutes"))
    other = second.json()["uploadId"]
    reused = world.execute("platform_staff", ADD, {"input": {"uploadId": other, **given}})
    assert reused["errors"][0]["extensions"]["reason"] == "COMMAND_ID_REUSED"
    listed = world.execute("platform_staff", ON_TOPIC, {"id": str(topic_id)})["data"]["topic"]
    assert len(listed["attachments"]) == 1
    assert any(other in path.name for path in leftovers(world)), "the other upload is kept"


def test_an_attachment_whose_save_fails_keeps_its_upload_to_be_attached_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file leaves its upload only once the attachment is saved: a save that fails (here
    the log's store away for one append) is answered as such, and the same upload id is
    attached by the next command, not sent again."""
    topic_id = world.home.propose_hotline_matter()
    sent = upload(world, "platform_staff", "会议纪要.pdf", files.pdf("保存失败后重试"))
    upload_id = sent.json()["uploadId"]
    recorder = world.system.app.recorder
    insert_events = recorder.insert_events

    def away_once(*args: Any, **kwargs: Any) -> Any:
        monkeypatch.setattr(recorder, "insert_events", insert_events)
        raise StoreOperationalError("the log's store is away")

    monkeypatch.setattr(recorder, "insert_events", away_once)
    given = {"uploadId": upload_id, "ownerKind": "MATTER", "ownerId": str(topic_id)}
    failed = world.http.post(
        "/graphql",
        json={"query": ADD, "variables": {"input": given}},
        headers=world.headers["platform_staff"],
    )
    assert failed.status_code == 503, failed.text
    assert failed.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert any(upload_id in path.name for path in leftovers(world)), "the upload is kept"

    attached = world.execute("platform_staff", ADD, {"input": given})
    assert "errors" not in attached, attached
    assert attached["data"]["addAttachment"]["attachment"]["name"] == "会议纪要.pdf"
    assert not any(upload_id in path.name for path in leftovers(world)), "and then removed"


def test_who_may_attach(world: World) -> None:
    topic_id = world.home.propose_hotline_matter()
    for role in ("committee", "leader", "admin", "auditor"):
        sent = upload(world, role, "a.pdf", files.pdf())
        assert sent.status_code == 201  # anyone signed in may upload; attaching is the command
        body = world.execute(
            role,
            ADD,
            {
                "input": {
                    "uploadId": sent.json()["uploadId"],
                    "ownerKind": "MATTER",
                    "ownerId": str(topic_id),
                }
            },
        )
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", role
    assert upload(world, "anonymous", "a.pdf", files.pdf()).status_code == 401


def test_the_feed_carries_the_link_never_the_bytes(world: World) -> None:
    topic_id = world.home.propose_hotline_matter()
    data = files.pdf("只在文件里的字")
    attached = attach(
        world, "platform_staff", "纪要.pdf", data, ownerKind="MATTER", ownerId=str(topic_id)
    )
    assert world.system.projector.wait_for(world.position(), timeout=30)
    feed = world.http.get(
        "/events",
        params={"type": "cn.gov.cppcc.yishiting.attachment.added", "limit": 500},
        headers=world.headers["auditor"],
    )
    assert feed.status_code == 200, feed.text
    (event,) = [e for e in feed.json() if e["subject"] == attached["id"]]
    assert event["data"]["downloadUrl"].endswith(f"/attachments/{attached['id']}/content")
    assert event["data"]["sha256"] == attached["sha256"]
    assert event["data"]["fileName"] == "纪要.pdf"
    assert "只在文件里的字" not in feed.text


def test_an_over_limit_upload_is_refused_mid_stream_without_buffering(world: World) -> None:
    """Straight through the ASGI app (a test client would buffer the body itself): 20 MB sent
    in 64 KiB chunks against a 2 MB limit; the server stops reading at the limit and its
    Python allocations stay far below the file's size."""
    chunk, total = 64 * 1024, 10 * LIMIT
    head = (
        b'--XX\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n\r\n%PDF-1.7\n'
    )
    consumed = 0
    answer: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal consumed
        body = head if consumed == 0 else b"\0" * chunk
        consumed += len(body)
        return {"type": "http.request", "body": body, "more_body": consumed < total}

    async def send(message: dict[str, Any]) -> None:
        answer.append(message)

    token = world.headers["platform_staff"]["Authorization"].encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/attachments",
        "raw_path": b"/attachments",
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"testserver"),
            (b"authorization", token),
            (b"content-type", b"multipart/form-data; boundary=XX"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    # Allocations are counted process-wide: the embedded projector catches up first, so that
    # what is counted is the upload's, not a batch of the districts' events applied meanwhile.
    assert world.system.projector.wait_for(world.system.app.position(), 30)
    tracemalloc.start()
    try:
        asyncio.run(world.http.app(scope, receive, send))  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    (start,) = [m for m in answer if m["type"] == "http.response.start"]
    assert start["status"] == 413
    assert consumed <= LIMIT + 2 * chunk
    assert peak < total // 8, f"peak {peak} bytes for a {total}-byte upload"


def test_a_browser_session_uploads_only_with_its_csrf_token(world: World) -> None:
    username = f"upload.{uuid4().hex[:8]}"
    app = world.system.app
    made = app.create_account(SECURITY_COMMAND, username=username, display_name="张伟").id
    app.reset_password(SECURITY_COMMAND, made, password=PASSWORD)
    app.grant_role(SECURITY_COMMAND, made, role=Role.LEADER, reason="任命")
    browser = TestClient(world.http.app)  # its own cookie jar, on the world's running app
    signed = browser.post("/auth/sign-in", json={"username": username, "password": PASSWORD})
    assert signed.status_code == 200, signed.text
    csrf = signed.json()["csrfToken"]
    body = {"file": ("纪要.pdf", files.pdf(), "application/pdf")}

    forged = browser.post("/attachments", files=body)
    assert forged.status_code == 403
    assert forged.json()["errors"][0]["extensions"]["reason"] == "CSRF_REJECTED"
    sent = browser.post("/attachments", files=body, headers={"X-CSRF-Token": csrf})
    assert sent.status_code != 403, sent.text
