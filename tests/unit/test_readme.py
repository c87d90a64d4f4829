"""The README tells the truth about the settings: its table is the settings' own."""

from pathlib import Path

from interfaces.settings_table import END, START, settings_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_lists_every_setting_as_it_is() -> None:
    text = README.read_text(encoding="utf-8")
    table = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert table == settings_table(), "run: python -c 'from interfaces.settings_table import …'"


def test_the_readme_starts_with_the_two_commands() -> None:
    top = README.read_text(encoding="utf-8")[:400]
    assert "make run" in top
    assert "make test" in top
