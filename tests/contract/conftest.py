"""The contract suite's server: one per test module, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.contract import SECRET, ContractServer, database_for, serve

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module", params=BACKENDS)
def contract(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ContractServer]:
    """A real server (`yishiting serve`) the module's tests reach only as clients do."""
    module = request.module.__name__.rsplit(".", 1)[-1]
    directory = tmp_path_factory.mktemp(f"{module}-{request.param}")
    for url in database_for(request.param, directory):
        yield from serve(url, directory / "server.log", SECRET)
