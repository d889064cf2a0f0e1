"""`quarter report --allow-errors` (issue 15, item 11): `--force` only overwrites; filing with
错误 left needs `--allow-errors`, and then every output says so: a line on each 附件4 and
附件5, a flag in the 台账 that `annual` reports as Y6."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from helpers_annual import FG, G, ledgers
from helpers_quarter_cli import PEOPLE, write_forms, write_roster
from kaoping.cli import app
from kaoping.errors import KaopingError
from kaoping.models import QuarterLedger
from kaoping.report.annex_templates import LIST_COLS, META_SHEET
from kaoping.report.ledger import read_ledger, write_ledger
from kaoping.rules.annual import evaluate_year, filed_with_errors
from kaoping.models import Roster

runner = CliRunner()
MARK = "未通过检查"


def _invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200", "KAOPING_WORKERS": "1"})


@pytest.fixture()
def filed(tmp_path: Path) -> dict[str, Path]:
    roster = write_roster(tmp_path / "花名册.xlsx")
    folder = tmp_path / "collected"
    write_forms(folder, overrides={"1003": []})  # no leader tick: one Q1 错误
    return {"roster": roster, "folder": folder, "out": tmp_path / "out", "tmp": tmp_path}


def _report(f: dict[str, Path], *extra: object):
    return _invoke("quarter", "report", "-r", f["roster"], f["folder"], "-o", f["out"],
                   "--date", "2026-10-15", *extra)


def _texts(path: Path) -> list[str]:
    ws = load_workbook(path).worksheets[0]
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def test_force_alone_never_files_with_errors(filed):
    r = _report(filed, "--force")
    assert r.exit_code == 1 and "--allow-errors" in r.output and not filed["out"].exists()


def test_allow_errors_marks_every_table_and_the_ledger(filed):
    r = _report(filed, "--allow-errors")
    assert r.exit_code == 1, r.output
    tables = sorted(filed["out"].rglob("附件*.xlsx"))
    assert len(tables) == 4  # 综合处 and 全中心, 附件4 and 附件5 each
    for path in tables:
        marked = [t for t in _texts(path) if MARK in t]
        assert len(marked) == 1 and "1 条错误" in marked[0] and "--allow-errors" in marked[0], path
    ws5 = load_workbook(filed["out"] / "综合处" / "附件5-名单表-2026Q3.xlsx").worksheets[0]
    last = ws5.cell(ws5.max_row, 1)
    assert MARK in str(last.value)  # below the 注 line, merged across the table
    assert any(str(rng) == f"A{ws5.max_row}:{chr(64 + LIST_COLS)}{ws5.max_row}"
               for rng in ws5.merged_cells.ranges)
    ledger_path = filed["out"] / "季度结果台账-2026Q3.xlsx"
    meta = {r[0].value: r[1].value for r in load_workbook(ledger_path)[META_SHEET].iter_rows()}
    assert meta["errors_left"] == "1"
    assert read_ledger(ledger_path).errors_left == 1


def test_a_clean_filing_carries_no_mark(tmp_path):
    roster = write_roster(tmp_path / "花名册.xlsx")
    write_forms(tmp_path / "collected")
    out = tmp_path / "out"
    r = _invoke("quarter", "report", "-r", roster, tmp_path / "collected", "-o", out,
                "--allow-errors")
    assert r.exit_code == 0, r.output
    assert not any(MARK in t for p in out.rglob("附件*.xlsx") for t in _texts(p))
    ledger_path = out / "季度结果台账-2026Q3.xlsx"
    keys = [r[0].value for r in load_workbook(ledger_path)[META_SHEET].iter_rows()]
    assert "errors_left" not in keys and read_ledger(ledger_path).errors_left == 0


def test_annual_reports_a_ledger_filed_with_errors(filed):
    assert _report(filed, "--allow-errors").exit_code == 1
    ledger_path = filed["out"] / "季度结果台账-2026Q3.xlsx"
    r = _invoke("annual", "eligible", "-r", filed["roster"], ledger_path)
    text = "".join(r.output.split())
    assert r.exit_code == 1 and "Y6" in text and "--allow-errors" in text
    assert ledger_path.name in text


# ---------------------------------------------------------------- Y6, both sides


@pytest.mark.parametrize(("left", "reported"), [(0, False), (1, True), (7, True)])
def test_y5_boundary(left, reported):
    ledger = QuarterLedger(year=2026, quarter=3, source="台账-2026Q3.xlsx", errors_left=left)
    f = filed_with_errors(ledger)
    assert (f is not None) == reported
    if f is not None:
        assert f.rule == "Y6" and f.severity.value == "错误" and f.file == "台账-2026Q3.xlsx"
        assert f"{left} 条错误" in f.message and "第三季度" in f.message


def test_y5_reaches_the_year_outcome():
    grades = {p.staff_id: [G, FG, G, FG] for p in PEOPLE}
    books = ledgers(list(PEOPLE), grades)
    books[2] = books[2].model_copy(update={"errors_left": 2, "source": "Q3.xlsx"})
    outcome = evaluate_year(Roster(people=list(PEOPLE)), books, 2026)
    y6 = [f for f in outcome.findings if f.rule == "Y6"]
    assert [(f.file, f.severity.value) for f in y6] == [("Q3.xlsx", "错误")]


@pytest.mark.parametrize("value", ["-1", "x", "1.5"])
def test_a_ledger_with_a_bad_mark_names_the_meta_sheet(tmp_path, value):
    path = write_ledger(QuarterLedger(year=2026, quarter=3, errors_left=1), tmp_path / "台账.xlsx")
    wb = load_workbook(path)
    for row in wb[META_SHEET].iter_rows():
        if row[0].value == "errors_left":
            row[1].value = value
    wb.save(path)
    with pytest.raises(KaopingError) as err:
        read_ledger(path)
    assert err.value.sheet == META_SHEET and err.value.file == str(path) and "遗留错误数" in err.value.message


# ------------------------------------------------------------------ the library call


def _checked(f: dict[str, Path]):
    from kaoping.pipeline import run_quarter

    return run_quarter(f["roster"], f["folder"])


def test_the_library_writes_no_filing_while_errors_remain(filed, capsys):
    """`pipeline.write_quarter_report` holds the rule itself, so Python code that skips the
    CLI cannot file a quarter with 错误 either: nothing is written, the count is given."""
    from kaoping.errors import ErrorsLeftError
    from kaoping.pipeline import write_quarter_report

    run = _checked(filed)
    assert run.errors == 1
    with pytest.raises(ErrorsLeftError, match="仍有 1 条错误") as exc:
        write_quarter_report(run, filed["out"], force=True)
    assert exc.value.errors == 1 and not filed["out"].exists()
    assert capsys.readouterr() == ("", "")


def test_the_library_files_with_errors_only_when_allowed_and_says_so(filed):
    from kaoping.pipeline import write_quarter_report

    written = write_quarter_report(_checked(filed), filed["out"], allow_errors=True)
    annexes = [p for p in written if p.name.startswith(("附件4", "附件5"))]
    assert annexes and all(p.is_file() for p in written)
    for path in annexes:
        assert sum(MARK in t for t in _texts(path)) == 1, path


def test_the_library_files_a_clean_quarter_and_never_over_an_input(filed):
    from kaoping.errors import KaopingError
    from kaoping.output.files import RunInputs
    from kaoping.pipeline import run_quarter, write_quarter_report

    folder = filed["tmp"] / "clean"
    write_forms(folder)
    run = run_quarter(filed["roster"], folder)
    assert run.errors == 0
    written = write_quarter_report(run, filed["out"], report_date=None)
    assert written and all(p.is_file() for p in written)
    assert not any(MARK in t for p in written if p.name.startswith("附件4") for t in _texts(p))
    # an output that is an input of the run (here the 台账 just written) is refused even
    # with force, and nothing of the set is written
    ledger = next(p for p in written if p.name.startswith("季度结果台账"))
    before = {p: p.read_bytes() for p in written}
    with pytest.raises(KaopingError, match="输入"):
        write_quarter_report(run, filed["out"], force=True,
                             inputs=RunInputs([filed["roster"], folder, ledger]))
    assert {p: p.read_bytes() for p in written} == before
