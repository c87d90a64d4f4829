"""The ledger's tables, kept by the projector in log order: each stored event becomes a leaf
of the Merkle tree, in the same transaction as the ledger's position (exactly once).

Leaves are numbered across the whole ledger; each epoch (application/ledger/epochs.py) hashes
its own with its suite into a tree of its own: epoch 0's nodes in `ledger_nodes`, a later
epoch's in `ledger_epoch_nodes`. A ledger with no row in `ledger_epochs` is one international
epoch, as every ledger was before suites."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventsourcing.application import Application

from application.ledger import merkle
from application.ledger.entries import Entry
from application.ledger.epochs import FIRST, Epoch, epoch_of_leaf, epoch_of_size
from application.ledger.proofs import ConsistencyProof, InclusionProof
from application.ledger.signing import Checkpoint, PublicKey, PublicKeys, Signer
from application.ledger.snapshots import check_snapshots
from application.ledger.suites import INTERNATIONAL, Suite, suite_named
from application.ledger.tags import EventKey
from application.ledger.verify import UNTAGGED, Leaf, Report, TagCheck, verify
from domain.base import Clock, wall_clock
from projections.store import Tx, ViewStore
from projections.views.base import View, insert


class LedgerView(View):
    name = "ledger"
    feed = "stored"
    rebuildable = False
    tables = (
        "CREATE TABLE IF NOT EXISTS ledger_leaves (leaf_index INTEGER PRIMARY KEY,"
        " position INTEGER NOT NULL UNIQUE, leaf_hash TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS ledger_nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL,"
        " hash TEXT NOT NULL, PRIMARY KEY (level, idx))",
        "CREATE TABLE IF NOT EXISTS ledger_checkpoints (tree_size INTEGER PRIMARY KEY,"
        " root_hash TEXT NOT NULL, issued_at TEXT NOT NULL, origin TEXT NOT NULL,"
        " key_id TEXT NOT NULL, signature TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS ledger_epochs (epoch INTEGER PRIMARY KEY,"
        " suite TEXT NOT NULL, first_leaf INTEGER NOT NULL UNIQUE, previous_root TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS ledger_epoch_nodes (epoch INTEGER NOT NULL,"
        " level INTEGER NOT NULL, idx INTEGER NOT NULL, hash TEXT NOT NULL,"
        " PRIMARY KEY (epoch, level, idx))",
    )
    # The suite new leaves are hashed with (bootstrap sets it from YISHITING_CRYPTO_SUITE).
    suite: Suite = INTERNATIONAL

    def __init__(self, view: Any = None) -> None:
        super().__init__(view)
        self._size = 0
        self._epoch = FIRST
        self._nodes: dict[tuple[int, int], bytes] = {}

    def begin_batch(self, tx: Tx) -> None:
        self._size, epochs = ledger_state(tx)
        epoch = self._current(tx, epochs)
        if epoch != self._epoch:
            self._epoch, self._nodes = epoch, {}
        # Appending only ever reads the peaks: the roots of the complete subtrees left of the
        # next leaf. They are kept from batch to batch (a node never changes once written), so
        # appending reads nothing; after a start or another projector's batches they are read
        # here once, before the batch holds any row.
        size = self._size - epoch.first_leaf
        peaks = {
            (level, (size >> level) - 1)
            for level in range(size.bit_length())
            if (size >> level) & 1
        }
        self._nodes = {
            key: self._nodes.get(key) or node(tx, *key, epoch=epoch.number) for key in peaks
        }

    def _current(self, tx: Tx, epochs: list[Epoch]) -> Epoch:
        """The epoch new leaves go to: a new one begins where the configured suite is not the
        current epoch's (an epoch with no leaf yet just takes the suite)."""
        current = epochs[-1]
        if current.suite == self.suite:
            return current
        if current.first_leaf == self._size:
            started = Epoch(current.number, self.suite, current.first_leaf, current.previous_root)
            tx.execute("DELETE FROM ledger_epochs WHERE epoch = ?", (current.number,))
        else:
            closing = merkle.root(
                lambda lv, i: node(tx, lv, i, epoch=current.number),
                self._size - current.first_leaf,
                current.suite.tree,
            )
            started = Epoch(current.number + 1, self.suite, self._size, closing.hex())
        insert(
            tx,
            "ledger_epochs",
            {
                "epoch": started.number,
                "suite": started.suite.name,
                "first_leaf": started.first_leaf,
                "previous_root": started.previous_root,
            },
        )
        return started

    def apply(self, event: Any, tx: Tx) -> None:
        entry = Entry.of(event)
        index = self._size
        epoch = self._epoch
        leaf = entry.leaf(epoch.suite.tree)
        insert(
            tx,
            "ledger_leaves",
            {"leaf_index": index, "position": entry.position, "leaf_hash": leaf.hex()},
        )
        nodes = self._nodes
        table, keys = nodes_table(epoch.number)

        def put(level: int, idx: int, value: bytes) -> None:
            nodes[(level, idx)] = value
            insert(tx, table, {**keys, "level": level, "idx": idx, "hash": value.hex()})

        def get(level: int, idx: int) -> bytes:
            return nodes.get((level, idx)) or node(tx, level, idx, epoch=epoch.number)

        merkle.append_leaf(put, get, leaf, index - epoch.first_leaf, epoch.suite.tree)
        self._size += 1


