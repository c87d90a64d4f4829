"""The GraphQL schema: queries over the views, one mutation per use case."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from uuid import uuid4

import strawberry
from graphql import GraphQLError
from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext, Info

from interfaces.edge.errors import (
    UNAVAILABLE_CODE,
    ServiceUnavailable,
    explain,
    hide_suggestions,
    is_unavailable,
    operation_not_allowed,
)
from interfaces.edge.workers import ShuttingDown
from interfaces.fences.strawberry_internals import InvalidOperationTypeError, PlainLeafExecutor
from interfaces.graphql.accountability import AccountabilityMutations, AccountabilityQueries
from interfaces.graphql.accounts import AccountMutations, AccountQueries
from interfaces.graphql.dashboard import Dashboard, DashboardFilter, dashboard
from interfaces.graphql.event_types import EventType, all_event_types
from interfaces.graphql.guard import (
    ExpensiveFieldsLimit,
    OneMutationPerDocument,
    SignInRequired,
    TimedOperations,
)
from interfaces.graphql.holidays import HolidayMutations, HolidayQueries
from interfaces.graphql.hotline import HotlineMutations, HotlineQueries
from interfaces.graphql.members import MemberMutations, MemberQueries
from interfaces.graphql.mutations.attachments import AttachmentMutations
from interfaces.graphql.mutations.consultations import ConsultationMutations
from interfaces.graphql.mutations.reference import ErasureMutations, ReferenceMutations
from interfaces.graphql.mutations.supervision import SupervisionMutations
from interfaces.graphql.mutations.topics import TopicMutations
from interfaces.graphql.my_account import MyAccountMutations, MyAccountQueries
from interfaces.graphql.public import PublicOverview, public_overview
from interfaces.graphql.reads import ReadQueries
from interfaces.graphql.refusal_codes import name_refusals
from interfaces.graphql.subscriptions import Subscription
from interfaces.graphql.terms import Vocabulary, all_vocabularies
from interfaces.graphql.times import DATETIME
from interfaces.graphql.viewer import ViewerQueries
from interfaces.graphql.webhooks import WebhookMutations, WebhookQueries

SDL_PATH = Path(__file__).with_name("schema.graphql")
MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 2000


@strawberry.type
class OverviewQueries:
    @strawberry.field(description="领导驾驶舱 Leadership dashboard")
    async def dashboard(self, info: Info, filter: DashboardFilter | None = None) -> Dashboard:
        return await dashboard(info, filter)

    @strawberry.field(description="公开信息(无需登录,不含个人信息) The public view, no sign-in")
    async def public_overview(self, info: Info, first: int = 20) -> PublicOverview:
        return await public_overview(info, first)

    @strawberry.field(description="全部受控词表及中文标签 Every vocabulary with its labels")
    def vocabularies(self) -> list[Vocabulary]:
        return all_vocabularies()

    @strawberry.field(description="事件目录:每种事件的中文名称 The event catalogue's types")
    def event_types(self) -> list[EventType]:
        return all_event_types()


Query = merge_types(
    "Query",
    (
        ReadQueries,
        OverviewQueries,
        AccountabilityQueries,
        WebhookQueries,
        HotlineQueries,
        HolidayQueries,
        ViewerQueries,
        AccountQueries,
        MyAccountQueries,
        MemberQueries,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        TopicMutations,
        ConsultationMutations,
        SupervisionMutations,
        AttachmentMutations,
        ReferenceMutations,
        ErasureMutations,
        AccountabilityMutations,
        WebhookMutations,
        HotlineMutations,
        HolidayMutations,
        AccountMutations,
        MyAccountMutations,
        MemberMutations,
    ),
)
name_refusals(Mutation)


class DocumentLimits(SchemaExtension):
    """Every limit on a document, set in one hook: the tokens the parser reads, and the
    validation rules (depth, aliases, one mutation, expensive fields; introspection in
    production). One extension instead of strawberry's four or five: each extension is
    asked for each of an operation's hooks, on every request."""

    def __init__(self, rules: tuple[type[ASTValidationRule], ...]) -> None:
        self.rules = rules

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = MAX_TOKENS
        context.validation_rules = context.validation_rules + self.rules
        yield


# Rule classes are built once so that the validation cache can hit (strawberry #4635).
_RULES: tuple[type[ASTValidationRule], ...] = (
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
    OneMutationPerDocument,
    ExpensiveFieldsLimit,
)
_PRODUCTION_RULES = (*_RULES, NoSchemaIntrospectionCustomRule)
# Clients send the same few documents again and again: parsing and validating each one anew
# was a quarter of the server's CPU under a write load (docs/BENCHMARKS.md). Bounded caches.
DOCUMENT_CACHE_SIZE = 256


log = logging.getLogger("yishiting.graphql")


def is_expected(error: GraphQLError) -> bool:
    """Refusals, validation and sign-in errors keep their message; anything else is a fault."""
    return error.original_error is None or isinstance(error.original_error, GraphQLError)


class MaskFaults(MaskErrors):
    """An unexpected fault reaches the caller as a reference number; the log has the rest.
    Unreachable storage is no fault of ours to hide: it is SERVICE_UNAVAILABLE (HTTP 503)."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda e: not is_expected(e))

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        if isinstance(error.original_error, InvalidOperationTypeError):
            return operation_not_allowed(error, error.original_error.operation_type)
        if isinstance(error.original_error, ShuttingDown):
            return GraphQLError(
                str(error.original_error),
                nodes=error.nodes,
                path=error.path,
                extensions={"code": UNAVAILABLE_CODE, "reason": ShuttingDown.code},
            )
        if is_unavailable(error.original_error):
            log.warning("storage unavailable at %s: %s", error.path, error.original_error)
            return ServiceUnavailable(nodes=error.nodes, path=error.path)
        reference = uuid4().hex[:12]
        log.error("unexpected error %s at %s", reference, error.path, exc_info=error.original_error)
        return GraphQLError(
            f"服务器内部错误,请联系管理员并提供编号 {reference}"
            f" (internal error, reference {reference})",
            nodes=error.nodes,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "reference": reference},
        )


class YishitingSchema(strawberry.Schema):
    production = False  # no "Did you mean …" in any refusal

    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: ExecutionContext | None = None,  # noqa: ARG002
    ) -> None:
        """Faults are logged (with their reference) by MaskFaults; refusals are not faults,
        but GraphQL's own (syntax, validation, variables) get a code and Chinese here."""
        for error in errors:
            explain(error)
            if self.production:
                hide_suggestions(error)


@lru_cache(maxsize=2)
def build_schema(production: bool = False) -> YishitingSchema:
    extensions: list[object] = [
        TimedOperations,
        SignInRequired,
        MaskFaults,
        lambda: DocumentLimits(_PRODUCTION_RULES if production else _RULES),
        lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
        lambda: ValidationCache(maxsize=DOCUMENT_CACHE_SIZE),
    ]
    built = YishitingSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,  # type: ignore[arg-type]
        config=StrawberryConfig(disable_field_suggestions=production),
        scalar_overrides={datetime: DATETIME},  # moments answered in one form
        execution_context_class=PlainLeafExecutor,  # leaf fields read without the detours
    )
    built.production = production
    return built


schema = build_schema()


def sdl() -> str:
    return schema.as_str() + "\n"
