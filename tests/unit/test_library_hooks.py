"""What yishiting relies on inside its libraries, pinned: each test names one hook (a private
name used or a library method overridden) and fails when an upgrade changes what the hook
relies on. docs/ARCHITECTURE.md lists them with the module that holds each."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from dataclasses import fields
from uuid import uuid4

import graphql
import pytest
import strawberry
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import JSONTranscoder, Notification, StoredEvent
from eventsourcing.popo import POPOAggregateRecorder, POPOApplicationRecorder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.projection import Projection
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteDatastore
from graphql.execution.executor import Executor
from graphql.validation import NoSchemaIntrospectionCustomRule
from psycopg_pool import ConnectionPool
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)

from application.fences.eventsourcing_internals import (
    AGGREGATE_BOOKKEEPING,
    EveryEventProjection,
    MemoryAppend,
    SQLiteAppend,
    bound_pool_wait,
    memory_snapshots,
    notifications_from_rows,
    record_state,
)
from interfaces.fences.graphql_core_internals import GRAPHQL_REFUSALS, SUGGESTION
from interfaces.fences.strawberry_internals import graphql_core_info
from projections.views.base import View


def parameters(function: object) -> list[str]:
    return list(inspect.signature(function).parameters)  # type: ignore[arg-type]


def test_eventsourcing_recorders_append_through_insert_events() -> None:
    """The fence's PostgresAppend, SQLiteAppend and MemoryAppend (application/fences/
    eventsourcing_internals.py) add rows (tags, keys) in the append's own transaction by
    overriding `_insert_events(cursor, stored_events, **kwargs)` (SQL) and
    `_update_table(stored_events, **kwargs)` (memory, under its lock)."""
    assert parameters(SQLiteApplicationRecorder._insert_events)[:3] == [
        "self",
        "c",
        "stored_events",
    ]
    assert parameters(PostgresApplicationRecorder._insert_events)[:3] == [
        "self",
        "curs",
        "stored_events",
    ]
    for recorder in (SQLiteApplicationRecorder, PostgresApplicationRecorder):
        source = inspect.getsource(recorder.insert_events)
        assert "_insert_events(" in source, f"{recorder.__name__}.insert_events no longer calls it"
    assert parameters(POPOApplicationRecorder._update_table)[:2] == ["self", "stored_events"]
    source = inspect.getsource(POPOApplicationRecorder._insert_events)
    assert source.index("self._database_lock") < source.index("self._update_table(")


def test_the_fences_recorders_call_their_named_moments_with_the_events() -> None:
    """SQLite and memory: `after_events` is given the append's events, in its transaction
    (SQLite: the row it writes there is committed with them)."""
    seen: list[object] = []

    class Memory(MemoryAppend):
        def after_events(self, stored_events: Sequence[StoredEvent]) -> None:
            seen.append(("memory", [s.originator_version for s in stored_events]))

    class SQLite(SQLiteAppend):
        def after_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent]) -> None:
            c.execute("CREATE TABLE IF NOT EXISTS beside (n INTEGER)")
            c.execute("INSERT INTO beside VALUES (?)", (len(stored_events),))

    event = StoredEvent(originator_id=uuid4(), originator_version=1, topic=TOPIC, state=b"{}")
    Memory().insert_events([event])
    assert seen == [("memory", [1])]
    sqlite = SQLite(SQLiteDatastore(":memory:"))
    sqlite.create_table()
    sqlite.insert_events([event])
    with sqlite.datastore.transaction(commit=False) as c:
        c.execute("SELECT n FROM beside")
        assert [row["n"] for row in c.fetchall()] == [1]


def test_a_notification_is_a_frozen_dataclass_of_five_fields() -> None:
    """application/personal_data.py builds notifications with object.__new__ and fills their
    __dict__: that needs a plain (non-slotted) dataclass with exactly these fields."""
    assert [f.name for f in fields(Notification)] == [
        "originator_id",
        "originator_version",
        "topic",
        "state",
        "id",
    ]
    made = object.__new__(Notification)
    made.__dict__.update(originator_id=uuid4(), originator_version=1, topic="t", state=b"", id=7)
    assert made.id == 7
    assert not hasattr(Notification, "__slots__")


def test_the_json_transcoder_decodes_an_unknown_wrapper_through_decode_obj() -> None:
    """application/transcodings.py sends what it cannot decode to `_decode_obj(dict)`."""
    assert parameters(JSONTranscoder._decode_obj) == ["self", "d"]


def test_a_psycopg_pool_takes_its_wait_from_the_timeout_attribute() -> None:
    """application/storage.py (bound_waits) shortens the recorder pool's wait by setting
    `pool.timeout` after eventsourcing made the pool."""
    pool = ConnectionPool("dbname=never", open=False, timeout=30.0)
    assert pool.timeout == 30.0
    pool.timeout = 1.5
    assert "timeout" in inspect.getsource(ConnectionPool.getconn)


def test_a_projection_declares_its_topics_as_a_class_attribute() -> None:
    """The fence's EveryEventProjection (the views' base) leaves `topics` empty (every event)
    on each subclass: the library reads it as a class attribute."""
    assert Projection.topics == ()

    class Some(EveryEventProjection):
        topics = ("domain.topic:Topic.TopicProposed",)

    assert Some.topics == ()
    assert issubclass(View, EveryEventProjection)


def test_strawberry_executes_through_graphql_cores_execution_context() -> None:
    """interfaces/fences/strawberry_internals.py subclasses strawberry's execution context and
    overrides graphql-core's `execute_fields` and `execute_field`, passing their arguments on."""
    assert issubclass(StrawberryGraphQLCoreExecutionContext, Executor)
    assert parameters(Executor.execute_fields)[:5] == [
        "self",
        "parent_type",
        "source_value",
        "path",
        "grouped_field_set",
    ]
    assert parameters(Executor.execute_field)[:5] == [
        "self",
        "parent_type",
        "source",
        "field_details_list",
        "path",
    ]


