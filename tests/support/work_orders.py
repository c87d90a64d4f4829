"""12345 work-order files as the hotline exports them (CSV or xlsx), for import tests."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook

HEADERS = (
    "工单编号",
    "受理时间",
    "诉求标题",
    "诉求内容",
    "诉求人",
    "联系电话",
    "所属街乡",
    "地址",
    "诉求分类",
    "承办单位",
)
STREETS = ("永顺镇", "梨园镇", "北苑街道")
CATEGORIES = ("交通管理/停车", "市政设施/路灯", "环境卫生/垃圾清运")


def order(n: int, **changes: str) -> dict[str, str]:
    row = {
        "工单编号": f"GD2026{n:08d}",
        "受理时间": f"2026-03-{1 + n % 28:02d} 09:{n % 60:02d}",
        "诉求标题": f"诉求{n}",
        "诉求内容": f"第{n}号来电:小区周边夜间停车难,车辆占用消防通道。",
        "诉求人": f"来电人{n}",
        "联系电话": f"138{n:08d}",
        "所属街乡": STREETS[n % len(STREETS)],
        "地址": f"某小区{n % 40}号楼",
        "诉求分类": CATEGORIES[n % len(CATEGORIES)],
        "承办单位": "区交通委",
    }
    row.update(changes)
    return row


def write_csv(path: Path, rows: Iterable[dict[str, str]], headers: Sequence[str] = HEADERS) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(headers), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: Iterable[dict[str, str]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append([row.get(h, "") for h in HEADERS])
    book.save(path)
    return path
