"""The application's machinery shared by every use case: load, execute once, save atomically."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Concatenate, ParamSpec, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, project_aggregate
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    Notification,
    Recording,
    StoredEvent,
)
from eventsourcing.utils import resolve_topic

from application.attachments.store import AttachmentStore
from application.calendar import WorkingCalendar, YearSchedule
from application.credentials import CredentialTable, MemoryCredentials
from application.group_commit import GroupCommit
from application.ledger.recorders import TaggedMemoryRecorder, TaggedSnapshots
from application.ledger.tags import EventKey
from application.memo import Memo
from application.permissions import (
    WRITES,
    OutOfReach,
    Reach,
    check_reach,
    check_role,
    declare_roles,
    hides_missing_objects,
)
from application.personal_data import KeysInTheAppend, Sealer, SubjectKeys
from application.receipts import (
    Command,
    CommandReceipt,
    Outcome,
    check_command_id,
    fingerprint,
)
from application.session_tables import MemorySessions, SessionTable
from application.settings import Settings
from application.storage import Database, bound_waits
from application.transcodings import register_domain_transcodings
from application.webhook_targets import TargetScreen
from domain.base import Actor, Clock, Record, clocked_by, wall_clock
from domain.errors import ConcurrentModification, NotFound, VersionMismatch
from domain.holidays import HolidaySchedule, schedule_id
from domain.reference import Platform
from domain.vocabulary import Role

P = ParamSpec("P")
R = TypeVar("R", bound=Record)
A = TypeVar("A", bound="Core")

SCOPED_RECORDS = frozenset({"Topic", "Consultation", "SupervisionItem", "Attachment"})
# How a sealed person names their data subject in a stored event's JSON (transcodings.py).
SUBJECT_IN_STATE = re.compile(rb'"subject_id":"([0-9a-f-]{32,36})"')
NAMES_ZH = {
    "Topic": "协商事项",
    "Consultation": "协商活动",
    "SupervisionItem": "督办事项",
    "Platform": "协商议事平台",
    "Committee": "专委会",
    "Unit": "交办单位",
    "Person": "人员",
    "Attachment": "附件",
    "HolidaySchedule": "节假日安排",
    "PointsScheme": "履职积分办法",
}


@dataclass(frozen=True)
class Adapters:
    """What the application works through, built by the composition root
    (interfaces/bootstrap.py) and handed in: the application builds none of them itself."""

    database: Database
    event_key: EventKey  # tags every append (application/ledger/tags.py)
    subject_keys: SubjectKeys
    persistence: Mapping[str, str]  # eventsourcing's environment: which recorder, where
    clock: Clock = wall_clock
    group_commit: bool = False
    # Where webhooks may be delivered; by default no private or loopback address at all.
    webhook_targets: TargetScreen = field(default_factory=TargetScreen)
    # Accounts' password hashes and failure counts (beside the log, never in it).
    credentials: CredentialTable = field(default_factory=MemoryCredentials)
    # Browser sessions and API tokens (beside the log: their rows are sealed with the event key).
    sessions: SessionTable = field(default_factory=MemorySessions)
    # Attached files, content-addressed (a temporary directory unless one is handed in).
    attachments: AttachmentStore = field(default_factory=AttachmentStore.temporary)


FOUND_LIMIT = 10_000  # records `require` remembers as found


class Core(Application[UUID]):
    name = "yishiting"

    def __init__(self, settings: Settings, adapters: Adapters) -> None:
        self.settings = settings
        self.database = adapters.database
        self.event_key = adapters.event_key
        self.subject_keys = adapters.subject_keys
        self.clock = adapters.clock
        self.session_table = adapters.sessions
        self.attachments = adapters.attachments
        super().__init__(env=dict(adapters.persistence))
        bound_waits(self.recorder)
        if hasattr(self.recorder, "event_key"):
            self.recorder.event_key = self.event_key
        # New subjects' keys are written by the append that first seals their data.
        self._keys_in_append = isinstance(self.recorder, KeysInTheAppend)
        if isinstance(self.recorder, KeysInTheAppend):
            self.recorder.subject_keys = self.subject_keys
        self.group = GroupCommit(self.save) if adapters.group_commit else None
        # Records found by `require`: a stored first event is never taken back, so once found
        # a record is there for good (a bound keeps the set small; past it, it starts again).
        self._found: Memo[tuple[type[Record], UUID], bool] = Memo(FOUND_LIMIT)
        self._committing = threading.local()  # what the running use case does once saved

    def construct_snapshot_store(self) -> Any:
        """Snapshots tagged when written and used only when their tag holds."""
        store = super().construct_snapshot_store()
        store.recorder = TaggedSnapshots(store.recorder, self.event_key)
        return store

    def construct_recorder(self) -> Any:
        if self.database.engine == "memory":
            return TaggedMemoryRecorder()  # eventsourcing's POPO factory takes no topic
        return super().construct_recorder()

    def tags_between(self, first: int, last: int) -> dict[int, str | None]:
        """Each event at a position in [first, last], with its stored authenticity tag (None
        where it has none)."""
        found: dict[int, str | None] = self.recorder.tags_between(first, last)  # type: ignore[attr-defined]
        return found

    def close(self) -> None:
        self.subject_keys.close()
        self.session_table.close()
        super().close()

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        if not self._keys_in_append:
            return super().save(*objs, **kwargs)
        with self.subject_keys.creating():
            return super().save(*objs, **kwargs)

    def prefetch_keys(self, stored: Sequence[StoredEvent]) -> None:
        """Before many stored events are decoded (a batch being projected): their subjects'
        keys in one query, not a query per subject as each proposer is opened."""
        subjects = {m.decode() for e in stored for m in SUBJECT_IN_STATE.findall(e.state)}
        if subjects:
            self.subject_keys.prefetch(subjects)

    def notifications_after(self, start: int, limit: int) -> Sequence[Notification]:
        """The log's next `limit` notifications after position `start`, in order: what a
        projector reads, batch after batch."""
        notifications: Sequence[Notification]
        if isinstance(self.recorder, KeysInTheAppend):
            notifications = self.recorder.notifications_after(start, limit)
        else:
            notifications = self.recorder.select_notifications(
                start, limit, inclusive_of_start=False
            )
        return notifications

    def tagged_notifications_after(
        self, start: int, limit: int
    ) -> tuple[Sequence[Notification], Mapping[int, str | None] | None]:
        """`notifications_after`, and each one's stored authenticity tag where the recorder
        reads them in the same statement (PostgreSQL); None where it does not."""
        if isinstance(self.recorder, KeysInTheAppend):
            notifications, tags = self.recorder.tagged_notifications_after(start, limit)
            return notifications, tags
        return self.notifications_after(start, limit), None

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_domain_transcodings(transcoder, Sealer(self.subject_keys))

    def load(self, cls: type[R], aggregate_id: UUID, command: Command | None = None) -> R:
        """The aggregate, refused as not found when it is missing or of another kind."""
        aggregate: object
        try:
            aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            aggregate = None
        if not isinstance(aggregate, cls):
            raise NotFound(NAMES_ZH.get(cls.__name__, cls.__name__), cls.__name__, aggregate_id)
        if command and command.expected_version not in (None, aggregate.version):
            raise VersionMismatch(aggregate.version, command.expected_version)
        return aggregate

    def require(self, cls: type[Record], aggregate_id: UUID) -> None:
        """Refuses as not found an aggregate that is missing or of another kind, like `load`,
        from its first event alone: no snapshot looked for, nothing reconstructed; and once
        found, from memory (the hot path of a proposal names its platform every time)."""
        if (cls, aggregate_id) in self._found:
            return
        first = next(iter(self.events.get(aggregate_id, limit=1)), None)
        topic = getattr(first, "originator_topic", None)
        kind = resolve_topic(topic) if isinstance(topic, str) else None
        if not (isinstance(kind, type) and issubclass(kind, cls)):
            raise NotFound(NAMES_ZH.get(cls.__name__, cls.__name__), cls.__name__, aggregate_id)
        self._found.keep((cls, aggregate_id), True)

    def found(self, cls: type[R], aggregate_id: UUID) -> R | None:
        """The record of this kind with this id, read from the log (no view to lag), or None
        when there is none."""
        found: object
        try:
            found = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, cls) else None

    def holiday_schedule(self, year: int) -> HolidaySchedule | None:
        """The year's schedule as entered."""
        return self.found(HolidaySchedule, schedule_id(year))

    def working_calendar(self) -> WorkingCalendar:
        """The official calendar with the entered schedules before the package's: one per
        command or read, so that every process answers from the same log."""
        return WorkingCalendar(self._entered_year)

    def _entered_year(self, year: int) -> YearSchedule | None:
        schedule = self.holiday_schedule(year)
        if schedule is None:
            return None
        return YearSchedule(
            frozenset(h.day for h in schedule.holidays), frozenset(schedule.working_days)
        )

    def authorize(self, command: Command, reach: Reach) -> None:
        """Refuses an actor whose scope does not reach the object."""
        check_reach(command.actor, reach)

    def guiding_committee(self, platform_id: UUID) -> UUID:
        return self.load(Platform, platform_id).committee_id

    def position(self) -> int:
        """The log's current last position."""
        return self.recorder.max_notification_id() or 0

    def once_saved(self, action: Callable[[], object]) -> None:
        """For the use case running in this thread: `action` once what it changed is saved,
        not if the save fails (nor if the command turns out to be a repeat)."""
        self._committing.actions.append(action)

    def execute(
        self,
        command: Command,
        use_case: str,
        arguments: object,
        change: Callable[[], Sequence[Record]],
        *,
        receipt_first: bool = False,
    ) -> Outcome:
        """Runs `change` and saves what it changed with the command's receipt. A repeated
        command id is told by its receipt, read only when it matters: when the use case
        refuses (the first run moved things on) or the append collides with the receipt
        already stored; then the first answer is given again. `receipt_first`: read before
        running, for a use case that acts outside the log, which must not run twice."""
        outer = getattr(self._committing, "actions", None)
        actions: list[Callable[[], object]] = []
        self._committing.actions = actions
        try:
            outcome = self._execute(command, use_case, arguments, change, receipt_first)
        finally:
            self._committing.actions = outer
        if not outcome.replayed:
            for action in actions:
                action()
        return outcome

    def _execute(
        self,
        command: Command,
        use_case: str,
        arguments: object,
        change: Callable[[], Sequence[Record]],
        receipt_first: bool,
    ) -> Outcome:
        receipt_id, print_ = None, ""
        if command.command_id:
            check_command_id(command.command_id)
            receipt_id = CommandReceipt.create_id(command.actor.id, command.command_id)
            print_ = fingerprint(use_case, arguments)
            earlier = self._receipt(receipt_id) if receipt_first else None
            if earlier is not None:
                return self._replayed(earlier, print_)
        try:
            with clocked_by(self.clock):  # the events and the receipt carry the application's time
                to_save = self._changed(command, use_case, print_, change)
        except Exception:
            earlier = self._receipt(receipt_id) if receipt_id and not receipt_first else None
            if earlier is not None:
                return self._replayed(earlier, print_)
            raise
        primary = to_save[0]
        try:
            recordings = self.group.save(*to_save) if self.group else self.save(*to_save)
        except IntegrityError:
            earlier = self._receipt(receipt_id) if receipt_id else None
            if earlier is not None:
                return self._replayed(earlier, print_)
            raise ConcurrentModification(self._current_version(primary.id)) from None
        position = max((r.notification.id for r in recordings), default=None)
        return Outcome(primary.id, primary.version, position, len(recordings))

    def _replayed(self, receipt: CommandReceipt, print_: str) -> Outcome:
        """The first answer again. The receipt is the last event its command appended, so its
        own log position is the position the first answer gave."""
        return receipt.replay(print_, self._position_of(receipt.id, receipt.version))

    def _position_of(self, aggregate_id: UUID, version: int) -> int | None:
        """The log position of one stored event; None where the recorder cannot say."""
        find = getattr(self.recorder, "position_of", None)
        return find(aggregate_id, version) if find is not None else None

    def _current_version(self, aggregate_id: UUID) -> int | None:
        """The version another writer left, for the conflict's answer; None if unreadable."""
        try:
            return int(self.repository.get(aggregate_id).version)
        except AggregateNotFoundError:
            return None

    def _changed(
        self,
        command: Command,
        use_case: str,
        print_: str,
        change: Callable[[], Sequence[Record]],
    ) -> list[Record]:
        """The use case's changed aggregates, primary first, and the command's receipt last."""
        changed = list(change())
        if command.correlation_id:
            _correlate(changed, command.correlation_id)
        if command.command_id:
            primary = changed[0]
            changed.append(
                CommandReceipt(
                    command.actor.id,
                    command.command_id,
                    use_case,
                    print_,
                    primary.id,
                    primary.version,
                )
            )
        return changed

    def _receipt(self, receipt_id: UUID | None) -> CommandReceipt | None:
        """The command's receipt, if the command was carried out. A receipt is one event and
        never snapshotted: it is read by its id alone, without a look for snapshots first."""
        if receipt_id is None:
            return None
        receipt = project_aggregate(None, self.events.get(receipt_id, limit=1))
        return receipt if isinstance(receipt, CommandReceipt) else None


