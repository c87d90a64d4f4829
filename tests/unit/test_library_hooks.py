"""What yishiting relies on inside its libraries, pinned: each test names one hook (a private
name used or a library method overridden) and fails when an upgrade changes what the hook
relies on. docs/ARCHITECTURE.md lists them with the module that holds each."""

from __future__ import annotations

import inspect
from dataclasses import fields
from uuid import uuid4

import graphql
from eventsourcing.persistence import JSONTranscoder, Notification
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.projection import Projection
from eventsourcing.sqlite import SQLiteApplicationRecorder
from graphql.execution.executor import Executor
from psycopg_pool import ConnectionPool
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from application.fences.eventsourcing_internals import bound_pool_wait, notifications_from_rows
from interfaces.edge.errors import SUGGESTION


def parameters(function: object) -> list[str]:
    return list(inspect.signature(function).parameters)  # type: ignore[arg-type]


def test_eventsourcing_recorders_append_through_insert_events() -> None:
    """application/ledger/recorders.py and application/personal_data.py add rows (tags, keys)
    in the same transaction by overriding `_insert_events(cursor, stored_events, **kwargs)`."""
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
    """projections/views/base.py sets `topics = ()` (every event) on its projections."""
    assert Projection.topics == ()


def test_strawberry_executes_through_graphql_cores_execution_context() -> None:
    """interfaces/graphql/execution.py subclasses strawberry's execution context and overrides
    graphql-core's `execute_fields` and `execute_field`, passing their arguments on."""
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
