"""The GraphQL endpoint over HTTP and WebSocket. A WebSocket's caller signs in with its
connection_init payload ({"Authorization": "Bearer …"}, or the handshake's header, or the
browser's session cookie with an Origin of this site); a bad, expired or missing one refuses
the connection before any operation runs. When the token expires or is revoked, or the session
ends, later, its subscriptions end with that refusal and new operations are refused."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

import orjson
from cross_web import HTTPException
from fastapi import BackgroundTasks, FastAPI
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIWebSocketRoute
from starlette.requests import Request
from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse
from strawberry.types.unset import UNSET

from domain.vocabulary import Role
from interfaces.doors import REFUSALS, Doors
from interfaces.edge.blocking import blocking
from interfaces.edge.envelope import envelope, sign_in_parts
from interfaces.edge.errors import RETRY_AFTER_SECONDS, UNAVAILABLE_CODE, unavailable_body
from interfaces.fences.strawberry_internals import RefusalSaysWhy
from interfaces.graphql.context import Context


def _authorization(context: Context) -> str | None:
    """The connection_init payload's Authorization, else the handshake's header, else none
    (a browser's session cookie then)."""
    params = context.connection_params if isinstance(context.connection_params, dict) else {}
    given = params.get("Authorization") or params.get("authorization")
    if isinstance(given, str):
        return given
    request = context.request
    return request.headers.get("authorization") if request is not None else None


GRAPHQL_RESPONSE = "application/graphql-response+json"
# Whether the request being answered asked for GRAPHQL_RESPONSE (set in `run`, read when the
# response is made, which strawberry does inside it).
_graphql_response: ContextVar[bool] = ContextVar("graphql_response", default=False)


def _rejection(context: Context, parts: dict[str, Any]) -> ConnectionRejectionError:
    """The refusal: graphql-ws sends its parts as connection_error; graphql-transport-ws closes
    4403 with the close reason left here, ASCII codes first (a reason holds 123 bytes)."""
    context.close_reason = f"{parts['code']} {parts['reason']}: {CLOSE_REASON_TEXT}"
    return ConnectionRejectionError(parts)


CLOSE_REASON_TEXT = "凭证无效 invalid credentials"


# The sub-response of the request being answered (strawberry keeps it on the router, shared
# by concurrent requests).
_sub_response: ContextVar[Response] = ContextVar("sub_response")


class YishitingRouter(GraphQLRouter[Context, None]):
    """Strawberry's router, its HTTP side served by one endpoint of our own: the context is
    made by calling the getter, not through FastAPI's dependency solving (a signature walked,
    the query string, headers and cookies read into parameters this route does not have, on
    every request). The WebSocket route stays strawberry's."""

    graphql_transport_ws_handler_class = RefusalSaysWhy

    def __init__(
        self,
        *args: Any,
        doors: Doors,
        context_getter: Callable[[Request], Awaitable[Context]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, context_getter=context_getter, **kwargs)
        self.doors = doors
        self._context_of = context_getter
        self.routes[:] = [route for route in self.routes if isinstance(route, APIWebSocketRoute)]

    def serve(self, api: FastAPI, path: str) -> None:
        """GraphQL at `path`: HTTP by `answer`, WebSocket by strawberry's route."""
        api.add_route(path, self.answer, methods=["GET", "POST"], include_in_schema=False)
        (route,) = (r for r in api.routes if getattr(r, "endpoint", None) == self.answer)
        route.methods.discard("HEAD")  # type: ignore[attr-defined]  # Starlette adds it to GET's
        api.include_router(self, prefix=path)

    async def answer(self, request: Request) -> Response:
        """One GraphQL request over HTTP (GET or POST)."""
        context = await self._context_of(request)
        context.request = request
        context.response = sub_response = _blank_response()
        context.background_tasks = tasks = BackgroundTasks()
        given = _sub_response.set(sub_response)
        try:
            response = await self.run(request, context, None)
        finally:
            _sub_response.reset(given)
        if tasks.tasks:
            response.background = tasks
        return response

    async def get_sub_response(self, request: Request) -> Response:  # noqa: ARG002 (strawberry's)
        return _sub_response.get()

    def encode_json(self, data: object) -> str:
        """UTF-8 JSON by orjson (Chinese as itself, not \\u escapes: half the bytes), as text:
        WebSocket messages go out as text frames (graphql-transport-ws). What orjson cannot
        write goes the standard way."""
        try:
            return orjson.dumps(data).decode()
        except TypeError:  # orjson.JSONEncodeError: a 64-bit overflow, a non-str key …
            return json.dumps(data, separators=(",", ":"), ensure_ascii=False)

    def decode_json(self, data: str | bytes) -> object:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:  # what the standard reader accepts, or refuses, it says
            pass
        try:
            return json.loads(data)
        except UnicodeDecodeError:
            raise BadRequest("INVALID_UTF8", "请求内容不是 UTF-8", "not valid UTF-8") from None
        except RecursionError:
            raise BadRequest("JSON_TOO_DEEP", "请求内容嵌套过深", "JSON nested too deep") from None

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """Strawberry refuses a request in plain English text: here with a code and 中文."""
        asked = _graphql_response.set(GRAPHQL_RESPONSE in request.headers.get("accept", ""))
        try:
            return await super().run(request, context, root_value)
        except HTTPException as refused:
            return BadRequest.of(refused.status_code, refused.reason).response()
        except BadRequest as refused:
            return refused.response()
        finally:
            _graphql_response.reset(asked)

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        """Storage unreachable anywhere in the operation: 503 with Retry-After, not a 200 that
        a client might take for an answer."""
        if _unavailable(response_data):
            return unavailable_response()
        response = super().create_response(response_data, sub_response)
        if _graphql_response.get() and isinstance(response_data, dict):
            status, headers = http_status(response_data)
            response.status_code = status
            response.headers.update({**headers, "content-type": f"{GRAPHQL_RESPONSE}"})
        return response

    async def on_ws_connect(self, context: Context) -> None:
        connection = context.request
        try:
            caller = await blocking(
                self.doors.caller, connection, _authorization(context), changing=True
            )
        except REFUSALS as refusal:
            raise _rejection(
                context, {"message": refusal.message, "code": refusal.kind, "reason": refusal.code}
            ) from None
        if caller.actor.role is Role.PUBLIC:
            raise _rejection(context, sign_in_parts())
        context.act_as(caller, self.doors)


def _blank_response() -> Response:
    """A response for resolvers to set headers or a status on, as FastAPI makes one."""
    response = Response()
    del response.headers["content-length"]
    response.status_code = None  # type: ignore[assignment]
    return response


class BadRequest(Exception):
    """A request refused before any GraphQL runs: its status, a stable reason, 中文 and English."""

    def __init__(self, reason: str, chinese: str, english: str, status: int = 400) -> None:
        super().__init__(english)
        self.reason, self.chinese, self.english, self.status = reason, chinese, english, status

    @classmethod
    def of(cls, status: int, english: str) -> BadRequest:
        reason, chinese = next(
            ((r, zh) for marker, r, zh in _HTTP_REFUSALS if marker in english),
            ("BAD_REQUEST", "请求无效"),
        )
        return cls(reason, chinese, english[:200], status if 400 <= status < 500 else 400)

    def response(self) -> JSONResponse:
        body = envelope(f"{self.chinese} ({self.english})", "BAD_REQUEST", self.reason)
        return JSONResponse(body, self.status)


# Strawberry's refusals of a request, by what its English reason contains.
_HTTP_REFUSALS = (
    ("Unable to parse request body as JSON", "INVALID_JSON", "请求内容不是有效的 JSON 格式"),
    ("No GraphQL query found", "NO_QUERY", "请求中没有 GraphQL 查询"),
    ("Unsupported content type", "UNSUPPORTED_CONTENT_TYPE", "不支持该内容类型"),
    ("only supports GET and POST", "METHOD_NOT_ALLOWED", "仅支持 GET 与 POST 请求"),
    ("not allowed when using GET", "METHOD_NOT_ALLOWED", "变更须以 POST 提交"),
    ("Not Found", "NOT_FOUND", "未找到"),
    ("must be a string or null", "INVALID_REQUEST", "查询 query 须为字符串"),
    ("must be an object or null", "INVALID_REQUEST", "变量 variables 与扩展 extensions 须为对象"),
    ("Batching is not enabled", "INVALID_REQUEST", "不支持批量请求"),
    ("multipart", "INVALID_REQUEST", "不支持该请求格式"),
    ("Can't get GraphQL operation type", "INVALID_REQUEST", "无法确定要执行的操作"),
)


def _unavailable(response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse]) -> bool:
    answers = response_data if isinstance(response_data, list) else [response_data]
    return any(
        (error.get("extensions") or {}).get("code") == UNAVAILABLE_CODE
        for answer in answers
        for error in answer.get("errors") or []
    )


def unavailable_response() -> JSONResponse:
    return JSONResponse(unavailable_body(), 503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def http_status(answer: GraphQLHTTPResponse) -> tuple[int, dict[str, str]]:
    """The status GraphQL over HTTP gives an answer in application/graphql-response+json:
    2xx once the operation ran (its data is there, errors or not — `null` too when a refused
    field took it: a partial response, § 6.4.2), 4xx when it could not run (400: parse,
    validation, variables) or for credentials and rights (401 signed out, 403 not allowed), and
    429 with Retry-After for a write beyond the caller's limit, so an HTTP layer can back off."""
    errors = answer.get("errors") or []
    extensions = [e.get("extensions") or {} for e in errors]
    waits = [x.get("retryAfterSeconds", 1) for x in extensions if x.get("code") == "RATE_LIMITED"]
    if waits:
        return 429, {"Retry-After": str(max(waits))}
    if answer.get("data") is not None or not errors:
        return 200, {}
    codes = {x.get("code") for x in extensions}
    if "UNAUTHENTICATED" in codes:
        return 401, {"WWW-Authenticate": "Bearer"}
    if "FORBIDDEN" in codes:
        return 403, {}
    if any("path" in error for error in errors):  # a field refused: the operation ran
        return 200, {}
    return 400, {}
