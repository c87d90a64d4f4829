"""Evidence attached through the pages: the platform's staff attach the minutes (a PDF) to a
consultation by choosing the file, see it listed with its name and size, and download the very
bytes they uploaded; an executable renamed .pdf is refused in Chinese and nothing is listed; a
photo of the sign-in sheet marked 含个人信息 shows its (decrypted) thumbnail. The unit drops a
photo (JPEG) on its supervision item's progress and sees the thumbnail drawn. Then the minutes
are withdrawn with a reason."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.browser.conftest import OpenPage
from tests.browser.pages import go, sign_in, sign_in_with_token
from tests.browser.server import DemoServer

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

RECORDS = """query($platform: ID!, $unit: ID!) {
  reported: consultations(first: 1, filter: { platformId: $platform, status: REPORTED }) {
    nodes { id } }
  working: supervisionItems(first: 1, filter: { unitId: $unit, status: IN_PROGRESS }) {
    nodes { id } }
}"""
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
ENGLISH_EVENTS = re.compile(r"Attachment(Added|Withdrawn)")


def minutes_pdf(text: str) -> bytes:
    """A small, valid PDF (one page saying `text`), its cross-reference table exact."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def site_photo() -> bytes:
    """A JPEG of the work done (made here with Pillow): a car park with its new bays."""
    image = Image.new("RGB", (800, 600), (96, 120, 140))
    draw = ImageDraw.Draw(image)
    for bay in range(8):
        draw.rectangle((40 + bay * 90, 200, 110 + bay * 90, 420), outline=(255, 255, 255), width=6)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def renamed_executable() -> bytes:
    """The start of a Windows executable (MZ header, PE signature), whatever its name says."""
    header = bytearray(b"MZ" + b"\x90\x00" * 29 + b"\x00" * 2)
    header += b"\x80\x00\x00\x00"  # e_lfanew: the PE header at 0x80
    header += b"\x00" * (0x80 - len(header))
    header += b"PE\x00\x00" + b"\x4c\x01" + b"\x00" * 200
    header += b"This program cannot be run in DOS mode.\r\n" * 4
    return bytes(header)


def size_shown(size: int) -> str:
    """The size as the page shows it (format.js fileSize): "1.2 KB", "35.4 KB", "1.2 MB"."""
    if size < 1024:
        return f"{size} B"
    value, unit = size / 1024, "KB"
    if value >= 1024:
        value, unit = value / 1024, "MB"
    return f"{round(value)} {unit}" if value >= 100 else f"{value:.1f} {unit}"


def file(name: str, mime: str, data: bytes) -> dict[str, Any]:
    return {"name": name, "mimeType": mime, "buffer": data}


def drop(page: Any, target: Any, name: str, mime: str, data: bytes) -> None:
    """Drags a file from the desktop and drops it on `target`: a real drop event carrying it."""
    transfer = page.evaluate_handle(
        """([name, mime, bytes]) => {
          const transfer = new DataTransfer();
          transfer.items.add(new File([new Uint8Array(bytes)], name, { type: mime }));
          return transfer;
        }""",
        [name, mime, list(data)],
    )
    target.dispatch_event("dragenter", {"dataTransfer": transfer})
    target.dispatch_event("dragover", {"dataTransfer": transfer})
    target.dispatch_event("drop", {"dataTransfer": transfer})


def shows_no_internals(card: Any) -> None:
    text = card.inner_text()
    assert not UUID.search(text), text
    assert not ENGLISH_EVENTS.search(text), text


def thumbnail_loaded(page: Any, listed: Any) -> None:
    """The listed file's thumbnail is shown, and the image arrived (drawn, not a broken icon)."""
    thumbnail = listed.locator("img.attachment-thumb")
    expect(thumbnail).to_be_visible()
    thumbnail.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )


def records(server: DemoServer) -> tuple[str, str]:
    found = server.query(
        RECORDS, platform=server.scope_of("staff:ys"), unit=server.scope_of("unit:jtw")
    )
    assert found["reported"]["nodes"], "the demo platform has a reported consultation"
    assert found["working"]["nodes"], "the demo unit has an item in progress"
    return found["reported"]["nodes"][0]["id"], found["working"]["nodes"][0]["id"]