class UnreadableLog(Exception):
    """A stored row the log's reader cannot read as an event at all (an originator that is no
    id, …): verification cannot go past it."""

    def __init__(self, after: int | None, error: Exception) -> None:
        where = f"日志位置 {after} 之后" if after is not None else "日志开头"
        where_en = f"after position {after}" if after is not None else "at the log's start"
        super().__init__(
            f"{where}有无法读取的记录(被改动?),核验无法继续"
            f" (a row {where_en} cannot be read as an event (altered?); verification stops"
            f" there): {type(error).__name__}"
        )


class StoredTags:
    """The events' stored authenticity tags, read a window of positions at a time (callers
    ask in log order)."""

    def __init__(
        self, app: Any, page: int = 1000, known: Mapping[int, str | None] | None = None
    ) -> None:
        self.app = app
        self.page = page
        self._window = (1, 0)
        self._tags: dict[int, str | None] = {}
        self.known = known or {}  # read with the events themselves (a feed's scan, a batch)

    def at(self, position: int) -> str | None:
        if position in self.known:
            return self.known[position]
        first, last = self._window
        if not first <= position <= last:
            # Only as far as the events read: what the log holds beyond them is yet to come.
            self._tags = self.app.tags_between(position, position + self.page - 1)
            self._window = (position, max(self._tags, default=position))
        return self._tags.get(position)


class SealedLeaves:
    """The ledger's leaf hashes by position, read a window at a time."""

    def __init__(self, store: ViewStore, page: int = 1000) -> None:
        self.store = store
        self.page = page
        self._window = (1, 0)
        self._leaves: dict[int, str] = {}

    def at(self, position: int) -> str | None:
        first, last = self._window
        if not first <= position <= last:
            self._window = (position, position + self.page - 1)
            # Asked from inside the projector's batch, whose transaction holds this thread's
            # connection: read on a thread (and so a connection) of its own.
            with ThreadPoolExecutor(1, thread_name_prefix="ledger-leaves") as reader:
                self._leaves = reader.submit(self._read, *self._window).result()
        return self._leaves.get(position)

    def _read(self, first: int, last: int) -> dict[int, str]:
        with self.store.reading() as tx:
            rows = tx.all(
                "SELECT position, leaf_hash FROM ledger_leaves WHERE position BETWEEN ? AND ?",
                (first, last),
            )
        return {int(r["position"]): str(r["leaf_hash"]) for r in rows}


