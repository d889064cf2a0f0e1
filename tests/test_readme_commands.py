"""README.md and examples/README.md (issue 16 item 2): every kaoping command is shown for
Linux and for Windows' PowerShell alike, in no shell's own syntax (no loop, variable, wildcard
or &&), parses as the command would, and the example year, run as pasted, finds the 23
优秀 candidates examples/README.md promises."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers_cli import LINUX, WINDOWS, commands, parse_error
from kaoping.cli import app

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", ROOT / "examples" / "README.md"]
SHELL_ONLY = ("$", "*", "?", "&&", "||", "|", ";", "`", " for ", "#")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_command_is_shown_for_linux_and_windows_alike(page):
    linux = commands(page, "bash", LINUX)
    windows = [c.replace("\\", "/") for c in commands(page, "powershell", WINDOWS)]
    assert linux, f"{page.name} shows no {LINUX} command"
    assert linux == windows


@pytest.mark.parametrize("line", [c for p in PAGES for c in commands(p, "bash", LINUX)])
def test_every_command_works_as_pasted_in_either_shell(line, capsys):
    assert [s for s in SHELL_ONLY if s in f" {line} "] == [], line
    assert parse_error(line) is None
    capsys.readouterr()


def test_the_bare_kaoping_is_not_shown_as_a_command():
    """`kaoping …` at the start of a line only works in an activated venv: show the path."""
    for page in PAGES:
        inside = False
        for line in page.read_text("utf-8").splitlines():
            if line.startswith("```"):
                inside = not inside
                continue
            assert not (inside and line.startswith("kaoping ")), f"{page.name}: {line}"


def test_the_example_year_as_pasted_finds_23_candidates(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    lines = [c for c in commands(ROOT / "examples" / "README.md", "bash", LINUX) if "out/kp/" in c]
    assert [shlex.split(c)[:2] for c in lines] == [["quarter", "report"]] * 4 + [["annual", "eligible"]]
    runner = CliRunner()
    for line in lines:
        args = [a.replace("out/kp/", f"{tmp_path}/") for a in shlex.split(line)]
        result = runner.invoke(app, args, env={"COLUMNS": "120"})
        assert result.exit_code in (0, 1), (line, result.output)
    assert "共 23 人" in result.output
