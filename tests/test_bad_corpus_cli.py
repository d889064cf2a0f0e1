"""Every other command that reads workbooks, over the bad-file corpus: a clear message naming
the file, the documented exit code, no traceback, inputs untouched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_bad_corpus import CHECKED, CORPUS, ROSTER, _run, snapshot
from typer.testing import CliRunner

from kaoping.cli import app

FILE_LEVEL = [c for c in CHECKED if c.preflight]
runner = CliRunner()


def _invoke(args: list[str]):
    result = runner.invoke(app, args, env={"COLUMNS": "250", "NO_COLOR": "1"})
    # typer.Exit → SystemExit; anything else is a crash the user would see as a traceback.
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("case", FILE_LEVEL, ids=lambda c: c.name[:20])
def test_roster_check_on_a_bad_file(case):
    path = CORPUS / case.name
    result = _invoke(["roster", "check", str(path)])
    assert result.exit_code == 2  # could not run (README)
    flat = result.output.replace("\n", "")
    assert path.name in flat
    assert case.expect in flat


@pytest.mark.parametrize("case", FILE_LEVEL[::3], ids=lambda c: c.name[:20])
def test_annual_eligible_on_a_bad_ledger(case):
    result = _invoke(["annual", "eligible", "--roster", str(ROSTER), str(CORPUS / case.name)])
    assert result.exit_code == 2, result.output


def test_week_check_over_the_corpus(tmp_path):
    from test_bad_corpus import _problems

    problems = tmp_path / "问题清单.xlsx"
    before = snapshot()
    proc = _run(["week", "check", str(CORPUS), "--problems", str(problems)], tmp_path)
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out, out[-3000:]
    assert proc.returncode == 1, out[-2000:]
    assert snapshot() == before
    named = _problems(problems)
    missing = [c.name for c in FILE_LEVEL if Path(c.name).name not in named]
    assert not missing


def test_quarter_report_over_the_corpus(tmp_path):
    before = snapshot()
    out_dir = tmp_path / "out"
    proc = _run(["quarter", "report", "--roster", str(ROSTER), "--period", "2026Q3", str(CORPUS),
                 "--out", str(out_dir)], tmp_path)
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out, out[-3000:]
    assert proc.returncode in (0, 1), out[-2000:]
    assert snapshot() == before
    # Nothing is ever written into the input folder.
    assert not [p for p in CORPUS.rglob("*") if p.name.startswith(".~kaoping")]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads mode-000 files")
def test_unreadable_file_in_a_folder(tmp_path):
    from kaoping.excel.read import read_workbook

    p = tmp_path / "张三-2026Q3.xlsx"
    p.write_bytes((CORPUS / "两个勾-李四-2026Q3.xlsx").read_bytes())
    p.chmod(0)
    try:
        result = read_workbook(p)
    finally:
        p.chmod(0o644)
    assert any("权限" in f.message for f in result.findings)


def test_halfyear_tally_over_the_corpus(tmp_path):
    from test_bad_corpus import _problems

    before = snapshot()
    proc = _run(["halfyear", "tally", str(CORPUS), "--out", str(tmp_path / "计票.xlsx"),
                 "--problems", str(tmp_path / "问题清单.xlsx")], tmp_path)
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out, out[-3000:]
    assert proc.returncode in (1, 2), out[-2000:]
    assert snapshot() == before
    if proc.returncode == 1:
        named = _problems(tmp_path / "问题清单.xlsx")
        assert not [c.name for c in FILE_LEVEL if Path(c.name).name not in named]


def test_bad_attendance_sheet_stops_quarter_check_cleanly(tmp_path):
    proc = _run(["quarter", "check", "--roster", str(ROSTER), "--period", "2026Q3",
                 "--attendance", str(CORPUS / "亿万笑声.xlsx"), str(CORPUS)], tmp_path)
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out
    assert proc.returncode == 2
    assert "亿万笑声.xlsx" in out.replace("\n", "") and "DTD" in out


def test_limits_from_kaoping_toml_apply_to_every_read(tmp_path):
    """kaoping.toml [limits] reaches load_book through load_settings (README 限制与退出码)."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "两个勾-李四-2026Q3.xlsx").write_bytes((CORPUS / "两个勾-李四-2026Q3.xlsx").read_bytes())
    (tmp_path / "kaoping.toml").write_text("[limits]\nmax_rows = 5\nmax_register_rows = 5\n",
                                           encoding="utf-8")
    proc = _run(["quarter", "check", "--roster", str(ROSTER), "--period", "2026Q3", str(folder)], tmp_path)
    out = (proc.stdout + proc.stderr).replace("\n", "")
    assert "Traceback" not in out
    # The roster (10 rows) is refused before any form is read: exit 2, limit named.
    assert proc.returncode == 2, out[-2000:]
    assert "上限 5 行" in out


def test_loading_settings_changes_no_module_state(tmp_path):
    """[limits] travel with the settings object: loading a kaoping.toml changes nothing that
    a later read without those settings would see."""
    from kaoping.config import load_settings
    from kaoping.excel import book

    (tmp_path / "k.toml").write_text("[limits]\nmax_rows = 5\n", encoding="utf-8")
    assert load_settings(tmp_path / "k.toml").limits.max_rows == 5
    assert not hasattr(book, "_default_limits")
    assert book.register_limits().max_rows == 200_000


@pytest.mark.skipif(os.name != "posix", reason="control characters in file names need POSIX")
def test_control_characters_in_names_and_cells(tmp_path):
    """A file name with \\x01 and cells with _x0007_ escapes (decoded to control characters)
    end up in the 问题清单 without breaking the writer."""
    import test_bad_corpus as T

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "坏\x01文件.xlsx").write_bytes(b"")
    src = (CORPUS / "两个勾-李四-2026Q3.xlsx").read_bytes()

    def edit(name, d):
        if name == "xl/sharedStrings.xml" or name.startswith("xl/worksheets/"):
            return d.replace("李四".encode(), "李_x0007_四".encode()).replace(
                "按时完成".encode(), '按时_x0001_完成=HYPERLINK("x")'.encode())
        return d

    (folder / "控制字符-2026Q3.xlsx").write_bytes(T.B.rewrite_zip(src, edit))
    problems = tmp_path / "问题清单.xlsx"
    proc = _run(["quarter", "check", "--roster", str(ROSTER), "--period", "2026Q3", str(folder),
                 "--problems", str(problems)], tmp_path)
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out, out[-3000:]
    assert proc.returncode == 1
    names = T._problems(problems)
    assert any("文件.xlsx" in n for n in names)  # the \x01 is dropped, the rest is kept