def test_graphql_cores_suggestion_sentence_is_the_one_removed_in_production() -> None:
    """interfaces/edge/errors.py strips graphql-core's English "Did you mean …?" from
    validation messages in production (it would list the schema's names)."""
    schema = graphql.build_schema("type Query { topics: Int }")
    [error] = graphql.validate(schema, graphql.parse("{ topic }"))
    assert SUGGESTION.search(error.message), error.message
    assert SUGGESTION.sub("", error.message) == "Cannot query field 'topic' on type 'Query'."


def test_postgres_appends_events_and_their_tags_in_one_transaction() -> None:
    """application/personal_data.py (KeysInTheAppend) writes new subjects' keys in
    `_insert_events` and the events' tags in `_fetch_ids_after_insert_events`: both must run
    inside the append's transaction, which they do only without the database functions
    (asserted there), and the tags only after the pipeline's sync that reports a conflict."""
    source = inspect.getsource(PostgresApplicationRecorder.insert_events)
    assert "conn.transaction()" in source
    assert "enable_db_functions" in source
    order = [
        "conn.transaction()",
        "self._insert_events(",
        "self._insert_stored_events(",
        "pipeline.sync()",
        "self._fetch_ids_after_insert_events(",
    ]
    places = [source.index(name) for name in order]
    assert places == sorted(places), order
    assert parameters(PostgresApplicationRecorder._fetch_ids_after_insert_events)[:3] == [
        "self",
        "curs",
        "stored_events",
    ]


TOPIC = "domain.topic:Topic.X"


def test_the_fence_makes_the_notification_the_library_would() -> None:
    originator = uuid4()
    [made] = notifications_from_rows([(7, originator, 3, TOPIC, memoryview(b"{}"))])
    assert made == Notification(
        id=7,
        originator_id=originator,
        originator_version=3,
        topic=TOPIC,
        state=b"{}",
    )


def test_the_fence_bounds_the_recorders_pool_wait() -> None:
    class Datastore:
        pool = ConnectionPool("dbname=never", open=False, timeout=30.0)

    class Recorder:
        datastore = Datastore()

    bound_pool_wait(Recorder(), 1.5)
    assert Datastore.pool.timeout == 1.5
    bound_pool_wait(object(), 1.5)  # a recorder without a pool (SQLite, memory) is left alone


@strawberry.type
class _Query:
    @strawberry.field
    def topic(self, id: int) -> _Query | None:
        return None

    @strawberry.field
    def title(self) -> str:
        return ""


def _refusal_of(message: str) -> str:
    """The reason explain() gives: the first marker of the table found in the message."""
    return next((r for marker, _c, r, _zh in GRAPHQL_REFUSALS if marker in message), "none")


