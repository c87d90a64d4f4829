"""Webhook subscribers: reference data recorded as events, so that who registered which receiver,
for which events, and who (or which 410 Gone) unregistered it, is audited like any decision.

The aggregate lives here, not in domain/: it is integration plumbing, not part of the plan.
Its secret is sealed in the log with a key of its own, destroyed on unregistering."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from uuid import UUID, uuid4

from eventsourcing.domain import event
from eventsourcing.persistence import JSONTranscoder, Transcoding

from application.core import Adapters, Core, use_case
from application.permissions import R
from application.personal_data import Sealer
from application.publishing.catalogue import published
from application.receipts import Command, Outcome
from application.settings import Settings
from application.webhook_targets import TargetScreen
from domain.base import Actor, Record, optional_text, required_reason
from domain.errors import FieldTooLong, InvalidInput, WrongState

MIN_SECRET = 16


@dataclass(frozen=True)
class WebhookSecret:
    """The shared secret that signs deliveries; empty once destroyed."""

    value: str
    key_id: str = field(default_factory=lambda: uuid4().hex)


MAX_URL = 2000
MAX_SECRET = 512


class WeakSecret(InvalidInput):
    code = "SECRET_TOO_SHORT"

    def __init__(self) -> None:
        super().__init__(
            f"签名密钥至少 {MIN_SECRET} 个字符",
            f"the signing secret needs at least {MIN_SECRET} characters",
            field="secret",
        )


def checked_types(event_types: list[str]) -> list[str]:
    """The CloudEvents types deliveries are filtered by, given in either spelling."""
    event_types = [optional_text(t, "eventTypes", "事件类型", 200) for t in event_types]
    return list(dict.fromkeys(p.cloud_type for p in published(event_types)))


def checked_url(url: str, screen: TargetScreen) -> str:
    """An http(s) URL whose address may receive webhooks (see application.webhook_targets)."""
    cleaned = optional_text(url, "url", "接收地址", MAX_URL)
    screen.pin(cleaned)
    return cleaned


class Webhook(Record):
    @event("WebhookRegistered")
    def __init__(
        self,
        *,
        url: str,
        event_types: list[str],
        secret: WebhookSecret,
        description: str,
        start_after: int,
        actor: Actor,  # noqa: ARG002 (an event's attribute, recorded on the event)
    ) -> None:
        self.url = url
        self.event_types = list(event_types)
        self.secret = secret
        self.description = description
        self.start_after = start_after
        self.active = True

    def unregister(self, *, reason: str, actor: Actor) -> None:
        if not self.active:
            raise WrongState("退订", "unregister", "已退订", "unregistered")
        self._unregistered(reason=required_reason(reason, "退订", "unregistering"), actor=actor)

    @event("WebhookUnregistered")
    def _unregistered(self, reason: str, actor: Actor) -> None:  # noqa: ARG002 (recorded)
        self.active = False


class SealedSecret(Transcoding):
    type = WebhookSecret
    name = "WebhookSecret"

    def __init__(self, sealer: Sealer) -> None:
        self.sealer = sealer

    def encode(self, obj: WebhookSecret) -> dict[str, str]:
        return {"key_id": obj.key_id, "sealed": self.sealer.seal(obj.key_id, {"v": obj.value})}

    def decode(self, data: dict[str, str]) -> WebhookSecret:
        opened = self.sealer.open(data["key_id"], data["sealed"]) or {}
        return WebhookSecret(opened.get("v", ""), data["key_id"])


class WebhookUseCases(Core):
    webhook_targets: TargetScreen

    def __init__(self, settings: Settings, adapters: Adapters) -> None:
        self.webhook_targets = adapters.webhook_targets
        super().__init__(settings, adapters)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(SealedSecret(Sealer(self.subject_keys)))

    @use_case(R.ADMIN)
    def register_webhook(
        self,
        command: Command,
        *,
        url: str,
        event_types: list[str],
        secret: str,
        description: str = "",
        start_after: int | None = None,
    ) -> list[Record]:
        """Deliveries start after `start_after` (a log position), by default after the
        registration itself."""
        secret = secret or ""
        if len(secret) > MAX_SECRET:
            raise FieldTooLong("secret", "签名密钥", MAX_SECRET)
        if len(secret) < MIN_SECRET:
            raise WeakSecret()
        webhook = Webhook(
            url=checked_url(url, self.webhook_targets),
            event_types=checked_types(event_types),
            secret=WebhookSecret(secret),
            description=optional_text(description, "description", "说明", 200),
            start_after=self.position() if start_after is None else start_after,
            actor=command.actor,
        )
        return [webhook]

    @use_case(R.ADMIN)
    def unregister_webhook(
        self, command: Command, webhook_id: UUID, *, reason: str
    ) -> list[Record]:
        webhook = self.load(Webhook, webhook_id, command)
        webhook.unregister(reason=reason, actor=command.actor)
        return [webhook]

    def retire_webhook(self, command: Command, webhook_id: UUID, *, reason: str) -> Outcome:
        """Unregisters the receiver, then destroys its secret's key."""
        outcome = self.unregister_webhook(command, webhook_id, reason=reason)
        self.subject_keys.erase(self.load(Webhook, webhook_id).secret.key_id)
        return outcome

    def webhook(self, webhook_id: UUID) -> Webhook:
        return self.load(Webhook, webhook_id)


def new_secret() -> str:
    return secrets.token_urlsafe(32)