def use_case(
    *roles: Role,
    acts_outside_the_log: bool = False,
) -> Callable[
    [Callable[Concatenate[A, Command, P], Sequence[Record]]],
    Callable[Concatenate[A, Command, P], Outcome],
]:
    """Declares who may run the use case it decorates (the declaration is the permission).
    `acts_outside_the_log`: the use case changes something besides the records it returns (a
    file, a table), so a repeated command id is looked for before it runs, not after."""
    if not roles or not all(isinstance(role, Role) for role in roles):
        raise TypeError("a use case declares the roles that may run it: @use_case(R.ADMIN, …)")

    def declared(
        method: Callable[Concatenate[A, Command, P], Sequence[Record]],
    ) -> Callable[Concatenate[A, Command, P], Outcome]:
        declare_roles(method.__name__, frozenset(roles))
        return _once_per_command(method, acts_outside_the_log)

    return declared


def check_may_run(actor: Actor, use_case: Callable[..., object]) -> None:
    """The role check of a declared use case, for an entry point that runs it (named by
    reference, so a renamed or undeclared use case fails here rather than refusing everyone)."""
    if use_case.__name__ not in WRITES:
        raise TypeError(f"{use_case.__name__} is not a declared use case (@use_case)")
    check_role(actor, use_case.__name__)


def _once_per_command(
    method: Callable[Concatenate[A, Command, P], Sequence[Record]],
    receipt_first: bool,
) -> Callable[Concatenate[A, Command, P], Outcome]:
    """Runs a use case once per command id: the changed aggregates (primary first) are saved
    together with the command's receipt, or not at all."""

    def run(app: A, command: Command, /, *args: P.args, **kwargs: P.kwargs) -> Outcome:
        check_role(command.actor, method.__name__)
        arguments: Any = {"args": list(args), "kwargs": kwargs}
        try:
            return app.execute(
                command,
                method.__name__,
                arguments,
                lambda: method(app, command, *args, **kwargs),
                receipt_first=receipt_first,
            )
        except NotFound as missing:
            if missing.record_type in SCOPED_RECORDS and hides_missing_objects(command.actor):
                raise OutOfReach(f"missing {missing.record_type}") from None
            raise

    run.__name__, run.__doc__ = method.__name__, method.__doc__
    return run


def _correlate(changed: Sequence[Record], correlation_id: str) -> None:
    """Stamps the request's correlation id into each new event's stored metadata, so that a log
    line and the events of the same request can be found together."""
    for record in changed:
        for event in record.pending_events:
            object.__setattr__(event, "correlation_id", correlation_id)
