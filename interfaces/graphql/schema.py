"""The GraphQL schema: queries over the views, one mutation per use case."""

from __future__ import annotations

from pathlib import Path

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext, Info

from interfaces.graphql.dashboard import Dashboard, DashboardFilter, dashboard
from interfaces.graphql.mutations.consultations import ConsultationMutations
from interfaces.graphql.mutations.reference import ReferenceMutations
from interfaces.graphql.mutations.supervision import SupervisionMutations
from interfaces.graphql.mutations.topics import TopicMutations
from interfaces.graphql.reads import ReadQueries
from interfaces.graphql.terms import Vocabulary, all_vocabularies

SDL_PATH = Path(__file__).with_name("schema.graphql")
MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 2000


@strawberry.type
class OverviewQueries:
    @strawberry.field(description="领导驾驶舱 Leadership dashboard")
    async def dashboard(self, info: Info, filter: DashboardFilter | None = None) -> Dashboard:
        return await dashboard(info, filter)

    @strawberry.field(description="全部受控词表及中文标签 Every vocabulary with its labels")
    def vocabularies(self) -> list[Vocabulary]:
        return all_vocabularies()


Query = merge_types("Query", (ReadQueries, OverviewQueries))
Mutation = merge_types(
    "Mutation", (TopicMutations, ConsultationMutations, SupervisionMutations, ReferenceMutations)
)

# Rule instances are built once so that the validation cache can hit (strawberry #4635).
_DEPTH = QueryDepthLimiter(max_depth=MAX_DEPTH)
_ALIASES = MaxAliasesLimiter(max_alias_count=MAX_ALIASES)
_TOKENS = MaxTokensLimiter(max_token_count=MAX_TOKENS)


class YishitingSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Expected refusals and invalid queries are the caller's business, not the log's."""
        unexpected = [
            e
            for e in errors
            if e.original_error is not None and not isinstance(e.original_error, GraphQLError)
        ]
        if unexpected:
            super().process_errors(unexpected, execution_context)


schema = YishitingSchema(
    query=Query,
    mutation=Mutation,
    extensions=[lambda: _DEPTH, lambda: _ALIASES, lambda: _TOKENS],
)


def sdl() -> str:
    return schema.as_str() + "\n"
