"""What yishiting relies on in graphql-core's (and strawberry's) English messages: they carry
no code, so their wording is matched. Pinned by tests/unit/test_library_hooks.py, which makes
each message the library's own way and checks the marker still finds it."""

from __future__ import annotations

import re

# GraphQL's own refusals (graphql-core and strawberry write them in English, without a code):
# (what the message contains, extensions.code, extensions.reason, 中文).
GRAPHQL_REFUSALS = (
    ("tokens. Parsing aborted", "GRAPHQL_PARSE_FAILED", "QUERY_TOO_LONG", "查询过长"),
    ("Syntax Error", "GRAPHQL_PARSE_FAILED", "SYNTAX_ERROR", "查询语法错误"),
    ("maximum operation depth", "GRAPHQL_VALIDATION_FAILED", "QUERY_TOO_DEEP", "查询嵌套过深"),
    ("aliases found", "GRAPHQL_VALIDATION_FAILED", "TOO_MANY_ALIASES", "查询别名过多"),
    (
        "introspection has been disabled",
        "GRAPHQL_VALIDATION_FAILED",
        "INTROSPECTION_DISABLED",
        "生产环境不提供自省查询",
    ),
    # A value that does not fit its type is one refusal, written inline or sent as a variable.
    ("does not exist in '", "BAD_USER_INPUT", "INVALID_VALUE", "取值无效"),
    ("cannot represent", "BAD_USER_INPUT", "INVALID_VALUE", "取值无效"),
    # An input object with a field its type does not have, or without one it requires.
    ("not to include unknown field", "BAD_USER_INPUT", "INVALID_VALUE", "取值无效:含未知字段"),
    ("to include required field", "BAD_USER_INPUT", "INVALID_VALUE", "取值无效:缺少必填字段"),
    ("has invalid value", "BAD_USER_INPUT", "INVALID_VARIABLES", "变量取值无效"),
    ("got invalid value", "BAD_USER_INPUT", "INVALID_VARIABLES", "变量取值无效"),
    ("was not provided", "BAD_USER_INPUT", "INVALID_VARIABLES", "缺少必填变量"),
)

# graphql-core's "Did you mean …?" in validation messages: removed in production, where it would
# name the schema's fields, arguments, types and enum values to someone guessing them.
SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
