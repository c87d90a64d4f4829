"""The read-path benchmark times the dashboard the page asks for: its query selects every field
the dashboard page's query selects (interfaces/web/static/js/pages/dashboard.js), so a field
added to the page is timed too, and the figure stays the page's cost."""

import re
from pathlib import Path

from graphql import FieldNode, OperationDefinitionNode, SelectionSetNode, parse

from bench.read_path import DASHBOARD

PAGE = Path(__file__).parents[2] / "interfaces/web/static/js/pages/dashboard.js"


def _fields(selection: SelectionSetNode | None, prefix: str = "") -> set[str]:
    found: set[str] = set()
    for node in selection.selections if selection else ():
        assert isinstance(node, FieldNode)
        path = f"{prefix}{node.name.value}"
        found |= {path} | _fields(node.selection_set, f"{path}.")
    return found


def _selected(document: str) -> set[str]:
    operation = parse(document).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return _fields(operation.selection_set)


def _page_query() -> str:
    script = PAGE.read_text(encoding="utf-8")
    counts = re.search(r'const COUNTS = "([^"]+)";', script)
    query = re.search(r"const QUERY = `([^`]+)`;", script)
    assert counts, "dashboard.js no longer holds COUNTS as this test reads it"
    assert query, "dashboard.js no longer holds QUERY as this test reads it"
    return query.group(1).replace("${COUNTS}", counts.group(1))


def test_the_benchmark_asks_for_every_field_the_dashboard_page_asks_for() -> None:
    page = _selected(_page_query())
    assert "dashboard.overdueByUnit.oldestSubject" in page  # the page's query was read whole
    assert page - _selected(DASHBOARD) == set()