class AuthenticEvents:
    """The projector's admission check (`Projector.admission`): an event whose authenticity
    tag is missing or wrong is set aside — neither applied to a view nor sealed into the
    ledger. An untagged event is admitted only where the ledger already sealed it, as it is
    (a log written before events were tagged: its checkpoints vouch for those events)."""

    def __init__(
        self, app: Any, store: ViewStore, tags: Mapping[int, str | None] | None = None
    ) -> None:
        self.key: EventKey = app.event_key
        self.tags = StoredTags(app, known=tags)
        self.sealed = SealedLeaves(store)

    def told(self, tags: Mapping[int, str | None]) -> None:
        """The tags of the batch about to be checked, read with its events."""
        self.tags.known = tags

    def __call__(self, notification: Any) -> str | None:
        n = notification
        refusal = self.key.refusal(
            self.tags.at(n.id), n.originator_id, n.originator_version, n.topic, n.state
        )
        if refusal is not None and refusal.startswith(UNTAGGED):
            sealed = self.sealed.at(n.id)
            return None if sealed == Entry.of(n).leaf().hex() else refusal
        return refusal


@dataclass(frozen=True)
class Looked:
    """What a look at whether a checkpoint is due found (and signed)."""

    checkpoint: Checkpoint | None
    unsigned: int  # leaves not under the latest checkpoint, after the look
    latest_issued_at: str | None  # None: no checkpoint yet, or a suite switch pending


class CheckpointTimer:
    """The `project` worker's question after every batch — is a checkpoint due? — answered
    from memory where it can: the ledger is read again only once the log positions applied
    since it last looked, with the leaves it then left unsigned, reach `every`, or the
    latest checkpoint is `seconds` old with something new. Positions bound the leaves added
    (an event set aside adds none), so it looks early at worst, never late; a checkpoint
    another process signed meanwhile only makes it look early too."""

    def __init__(self, ledger: Ledger, every: int, seconds: float) -> None:
        self.ledger = ledger
        self.every = every
        self.seconds = seconds
        self._last: tuple[int, Looked] | None = None

    def __call__(self, reached: int) -> Checkpoint | None:
        if self._last is not None and not self._may_be_due(reached, *self._last):
            return None
        looked = self.ledger.checkpoint_if_due(self.every, self.seconds)
        self._last = (reached, looked)
        return looked.checkpoint

    def _may_be_due(self, reached: int, position: int, looked: Looked) -> bool:
        grown = looked.unsigned + max(0, reached - position)
        if grown == 0:
            return False
        issued = looked.latest_issued_at
        return grown >= self.every or issued is None or self.ledger.age(issued) >= self.seconds


def ledger_size(tx: Tx) -> int:
    row = tx.one("SELECT COALESCE(MAX(leaf_index) + 1, 0) AS n FROM ledger_leaves")
    return int(row["n"]) if row else 0


def nodes_table(epoch: int) -> tuple[str, dict[str, int]]:
    """Where an epoch's nodes are kept, and the key columns beyond (level, idx)."""
    return ("ledger_nodes", {}) if epoch == 0 else ("ledger_epoch_nodes", {"epoch": epoch})


def node(tx: Tx, level: int, idx: int, *, epoch: int = 0) -> bytes:
    if epoch == 0:
        row = tx.one("SELECT hash FROM ledger_nodes WHERE level = ? AND idx = ?", (level, idx))
    else:
        row = tx.one(
            "SELECT hash FROM ledger_epoch_nodes WHERE epoch = ? AND level = ? AND idx = ?",
            (epoch, level, idx),
        )
    if row is None:
        raise LookupError(f"ledger node ({level}, {idx}) of epoch {epoch} is missing")
    return bytes.fromhex(row["hash"])


def read_epochs(tx: Tx) -> list[Epoch]:
    return _epochs(tx.all("SELECT * FROM ledger_epochs ORDER BY epoch"))


def ledger_state(tx: Tx) -> tuple[int, list[Epoch]]:
    """The ledger's size and its epochs, in one statement (a batch begins with both)."""
    rows = tx.all(
        "SELECT s.n, e.epoch, e.suite, e.first_leaf, e.previous_root"
        " FROM (SELECT COALESCE(MAX(leaf_index) + 1, 0) AS n FROM ledger_leaves) s"
        " LEFT JOIN ledger_epochs e ON 1 = 1 ORDER BY e.epoch"
    )
    return int(rows[0]["n"]), _epochs([row for row in rows if row["epoch"] is not None])