def test_graphql_cores_and_strawberrys_refusals_are_still_worded_as_matched() -> None:
    """interfaces/edge/errors.py gives GraphQL's own refusals a code by their English wording
    (interfaces/fences/graphql_core_internals.py): each made here the libraries' way."""
    schema = strawberry.Schema(
        query=_Query,
        extensions=[
            lambda: QueryDepthLimiter(max_depth=2),
            lambda: MaxAliasesLimiter(max_alias_count=2),
        ],
    )
    made = {
        "{ topic(id: 1) { title }": "SYNTAX_ERROR",
        "{ topic(id: 1) { topic(id: 2) { topic(id: 3) { title } } } }": "QUERY_TOO_DEEP",
        "{ a: title b: title c: title }": "TOO_MANY_ALIASES",
        "query($id: Int!) { topic(id: $id) { title } }": "INVALID_VARIABLES",
    }
    for document, reason in made.items():
        result = schema.execute_sync(document, variable_values={})
        assert result.errors, document
        assert _refusal_of(result.errors[0].message) == reason, result.errors[0].message
    invalid = schema.execute_sync(
        "query($id: Int!) { topic(id: $id) { title } }", variable_values={"id": "x"}
    )
    assert invalid.errors
    assert _refusal_of(invalid.errors[0].message) == "INVALID_VALUE"
    core = graphql.build_schema("type Query { topic(id: Int!): Int }")
    too_long = _parse_error("{ topic(id: 1) }" * 5, max_tokens=10)
    assert _refusal_of(too_long) == "QUERY_TOO_LONG", too_long
    [introspection, *_] = graphql.validate(
        core, graphql.parse("{ __schema { types { name } } }"), [NoSchemaIntrospectionCustomRule]
    )
    assert _refusal_of(introspection.message) == "INTROSPECTION_DISABLED"
    _an_input_object_of_the_wrong_shape_is_one_refusal()


def _an_input_object_of_the_wrong_shape_is_one_refusal() -> None:
    """An unknown field, or a required one left out: INVALID_VALUE written inline (validation)
    and sent as a variable (coercion) alike."""
    core = graphql.build_schema("input In { a: Int! } type Query { f(i: In): Int }")
    for inline in ("{ f(i: {a: 1, b: 2}) }", "{ f(i: {}) }"):
        [error] = graphql.validate(core, graphql.parse(inline))
        assert _refusal_of(error.message) == "INVALID_VALUE", error.message
    for value in ({"a": 1, "b": 2}, {}):
        result = graphql.graphql_sync(
            core, "query($i: In) { f(i: $i) }", variable_values={"i": value}
        )
        assert result.errors
        assert _refusal_of(result.errors[0].message) == "INVALID_VALUE", result.errors[0].message


def _parse_error(document: str, max_tokens: int) -> str:
    with pytest.raises(graphql.GraphQLError) as refused:
        graphql.parse(document, max_tokens=max_tokens)
    return refused.value.message


def test_the_in_memory_recorders_keep_their_events_in_a_list_in_order() -> None:
    """MemoryAppend.stored_between, MemoryAppend.position_of and memory_snapshots read the POPO
    recorders' `_stored_events` (no public listing): a list, in the order appended, indexed by
    originator and version in `_stored_events_index`."""
    first, second = (
        StoredEvent(originator_id=uuid4(), originator_version=1, topic=TOPIC, state=b"{}")
        for _ in range(2)
    )
    memory = MemoryAppend()
    memory.insert_events([first])
    memory.insert_events([second])
    assert memory.stored_between(0, 9) == [(1, first), (2, second)]
    assert memory.stored_between(2, 2) == [(2, second)]
    assert memory.position_of(second.originator_id, 1) == 2
    assert memory.position_of(second.originator_id, 2) is None
    snapshots = POPOAggregateRecorder()
    snapshots.insert_events([first, second])
    assert memory_snapshots(snapshots) == [first, second]


def test_an_aggregates_only_bookkeeping_is_its_pending_events() -> None:
    """record_state (snapshot checks, the audit's state view) leaves out what eventsourcing
    keeps on an aggregate besides its state; anything else private would show up here."""

    class Thing(Aggregate):
        def __init__(self, name: str) -> None:
            self.name = name

    thing = Thing(name="议事厅")
    library_own = {k for k in vars(thing) if k.startswith("_") and not k.startswith("_id")}
    library_own -= {"_version", "_created_on", "_modified_on"}
    assert library_own == AGGREGATE_BOOKKEEPING
    assert "_pending_events" not in record_state(thing)
    assert record_state(thing)["name"] == "议事厅"