def test_minutes_and_a_photo_attached_seen_and_downloaded(
    open_page: OpenPage, server: DemoServer, artifacts: Path
) -> None:
    consultation, item = records(server)
    tag = uuid4().hex[:6]

    # The minutes, chosen with the file input (by its label), listed with name and size.
    staff = open_page()
    sign_in(staff, server, "staff:ys")
    go(staff, server, f"/consultation/{consultation}")
    card = staff.locator("section.attachments")
    minutes = minutes_pdf(f"Minutes {tag}")
    minutes_name = f"协商纪要-{tag}.pdf"
    chooser = card.get_by_label("选择文件")
    chooser.focus()  # reached by the keyboard: the file input itself, named by its label
    assert staff.evaluate("document.activeElement.type") == "file"
    chooser.set_input_files(file(minutes_name, "application/pdf", minutes))
    expect(card.locator(".pending-files")).to_contain_text(minutes_name)
    card.get_by_role("button", name="上传附件").click()
    listed = staff.locator(".attachment").filter(has_text=minutes_name)
    expect(listed).to_be_visible()
    expect(listed).to_contain_text(size_shown(len(minutes)))
    expect(listed).to_contain_text("PDF文档")

    # The download is the bytes uploaded, under the name given.
    with staff.expect_download() as downloading:
        listed.get_by_role("link", name=f"下载 {minutes_name}").click()
    download = downloading.value
    assert download.suggested_filename == minutes_name
    assert Path(download.path()).read_bytes() == minutes

    # An executable renamed .pdf is refused by its bytes, in Chinese, and nothing is listed.
    disguised = f"会议签到表-{tag}.pdf"
    card = staff.locator("section.attachments")
    card.get_by_label("选择文件").set_input_files(
        file(disguised, "application/pdf", renamed_executable())
    )
    card.get_by_role("button", name="上传附件").click()
    refusal = card.locator(".upload-refused")
    expect(refusal).to_contain_text(disguised)
    expect(refusal).to_contain_text("只接受")
    said = refusal.inner_text().replace(disguised, "")
    assert not re.search(r"[a-z]{3,}", said), said  # Chinese, without the server's English
    expect(staff.locator(".attachment").filter(has_text=disguised)).to_have_count(0)
    go(staff, server, f"/consultation/{consultation}")
    expect(staff.locator(".attachment").filter(has_text=minutes_name)).to_be_visible()
    expect(staff.locator(".attachment").filter(has_text=disguised)).to_have_count(0)

    # A photo of the sign-in sheet, marked 含个人信息: kept encrypted, its thumbnail still drawn
    # for the platform's staff, who may read the platform's personal data.
    sheet_name = f"签到表照片-{tag}.jpg"
    card.get_by_label("选择文件").set_input_files(file(sheet_name, "image/jpeg", site_photo()))
    card.get_by_label("含个人信息").check()
    card.get_by_role("button", name="上传附件").click()
    sheet = staff.locator(".attachment").filter(has_text=sheet_name)
    expect(sheet.locator(".badge.personal")).to_have_text("含个人信息")
    thumbnail_loaded(staff, sheet)
    shows_no_internals(staff.locator("section.attachments"))
    staff.screenshot(path=str(artifacts / "attachments-consultation.png"), full_page=True)

    # The unit drops a photo of the work done on its item's progress: its thumbnail is drawn.
    unit = open_page()
    sign_in(unit, server, "unit:jtw")
    go(unit, server, f"/item/{item}")
    card = unit.locator("section.attachments")
    photo_name = f"现场照片-{tag}.jpg"
    drop(unit, card.locator("[data-dropzone]"), photo_name, "image/jpeg", site_photo())
    expect(card.locator(".pending-files")).to_contain_text(photo_name)
    card.get_by_role("button", name="上传附件").click()
    photo = unit.locator(".attachment").filter(has_text=photo_name)
    expect(photo).to_be_visible()
    expect(photo).to_contain_text("JPEG图片")
    thumbnail_loaded(unit, photo)
    shows_no_internals(unit.locator("section.attachments"))
    unit.screenshot(path=str(artifacts / "attachments-item.png"), full_page=True)

    # A page signed in with a pasted token (no cookie rides along with an <img> or a link) gets
    # the thumbnail and the download all the same.
    by_token = open_page()
    sign_in_with_token(by_token, server, server.token("staff:ys"))
    go(by_token, server, f"/consultation/{consultation}")
    thumbnail_loaded(by_token, by_token.locator(".attachment").filter(has_text=sheet_name))
    listed = by_token.locator(".attachment").filter(has_text=minutes_name)
    with by_token.expect_download() as downloading:
        listed.get_by_role("link", name=f"下载 {minutes_name}").click()
    assert downloading.value.suggested_filename == minutes_name
    assert Path(downloading.value.path()).read_bytes() == minutes

    # The minutes withdrawn with a reason: no longer among the consultation's files.
    go(staff, server, f"/consultation/{consultation}")
    listed = staff.locator(".attachment").filter(has_text=minutes_name)
    listed.get_by_role("button", name=f"撤回 {minutes_name}").click()
    listed.get_by_label("撤回理由").fill("误传,以正式纪要为准。")
    listed.get_by_role("button", name="确认撤回").click()
    expect(staff.locator(".attachment").filter(has_text=minutes_name)).to_have_count(0)
