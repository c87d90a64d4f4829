"""The column mapping of a 12345 work-order file (documented in README): the hotline's Chinese
headers, a few common variants of them, and which are required."""

from __future__ import annotations

REQUIRED = ("工单编号", "诉求内容")
OPTIONAL = (
    "诉求标题",
    "诉求人",
    "联系电话",
    "所属街乡",
    "地址",
    "诉求分类",
    "受理时间",
    "承办单位",
    "事项类别",
)
ALIASES = {
    "工单号": "工单编号",
    "工单编码": "工单编号",
    "诉求描述": "诉求内容",
    "来电内容": "诉求内容",
    "标题": "诉求标题",
    "来电人": "诉求人",
    "诉求人姓名": "诉求人",
    "来电号码": "联系电话",
    "所属街道": "所属街乡",
    "街乡镇": "所属街乡",
    "街乡": "所属街乡",
    "诉求地址": "地址",
    "事发地址": "地址",
    "问题分类": "诉求分类",
    "来电时间": "受理时间",
    "派单时间": "受理时间",
    "承办部门": "承办单位",
}


def canonical(header: object) -> str:
    name = str(header or "").strip().replace(" ", "").replace("\u3000", "")
    return ALIASES.get(name, name)


def missing(headers: list[str]) -> list[str]:
    return [name for name in REQUIRED if name not in headers]
