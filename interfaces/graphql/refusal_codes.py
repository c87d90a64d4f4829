"""Each mutation's description names the `extensions.code`s it can answer (docs/API.md § errors
has the reasons). Which apply is read from the code: a mutation that runs a declared use case
(`@use_case`) loads records and records events, so it can also answer NOT_FOUND and CONFLICT."""

from __future__ import annotations

from typing import Any

from strawberry.utils.str_converters import to_camel_case

import application.app  # noqa: F401  (every use case module declares its roles on import)
from application.permissions import WRITES
from interfaces.graphql.viewer import mutation_name

# Every mutation: no or a bad credential, a role that may not, a value that does not fit, the
# database out of reach.
EVERY_MUTATION = ("UNAUTHENTICATED", "FORBIDDEN", "BAD_USER_INPUT", "SERVICE_UNAVAILABLE")
USE_CASE = (
    "NOT_FOUND (也指范围外的记录 also for a record outside the caller's scope)",
    "CONFLICT (WRONG_STATE, CONCURRENT_MODIFICATION, COMMAND_ID_REUSED)",
)


def refusal_codes(mutation: str) -> tuple[str, ...]:
    use_cases = {mutation_name(u) for u in WRITES}
    return EVERY_MUTATION + (USE_CASE if mutation in use_cases else ())


def name_refusals(mutation_type: Any) -> None:
    """Appends the codes to each field's description of the merged Mutation type, in place."""
    for field in mutation_type.__strawberry_definition__.fields:
        name = field.graphql_name or to_camel_case(field.python_name)
        codes = ", ".join(refusal_codes(name))
        said = f"可能的拒绝 Refusals (extensions.code): {codes}"
        field.description = f"{field.description}\n{said}" if field.description else said
