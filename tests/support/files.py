"""Small files of every accepted kind, built here (no fixtures on disk), and the bad ones:
a renamed executable, a truncated PDF, zip bombs dressed as DOCX and OFD."""

from __future__ import annotations

import io
import zipfile

from PIL import Image

GPS_IFD = 0x8825


def pdf(text: str = "minutes") -> bytes:
    body = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>endobj\n"
        + f"4 0 obj<</Length {len(body)}>>stream\n".encode()
        + body
        + b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _zip(parts: dict[str, bytes]) -> bytes:
    """The same bytes every time: each member dated alike (writestr would stamp the clock's
    time, and two calls across a two-second boundary would differ)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            member = zipfile.ZipInfo(name, date_time=(2026, 11, 28, 9, 30, 0))
            archive.writestr(member, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def docx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": "<w:document>办理回复</w:document>".encode(),
        }
    )


def xlsx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": b"<Relationships/>",
            "xl/workbook.xml": b"<workbook/>",
        }
    )


def ofd() -> bytes:
    return _zip(
        {
            "OFD.xml": b'<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0"/>',
            "Doc_0/Document.xml": b"<ofd:Document/>",
        }
    )


def bomb(kind: str) -> bytes:
    """A small zip whose one part inflates a thousand times: a DOCX or an OFD by its names."""
    names = {"docx": ["[Content_Types].xml", "word/document.xml"], "ofd": ["OFD.xml", "Doc_0/x"]}
    first, inflating = names[kind]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(first, b"<x/>")
        with archive.open(inflating, "w", force_zip64=True) as part:
            zeros = b"\0" * (1024 * 1024)
            for _ in range(30):
                part.write(zeros)
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (640, 480), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (39.0, 54.0, 27.0)
    gps[3] = "E"
    gps[4] = (116.0, 23.0, 50.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (300, 200), (0, 128, 255, 255)).save(out, "PNG")
    return out.getvalue()


def executable() -> bytes:
    """A Windows executable's first bytes (MZ, the PE header), whatever it is named."""
    header = bytearray(b"MZ" + b"\x90\x00" * 29 + b"\x00" * 2)
    header += b"\x80\x00\x00\x00"  # e_lfanew
    header = header.ljust(0x80, b"\0") + b"PE\0\0" + b"\x4c\x01" + b"\0" * 200
    return bytes(header)


def has_gps(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as image:
        return bool(image.getexif().get_ifd(GPS_IFD))


ACCEPTED = {
    "纪要.pdf": (pdf, "application/pdf"),
    "红头文件.ofd": (ofd, "application/ofd"),
    "办理回复.docx": (
        docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "签到表.xlsx": (xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "现场.jpg": (jpeg_with_gps, "image/jpeg"),
    "示意图.png": (png, "image/png"),
}
