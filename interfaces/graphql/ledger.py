"""The ledger over GraphQL, for the discipline office: checkpoints, proofs, verification."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from application.ledger.signing import Checkpoint as SignedCheckpoint
from application.ledger.signing import public_pem
from domain import vocabulary as v
from interfaces.edge.blocking import blocking
from interfaces.edge.errors import UserError
from interfaces.graphql.audit import reads_whole_record
from interfaces.graphql.types import ctx

READERS = (v.Role.AUDITOR, v.Role.ADMIN, v.Role.LEADER)
SIGNERS = (v.Role.AUDITOR, v.Role.ADMIN)


@strawberry.type(description="签名检查点 A signed checkpoint: tree size, root hash, time")
class Checkpoint:
    origin: str
    tree_size: int
    root_hash: str
    issued_at: str = strawberry.field(
        description="签发时间,即签名所覆盖的原文 When it was issued (ISO 8601, UTC), as signed: "
        "text, since the signature covers exactly this text"
    )
    key_id: str
    signature: str
    suite: str = strawberry.field(
        description="密码套件 international (SHA-256, Ed25519) or gm (SM3, SM2)"
    )
    epoch: int = strawberry.field(
        description="账本纪元 the ledger epoch (a new one at each suite switch)"
    )
    first_leaf: int = strawberry.field(description="本纪元首个叶子 the epoch's first leaf")
    previous_root: str = strawberry.field(
        description="上一纪元最后的根 the previous epoch's last root (empty in epoch 0)"
    )

    @classmethod
    def of(cls, checkpoint: SignedCheckpoint) -> Checkpoint:
        return cls(
            origin=checkpoint.origin,
            tree_size=checkpoint.tree_size,
            root_hash=checkpoint.root_hash,
            issued_at=checkpoint.issued_at,
            key_id=checkpoint.key_id,
            signature=checkpoint.signature,
            suite=checkpoint.suite,
            epoch=checkpoint.epoch,
            first_leaf=checkpoint.first_leaf,
            previous_root=checkpoint.previous_root,
        )


@strawberry.type(description="包含证明 An event's inclusion proof (RFC 6962 audit path)")
class InclusionProof:
    position: int
    leaf_index: int
    tree_size: int
    path: list[str]
    json: str = strawberry.field(description="可交给 `yishiting ledger verify-proof` 的 JSON")


@strawberry.type(description="账本核验结果 Result of recomputing the ledger from the raw log")
class Verification:
    ok: bool
    events_checked: int
    checkpoints_checked: int
    pending: int
    divergence: str | None


@strawberry.type(description="防篡改账本 The tamper-evident ledger")
class Ledger:
    @strawberry.field
    async def size(self, info: Info) -> int:
        return await blocking(ctx(info).system.ledger.size)

    @strawberry.field
    async def latest_checkpoint(self, info: Info) -> Checkpoint | None:
        latest = await blocking(ctx(info).system.ledger.latest_checkpoint)
        return Checkpoint.of(latest) if latest else None

    @strawberry.field
    async def checkpoints(self, info: Info) -> list[Checkpoint]:
        return [Checkpoint.of(c) for c in await blocking(ctx(info).system.ledger.checkpoints)]

    @strawberry.field(description="账本公钥 PEM The public key checking checkpoints")
    def public_key(self, info: Info) -> str | None:
        signer = ctx(info).system.ledger.signer
        return public_pem(signer.public) if signer else None

    @strawberry.field(description="某日志位置的事件的包含证明")
    async def proof(
        self, info: Info, position: int, tree_size: int | None = None
    ) -> InclusionProof | None:
        try:
            proof = await blocking(ctx(info).system.ledger.prove, position, tree_size)
        except LookupError:
            return None
        # The proof carries the event's stored state: the same reach as reading the record
        # (a restricted matter's event, a webhook's, answer as a position with no event).
        kind = proof.topic.split(":", 1)[-1].split(".", 1)[0]
        if not await reads_whole_record(info, kind, proof.originator_id):
            return None
        return InclusionProof(
            position=proof.position,
            leaf_index=proof.leaf_index,
            tree_size=proof.tree_size,
            path=proof.path,
            json=proof.to_json(),
        )

    @strawberry.field(description="两规模间的一致性证明 (JSON)")
    async def consistency(self, info: Info, old_size: int, new_size: int) -> str:
        try:
            proof = await blocking(ctx(info).system.ledger.prove_consistency, old_size, new_size)
        except (ValueError, LookupError) as error:  # LookupError: a size beyond the ledger
            raise UserError(
                f"无法给出一致性证明 ({error})", "BAD_USER_INPUT", "INVALID_TREE_SIZE"
            ) from None
        return proof.to_json()

    @strawberry.field(description="从原始事件重算并核验 Recompute from the raw events and verify")
    async def verification(self, info: Info) -> Verification:
        ledger = ctx(info).system.ledger
        public = ledger.signer.public if ledger.signer else None
        report = await blocking(ledger.verify, public)
        return Verification(
            ok=report.ok,
            events_checked=report.events_checked,
            checkpoints_checked=report.checkpoints_checked,
            pending=report.pending,
            divergence=str(report.divergence) if report.divergence else None,
        )


def ledger(info: Info) -> Ledger:
    _require(info, READERS, "查看账本 read the ledger")
    return Ledger()


async def issue_checkpoint(info: Info) -> Checkpoint:
    _require(info, SIGNERS, "签发检查点 issue a checkpoint")
    system = ctx(info).system
    await blocking(system.projector.wait_for, await blocking(system.app.position))
    return Checkpoint.of(await blocking(system.ledger.issue_checkpoint))


def _require(info: Info, roles: tuple[v.Role, ...], what: str) -> None:
    actor = ctx(info).actor
    if actor.role not in roles:
        raise UserError(f"“{actor.role.label}”无权{what}", "FORBIDDEN", "NOT_PERMITTED")