def _epochs(rows: list[dict[str, Any]]) -> list[Epoch]:
    epochs = [
        Epoch(int(r["epoch"]), suite_named(r["suite"]), int(r["first_leaf"]), r["previous_root"])
        for r in rows
    ]
    return epochs if epochs and epochs[0].number == 0 else [FIRST, *epochs]


class Ledger:
    """Reads the ledger, issues checkpoints and proofs, verifies the log against it."""

    def __init__(
        self,
        store: ViewStore,
        app: Application[Any],
        signer: Signer | None = None,
        *,
        clock: Clock = wall_clock,
        keys: Sequence[PublicKey] = (),
    ) -> None:
        self.store = store
        self.app = app
        self.signer = signer
        self.keys = list(keys)  # earlier epochs' public keys, where this deployment has them
        self.clock = clock  # when a checkpoint is signed, and how old the latest one is

    def entries(self, page: int = 1000, start: int | None = None) -> Iterator[Entry]:
        """Every stored event, raw, in log order — from the table's very first row: a row
        forged at position 0 or below is still read by the repository, so it must be seen.
        A page holding a row that is no event is read again one row at a time, so that the
        error names the last position read."""
        while True:
            try:
                notifications = self._page(start, page)
                entries = [Entry.of(n) for n in notifications]
            except (TypeError, ValueError, UnicodeError) as error:  # a row that is no event
                if page == 1:
                    raise UnreadableLog(start, error) from error
                yield from self.entries(1, start)
                return
            if not entries:
                return
            yield from entries
            start = entries[-1].position

    def _page(self, start: int | None, page: int) -> Sequence[Any]:
        return self.app.recorder.select_notifications(
            start=start, limit=page, inclusive_of_start=False
        )

    def verify(self, public: PublicKeys | None, kept: Sequence[Checkpoint] = ()) -> Report:
        """Recomputes the tree from the raw events, epoch by epoch; checks each event's tag,
        the stored and kept checkpoints, and every snapshot against its events. Reads only."""
        report = verify(
            self.entries(),
            self.leaves(),
            [*self.checkpoints(), *kept],
            public,
            tag_check=self._tag_check(),
            sealed_up_to=self.projected_to(),
            epochs=self.epochs(),
        )
        check_snapshots(self.app, report)
        return report

    def _tag_check(self) -> TagCheck | None:
        key: EventKey | None = getattr(self.app, "event_key", None)
        if key is None:
            return None
        tags = StoredTags(self.app)
        return lambda entry: key.refusal(
            tags.at(entry.position),
            entry.originator_id,
            entry.originator_version,
            entry.topic,
            entry.state,
        )

    def projected_to(self) -> int:
        """The furthest log position the projector has applied to any view: every event up
        to it has been offered to the ledger."""
        with self.store.reading() as tx:
            row = tx.one("SELECT COALESCE(MAX(position), 0) AS p FROM projection_tracking")
        return int(row["p"]) if row else 0

    def public_keys(self) -> list[PublicKey]:
        """Every public key this deployment knows: its signer's and earlier epochs'."""
        return [*([self.signer.public] if self.signer else []), *self.keys]

    def epochs(self) -> list[Epoch]:
        with self.store.reading() as tx:
            return read_epochs(tx)

    def prove(self, position: int, tree_size: int | None = None) -> InclusionProof:
        """In the tree of the event's epoch: by default, its latest checkpoint there."""
        leaf = self.leaf_at(position)
        if leaf is None:
            raise LookupError(
                f"日志位置 {position} 尚未记账 (position {position} not in the ledger)"
            )
        epochs = self.epochs()
        epoch = epoch_of_leaf(epochs, leaf.index)
        size = tree_size or self._latest_size(epoch)
        if leaf.index >= size:
            raise LookupError(f"检查点不含该事件 (the tree of {size} does not include it)")
        if epoch_of_size(epochs, size) != epoch:
            raise LookupError(
                f"该事件属于更早的纪元 {epoch.number},请对照该纪元的检查点 (the event is in"
                f" epoch {epoch.number}: prove it against a checkpoint of that epoch)"
            )
        found = self.app.recorder.select_notifications(start=position, limit=1)
        if not found or found[0].id != position:
            raise LookupError(f"日志中没有位置 {position} 的事件 (no event at {position})")
        path = self.inclusion_proof(leaf.index - epoch.first_leaf, size - epoch.first_leaf, epoch)
        return InclusionProof.of(Entry.of(found[0]), leaf.index, size, path, epoch.suite.name)

    def prove_consistency(self, old_size: int, new_size: int) -> ConsistencyProof:
        epochs = self.epochs()
        epoch = epoch_of_size(epochs, new_size)
        if epoch_of_size(epochs, old_size) != epoch:
            raise ValueError(
                "两个规模属于不同纪元 (the sizes are in different epochs: the new epoch's"
                " checkpoints name the old epoch's last root instead)"
            )
        first = epoch.first_leaf
        path = self.consistency_proof(old_size - first, new_size - first, epoch)
        return ConsistencyProof(old_size, new_size, [p.hex() for p in path], epoch.suite.name)

    def _latest_size(self, epoch: Epoch) -> int:
        """The latest checkpoint of `epoch`, else (none signed yet) the tree as it is."""
        epochs = self.epochs()
        sizes = [c.tree_size for c in self.checkpoints() if c.epoch == epoch.number]
        later = [e.first_leaf for e in epochs if e.first_leaf > epoch.first_leaf]
        return max(sizes, default=min(later, default=self.size()))

    def size(self) -> int:
        with self.store.reading() as tx:
            return ledger_size(tx)

    def issue_checkpoint(self) -> Checkpoint:
        """Signs the tree as it is now (or returns the latest, if the tree has not grown)."""
        if self.signer is None:
            raise RuntimeError("账本签名密钥未配置 (no ledger signing key configured)")
        with self.store.transaction() as tx:
            size = ledger_size(tx)
            epochs = read_epochs(tx)
            latest = _latest(tx, epochs)
            if latest is not None and latest.tree_size == size:
                return latest
            epoch = epoch_of_size(epochs, size)
            if epoch.suite != self.signer.suite:
                raise RuntimeError(
                    f"账本当前纪元的密码套件为 {epoch.suite.name},签名密钥为"
                    f" {self.signer.suite.name};新纪元自下一个事件开始 (the ledger's epoch is"
                    f" {epoch.suite.name}, the key {self.signer.suite.name}: the new epoch"
                    " begins with the next event)"
                )
            root = merkle.root(
                lambda level, idx: node(tx, level, idx, epoch=epoch.number),
                size - epoch.first_leaf,
                epoch.suite.tree,
            )
            checkpoint = self.signer.sign(
                size,
                root,
                self.clock().isoformat(),
                epoch=epoch.number,
                first_leaf=epoch.first_leaf,
                previous_root=epoch.previous_root,
            )
            inserted = tx.execute(
                "INSERT INTO ledger_checkpoints VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (tree_size) DO NOTHING",
                (
                    checkpoint.tree_size,
                    checkpoint.root_hash,
                    checkpoint.issued_at,
                    checkpoint.origin,
                    checkpoint.key_id,
                    checkpoint.signature,
                ),
            )
            if not inserted:
                # Another issuer (the projector's timer, the API, the CLI) signed this size
                # first: theirs stands.
                row = tx.one("SELECT * FROM ledger_checkpoints WHERE tree_size = ?", (size,))
                return _checkpoint(row, epochs) if row else checkpoint
        return checkpoint

    def maybe_checkpoint(self, every: int, seconds: float) -> Checkpoint | None:
        """Signs a checkpoint when enough events or enough time have passed since the last."""
        return self.checkpoint_if_due(every, seconds).checkpoint

    def checkpoint_if_due(self, every: int, seconds: float) -> Looked:
        """`maybe_checkpoint`, and what it saw: the leaves left unsigned, and when the latest
        checkpoint was issued (None: there is none, or the epoch's suite is switching)."""
        if self.signer is None:
            return Looked(None, 0, None)
        with self.store.reading() as tx:  # one snapshot for the reads, not one each
            size, epochs = ledger_state(tx)
            latest = _latest(tx, epochs)
        unsigned = size - (latest.tree_size if latest else 0)
        if epoch_of_size(epochs, size).suite != self.signer.suite:
            return Looked(None, unsigned, None)  # switched: the new epoch's first leaf is to come
        if unsigned == 0:
            return Looked(None, 0, latest.issued_at if latest else None)
        if latest is None or unsigned >= every or self.age(latest.issued_at) >= seconds:
            issued = self.issue_checkpoint()
            return Looked(issued, size - issued.tree_size, issued.issued_at)
        return Looked(None, unsigned, latest.issued_at)

    def age(self, issued_at: str) -> float:
        """Seconds since a checkpoint was issued, by the ledger's clock."""
        return (self.clock() - datetime.fromisoformat(issued_at)).total_seconds()

    def latest_checkpoint(self) -> Checkpoint | None:
        with self.store.reading() as tx:
            return _latest(tx, read_epochs(tx))

    def checkpoints(self) -> list[Checkpoint]:
        with self.store.reading() as tx:
            rows = tx.all("SELECT * FROM ledger_checkpoints ORDER BY tree_size")
            epochs = read_epochs(tx)
        return [_checkpoint(r, epochs) for r in rows]

    def leaf_at(self, position: int) -> Leaf | None:
        with self.store.reading() as tx:
            row = tx.one("SELECT * FROM ledger_leaves WHERE position = ?", (position,))
        return (
            Leaf(row["leaf_index"], row["position"], bytes.fromhex(row["leaf_hash"]))
            if (row)
            else None
        )

    def leaves(self, page: int = 5000) -> Iterator[Leaf]:
        start = 0
        while True:
            with self.store.reading() as tx:
                rows = tx.all(
                    "SELECT * FROM ledger_leaves WHERE leaf_index >= ? ORDER BY leaf_index LIMIT ?",
                    (start, page),
                )
            yield from (
                Leaf(r["leaf_index"], r["position"], bytes.fromhex(r["leaf_hash"])) for r in rows
            )
            if len(rows) < page:
                return
            start = rows[-1]["leaf_index"] + 1

    def inclusion_proof(self, leaf_index: int, tree_size: int, epoch: Epoch = FIRST) -> list[bytes]:
        """In `epoch`'s own tree: indices and sizes counted from its first leaf."""
        with self.store.reading() as tx:
            return merkle.inclusion_proof(
                lambda lv, i: node(tx, lv, i, epoch=epoch.number),
                leaf_index,
                tree_size,
                epoch.suite.tree,
            )

    def consistency_proof(self, old_size: int, new_size: int, epoch: Epoch = FIRST) -> list[bytes]:
        with self.store.reading() as tx:
            return merkle.consistency_proof(
                lambda lv, i: node(tx, lv, i, epoch=epoch.number),
                old_size,
                new_size,
                epoch.suite.tree,
            )

    def root(self, size: int, epoch: Epoch = FIRST) -> bytes:
        with self.store.reading() as tx:
            return merkle.root(
                lambda lv, i: node(tx, lv, i, epoch=epoch.number), size, epoch.suite.tree
            )


def _latest(tx: Tx, epochs: list[Epoch]) -> Checkpoint | None:
    row = tx.one("SELECT * FROM ledger_checkpoints ORDER BY tree_size DESC LIMIT 1")
    return _checkpoint(row, epochs) if row else None


def _checkpoint(row: dict[str, Any], epochs: list[Epoch]) -> Checkpoint:
    """A stored checkpoint, with what its epoch adds to what it signed (rows keep only the
    columns checkpoints have always had)."""
    size = int(row["tree_size"])
    epoch = epoch_of_size(epochs, size)
    return Checkpoint(
        row["origin"],
        size,
        row["root_hash"],
        row["issued_at"],
        row["key_id"],
        row["signature"],
        epoch.suite.name,
        epoch.number,
        epoch.first_leaf,
        epoch.previous_root,
    )
