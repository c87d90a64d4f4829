"""Yishiting: the one application over the one log, every use case a method."""

from __future__ import annotations

from typing import Any, ClassVar

from application.attachments.use_cases import AttachmentUseCases
from application.consultations import ConsultationUseCases
from application.deadlines import DeadlineUseCases
from application.erasure import ErasureUseCases
from application.history import HistoryQueries
from application.holidays import HolidayUseCases
from application.hotline import HotlineUseCases
from application.live import Announcing
from application.members import MemberUseCases
from application.reference import ReferenceUseCases
from application.sessions import SessionUseCases
from application.supervision import SupervisionUseCases
from application.topics import TopicUseCases
from application.webhooks import WebhookUseCases
from domain.accounts import Account
from domain.consultation import Consultation
from domain.reference import Platform
from domain.supervision import SupervisionItem
from domain.topic import Topic

# An account gathers a sign-in event a day for years: it is read from a snapshot too.
LONG_LIVED = (Topic, Consultation, SupervisionItem, Platform, Account)


class Yishiting(
    TopicUseCases,
    ConsultationUseCases,
    SupervisionUseCases,
    ReferenceUseCases,
    ErasureUseCases,
    DeadlineUseCases,
    HolidayUseCases,
    HotlineUseCases,
    HistoryQueries,
    WebhookUseCases,
    SessionUseCases,
    AttachmentUseCases,
    MemberUseCases,
    Announcing,
):
    name = "yishiting"
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = dict.fromkeys(LONG_LIVED, 50)
