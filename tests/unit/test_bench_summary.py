"""The summary at the top of docs/BENCHMARKS.md (bench/suite.py): a partial run (`python -m
bench --only …`) refreshes its own rows and keeps the others, each with the machine and commit
it was measured on; a figure new to the summary goes beside its benchmark's rows."""

from pathlib import Path

from bench.common import Figure
from bench.suite import merged, section, write

FULL_RUN = {"nproc": "2", "cpu": "AMD EPYC", "postgres_version": "15.20", "commit": "aaaaaaa"}
PARTIAL_RUN = {"nproc": "4", "cpu": "Intel Xeon", "postgres_version": "16.4", "commit": "bbbbbbb"}


def _where(run: dict[str, str]) -> dict[str, str]:
    return {**run, "date": "2026-11-27 04:00 UTC", "load": "1.0 / 1.0 / 1.0"}


def _rows(doc: Path) -> list[list[str]]:
    text = doc.read_text(encoding="utf-8").split("<!-- summary:begin -->")[1]
    return [
        [cell.strip() for cell in line.strip("|").split(" | ")]
        for line in text.split("<!-- summary:end -->")[0].splitlines()
        if line.startswith("| ") and not line.startswith("| figure")
    ]


def test_a_partial_run_refreshes_its_rows_and_keeps_the_others_where_they_were_measured(
    tmp_path: Path,
) -> None:
    doc = tmp_path / "BENCHMARKS.md"
    doc.write_text("# Benchmarks\n\n## Notes by hand\n", encoding="utf-8")
    full = [
        Figure("write path: one", "100/s", "raw: 1,000/s", 0.1, "≥ 0.5×", False, "20 s"),
        Figure("write path: two", "200/s", "raw: 1,000/s", 0.2),
        Figure("rebuild: ours", "30,000 events/s", "stock: 1,500/s", 20.0, "≥ 20×", True),
    ]
    write(doc, section(full, _where(FULL_RUN), "python -m bench", []))

    partial = [
        Figure("write path: one", "150/s", "raw: 1,200/s", 0.125, "≥ 0.5×", False, "20 s"),
        Figure("write path: three, new", "90/s", "raw: 1,200/s", 0.075),
    ]
    figures = merged(doc, partial)
    write(doc, section(figures, _where(PARTIAL_RUN), "python -m bench --only write_path", []))

    rows = _rows(doc)
    assert [row[0] for row in rows] == [
        "write path: one",
        "write path: two",
        "write path: three, new",
        "rebuild: ours",
    ]
    refreshed, kept, new, other = rows
    assert refreshed[1] == "150/s"
    assert refreshed[6:] == ["4 × Intel Xeon, PostgreSQL 16.4", "bbbbbbb"]
    assert kept[1] == "200/s"
    assert kept[6:] == ["2 × AMD EPYC, PostgreSQL 15.20", "aaaaaaa"]
    assert new[6:] == ["4 × Intel Xeon, PostgreSQL 16.4", "bbbbbbb"]
    assert other[4] == "≥ 20× **met**"
    assert other[6:] == ["2 × AMD EPYC, PostgreSQL 15.20", "aaaaaaa"]
    assert "## Notes by hand" in doc.read_text(encoding="utf-8")
