from application.app import Yishiting
from domain.supervision import SupervisionItem
from domain.vocabulary import ItemStatus
from tests.support.district import District


def test_an_item_is_assigned_on_every_backend(app: Yishiting, district: District) -> None:
    item = app.load(SupervisionItem, district.assigned_item())
    assert item.status is ItemStatus.ASSIGNED
