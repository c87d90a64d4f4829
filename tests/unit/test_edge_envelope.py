"""The error envelope and the sign-in refusal, written once in interfaces/edge/envelope.py and
answered by every route and by GraphQL alike."""

from __future__ import annotations

import json

from interfaces.edge.envelope import SIGN_IN_FIRST, envelope, sign_in_first, sign_in_parts
from interfaces.edge.errors import sign_in_error


def test_a_refusal_is_one_error_with_its_code_and_reason() -> None:
    assert envelope("事项不存在 (no such matter)", "NOT_FOUND", "TOPIC_NOT_FOUND") == {
        "errors": [
            {
                "message": "事项不存在 (no such matter)",
                "extensions": {"code": "NOT_FOUND", "reason": "TOPIC_NOT_FOUND"},
            }
        ]
    }


def test_details_are_text_or_numbers() -> None:
    body = envelope("超出范围 (out of range)", "BAD_USER_INPUT", "TOO_LONG", limit=200, field=None)
    assert body["errors"][0]["extensions"]["details"] == {"limit": 200, "field": "None"}


def test_the_sign_in_refusal_names_the_token_in_chinese_first() -> None:
    [error] = sign_in_first()["errors"]
    assert error["extensions"] == {"code": "UNAUTHENTICATED", "reason": "TOKEN_REQUIRED"}
    assert error["message"] == SIGN_IN_FIRST
    assert SIGN_IN_FIRST.startswith("请先登录")
    assert "(sign in first: a bearer token is required)" in SIGN_IN_FIRST
    # The bytes a client reads: the envelope's key order is part of the contract.
    assert json.dumps(sign_in_first(), ensure_ascii=False).startswith(
        '{"errors": [{"message": "请先登录'
    )


def test_graphql_and_websockets_refuse_sign_in_with_the_same_parts() -> None:
    """The GraphQL error (guard, live streams) and the WebSocket's rejection payload are the
    HTTP envelope's one error, shaped for where they go."""
    [entry] = sign_in_first()["errors"]
    error = sign_in_error()
    assert (error.message, error.extensions) == (entry["message"], entry["extensions"])
    assert error.formatted == entry
    parts = sign_in_parts()
    assert parts == {"message": entry["message"], **entry["extensions"]}
