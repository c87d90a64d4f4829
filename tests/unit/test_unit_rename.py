"""交办单位更名: a unit takes a new name with a reason; a blank or unchanged name is refused."""

from __future__ import annotations

import pytest

from domain.base import Actor
from domain.errors import MissingReason, RequiredField
from domain.reference import SameUnitName, Unit
from domain.vocabulary import Role, UnitKind

ADMIN = Actor("admin-1", "系统管理员", Role.ADMIN)


def unit() -> Unit:
    return Unit.register(name="区住建委", kind=UnitKind.DISTRICT_DEPARTMENT, actor=ADMIN)


def test_a_renamed_unit_records_the_new_name_and_the_reason() -> None:
    renamed = unit()
    renamed.rename(name="  区住房和城乡建设局 ", reason="机构改革更名", actor=ADMIN)
    [_, event] = renamed.collect_events()
    assert isinstance(event, Unit.UnitRenamed)
    assert (renamed.name, event.name, event.reason) == ("区住房和城乡建设局",) * 2 + (
        "机构改革更名",
    )


@pytest.mark.parametrize(
    ("name", "reason", "refusal", "code"),
    [
        (" ", "机构改革", RequiredField, "FIELD_REQUIRED"),
        ("区住房和城乡建设局", "  ", MissingReason, "REASON_REQUIRED"),
        ("区住建委", "重复提交", SameUnitName, "SAME_NAME"),
    ],
)
def test_a_rename_without_a_new_name_or_a_reason_is_refused_and_records_nothing(
    name: str, reason: str, refusal: type[Exception], code: str
) -> None:
    kept = unit()
    with pytest.raises(refusal) as refused:
        kept.rename(name=name, reason=reason, actor=ADMIN)
    assert refused.value.code == code  # type: ignore[attr-defined]
    assert kept.name == "区住建委"
    assert len(kept.collect_events()) == 1
