"""File names that are not valid UTF-8 (issue 15, item 6): a GBK zip extracted on Linux gives
names Python holds with lone surrogates. They show with the undecodable bytes escaped on the
screen, in every workbook kaoping writes (which must still open), and in JSON."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from helpers_quarter_cli import write_forms, write_roster
from kaoping.cli import app
from kaoping.paths import shown

pytestmark = pytest.mark.skipif(sys.platform == "win32" or sys.platform == "darwin",
                                reason="needs a file system that takes any bytes as a name")
runner = CliRunner()
GBK = "张三".encode("gbk")  # b'\xd5\xc5\xc8\xfd'
ESCAPED = r"\xd5\xc5\xc8\xfd"


def test_shown_escapes_only_undecodable_bytes():
    name = os.fsdecode(GBK + "-2026-07.xlsx".encode())
    assert shown(name) == ESCAPED + "-2026-07.xlsx"
    assert shown("张三-2026-07.xlsx") == "张三-2026-07.xlsx"
    assert shown("\ud800x") == r"\ud800x"  # a surrogate that stands for no byte


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    form = next(p for p in write_forms(src, leave={}) if p.name.endswith("-2026-07.xlsx"))
    collected = tmp_path / "collected"
    collected.mkdir()
    shutil.copy(form, os.fsdecode(bytes(collected) + b"/" + GBK + b"-2026-07.xlsx"))
    (collected / os.fsdecode(b"\xb0\xfc.xlsx")).write_bytes(b"junk")  # a F1 naming the file
    return collected


def test_screen_and_problems_list_show_escaped_bytes(folder, tmp_path):
    problems = tmp_path / "问题清单.xlsx"
    result = runner.invoke(app, ["month", "check", str(folder), "-p", "2026-07", "--problems", str(problems)],
                           env={"COLUMNS": "250"})
    assert result.exit_code in (0, 1), result.output
    assert ESCAPED + "-2026-07.xlsx" in result.output and r"\xb0\xfc.xlsx" in result.output
    wb = load_workbook(problems)  # a lone surrogate in a cell made this fail
    texts = [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value]
    assert any(ESCAPED in t for t in texts) and any(r"\xb0\xfc" in t for t in texts)
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for t in texts for ch in t)


def test_an_output_path_with_undecodable_bytes_is_written_and_named(tmp_path):
    out = Path(os.fsdecode(bytes(tmp_path) + b"/" + GBK + b".xlsx"))
    # wide: the message names a temporary path, whose length differs between machines
    result = runner.invoke(app, ["roster", "template", str(out)], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert out.is_file() and ESCAPED + ".xlsx" in result.output
    again = runner.invoke(app, ["roster", "template", str(out), "--force"])
    assert again.exit_code == 0, again.output


def test_json_names_a_ledger_path_with_escaped_bytes(tmp_path):
    roster = write_roster(tmp_path / "花名册.xlsx")
    bad = Path(os.fsdecode(bytes(tmp_path) + b"/" + GBK + b".xlsx"))
    bad.write_bytes(b"not a ledger")
    result = runner.invoke(app, ["annual", "eligible", "-r", str(roster), str(bad), "--year", "2026", "--json", "-"])
    data = json.loads(result.stdout)
    files = [f.get("file", "") for f in data["findings"]]
    assert any(ESCAPED in f for f in files), files
