"""Idempotency: a client command id is recorded with the events it produced, in one save."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.base import Actor, Record, optional_text
from domain.errors import CommandIdReused

RECEIPTS = uuid5(NAMESPACE_URL, "https://yishiting/command-receipts")


@dataclass(frozen=True)
class Command:
    """Who is asking, with their optional idempotency key and the version they last saw."""

    actor: Actor
    command_id: str | None = None
    expected_version: int | None = None
    correlation_id: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What a command changed. `position` is the log position of its last event; a repeated
    command id (`replayed`) is answered with the first answer's position (the position of the
    command's receipt, its last event), None only where the recorder cannot look it up."""

    id: UUID
    version: int
    position: int | None
    events: int = 0
    replayed: bool = False


GENERATED_FIELDS = ("id", "subject_id")
COMMAND_ID_LIMIT = 200


def check_command_id(command_id: str) -> None:
    """A client's idempotency key is stored with its receipt: bounded like any text."""
    optional_text(command_id, "commandId", "指令编号", COMMAND_ID_LIMIT)


def _canonical(value: object) -> object:
    """Values as the client gave them: identities the server generates are left out."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.asdict(value)
        return {k: v for k, v in fields.items() if k not in GENERATED_FIELDS}
    return str(value)


def fingerprint(use_case: str, arguments: object) -> str:
    canonical = json.dumps(
        [use_case, arguments], sort_keys=True, default=_canonical, ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


class CommandReceipt(Record):
    """Proof that a client's command id has been carried out, and what came of it."""

    @staticmethod
    def create_id(actor_id: str, command_id: str) -> UUID:
        return uuid5(RECEIPTS, f"{actor_id}\x00{command_id}")

    @event("CommandReceived")
    def __init__(
        self,
        actor_id: str,
        command_id: str,
        use_case: str,
        fingerprint: str,
        aggregate_id: UUID,
        aggregate_version: int,
    ) -> None:
        self.actor_id = actor_id
        self.command_id = command_id
        self.use_case = use_case
        self.fingerprint = fingerprint
        self.aggregate_id = aggregate_id
        self.aggregate_version = aggregate_version

    def replay(self, fingerprint: str, position: int | None) -> Outcome:
        """The first answer again, at `position`: the receipt's own place in the log."""
        if fingerprint != self.fingerprint:
            raise CommandIdReused(self.command_id)
        return Outcome(self.aggregate_id, self.aggregate_version, position, replayed=True)