def test_strawberrys_info_carries_graphql_cores_as_raw_info() -> None:
    """interfaces/graphql/reads.py walks the selection through graphql_core_info(info)."""
    seen: list[object] = []

    @strawberry.type
    class Query:
        @strawberry.field
        def title(self, info: strawberry.Info) -> str:
            seen.append(graphql_core_info(info))
            return ""

    assert strawberry.Schema(query=Query).execute_sync("{ title }").errors is None
    [raw] = seen
    assert [node.name.value for node in raw.field_nodes] == ["title"]  # type: ignore[attr-defined]
    assert raw.fragments == {}  # type: ignore[attr-defined]


def test_gmssl_gives_sm2_points_and_signs_a_digest_with_the_nonce_given() -> None:
    """application/fences/gmssl_internals.py: CryptSM2._kg for d·G, sign(e, k) and verify
    over a digest, the point set after construction."""
    from application.fences import gmssl_internals as gm

    assert gm.public_point(1) == gm.GENERATOR
    e = bytes(range(32))
    signed = gm.sign_digest(12345, e, 67890)
    assert signed is not None
    # The nonce is ours: the same nonce, the same signature (no randomness inside).
    assert gm.sign_digest(12345, e, 67890) == signed
    assert gm.verify_digest(gm.public_point(12345), e, *signed)
    assert not gm.verify_digest(gm.public_point(12346), e, *signed)


def test_cryptography_binding_for_sm4_gcm_is_in_use_and_agrees_with_the_public_api() -> None:
    """application/fences/cryptography_internals.py: the binding is found (else SM4-GCM is
    three times slower again), seals exactly as Cipher(SM4, GCM) does, and refuses a change."""
    import os

    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    from application.fences import cryptography_internals as fence

    assert fence.BINDING
    assert fence.UNCHECKED  # the key and mode made without their constructors read alike
    key, nonce, data, associated = os.urandom(16), os.urandom(12), "张三 13800000001".encode(), b"s"
    public = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    public.authenticate_additional_data(associated)
    expected = public.update(data) + public.finalize()
    fenced = fence.gcm_encryptor(fence.sm4(key), nonce)
    fenced.authenticate_additional_data(associated)
    assert fenced.update(data) + fenced.finalize() == expected
    assert fenced.tag == public.tag

    opened = fence.gcm_decryptor(fence.sm4(key), nonce, public.tag)
    opened.authenticate_additional_data(associated)
    assert opened.update(expected) + opened.finalize() == data
    changed = fence.gcm_decryptor(fence.sm4(key), nonce, public.tag)
    changed.authenticate_additional_data(associated)
    changed.update(bytes([expected[0] ^ 1]) + expected[1:])
    with pytest.raises(InvalidTag):
        changed.finalize()


def test_graphql_cores_refusal_of_a_bad_value_is_worded_alike_inline_and_as_a_variable() -> None:
    """An unknown enum value or a text for a number: one marker finds each, both ways."""
    core = graphql.build_schema(
        "enum Channel { HOTLINE } type Query { f(c: Channel, n: Int): Int }"
    )
    sent = {
        "{ f(c: PIGEON) }": None,
        "query($c: Channel) { f(c: $c) }": {"c": "PIGEON"},
        '{ f(n: "x") }': None,
        "query($n: Int) { f(n: $n) }": {"n": "x"},
    }
    for document, variables in sent.items():
        result = graphql.graphql_sync(core, document, variable_values=variables)
        assert result.errors, document
        assert _refusal_of(result.errors[0].message) == "INVALID_VALUE", result.errors[0].message


def test_strawberry_still_closes_a_refused_connection_init_through_the_websocket_adapter() -> None:
    """RefusalSaysWhy (interfaces/fences/strawberry_internals.py) gives the 4403 close its
    reason by standing in for `self.websocket`, whose `close(code, reason)` strawberry calls in
    `handle_connection_init` when `on_ws_connect` raises ConnectionRejectionError."""
    source = inspect.getsource(BaseGraphQLTransportWSHandler.handle_connection_init)
    assert "except ConnectionRejectionError" in source
    assert "self.websocket.close(code=4403" in source
    assert "self.websocket = websocket" in inspect.getsource(BaseGraphQLTransportWSHandler)
