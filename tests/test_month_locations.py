"""Where the month rules without a cell test point: M10, M11, M12 and M14 read from real
附件2 workbooks (written as the clerk hands them out, filled in), each finding checked for its
rule, level, file, sheet and cell, and the cell checked to hold what the finding is about."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers_month import identity, monthly, person
from openpyxl import load_workbook

from kaoping.forms.roster import roster_template_workbook
from kaoping.forms.routine import monthly_workbook
from kaoping.models import MonthlySummary, Person, Severity
from kaoping.output.workbook import save_workbook
from kaoping.periods import Month
from kaoping.pipeline import run_month

ZHANG = person("A001", "张三", unit="归集处", section="一科", post="科员")
JULY = Month(2026, 7)


def _write(folder: Path, p: Person, s: MonthlySummary, name: str | None = None) -> Path:
    path = folder / p.unit / (name or f"{p.name}-{s.year}-{s.month:02d}.xlsx")
    return save_workbook(monthly_workbook(p, Month(s.year, s.month), s), path)


def _summary(month: int, p: Person = ZHANG, **kw) -> MonthlySummary:
    return monthly(month, ident=identity(p.name, p.staff_id, p.unit), **kw)


def _value(f) -> object:
    """The value of the cell a finding names, in the workbook it names."""
    return load_workbook(f.file)[f.sheet][f.cell].value


@pytest.fixture()
def roster(tmp_path: Path) -> Path:
    return save_workbook(roster_template_workbook(["归集处"], people=[ZHANG]), tmp_path / "花名册.xlsx")


def _only(run, rule: str):
    found = [f for f in run.findings if f.rule == rule]
    assert len(found) == 1, [(f.rule, f.message) for f in run.findings]
    return found[0]


def test_m10_points_at_the_ytd_cell_that_can_only_be_bounded(tmp_path, roster):
    folder = tmp_path / "收回"
    _write(folder, ZHANG, _summary(5, sick_personal_days=1.0, sick_personal_days_ytd=3.0))
    july = _write(folder, ZHANG, _summary(7, sick_personal_days=1.0, sick_personal_days_ytd=5.0))
    f = _only(run_month(folder, roster=roster, month=JULY), "M10")  # June is missing
    assert (f.severity, Path(f.file), f.sheet) == (Severity.INFO, july, "月度小结")
    assert "6月" in f.message and _value(f) == 5  # the 全年累计 病事假 of July


def test_m11_points_at_the_month_of_the_other_months_summary(tmp_path, roster):
    """In a month's batch a summary of another month is an 错误 at its month cell; in a
    folder, later months are left out with one 提示 that counts them (no file to point at)."""
    from kaoping.excel.read import read_workbook
    from kaoping.rules.month import check_month_batch

    folder = tmp_path / "收回"
    july = _write(folder, ZHANG, _summary(7))
    august = _write(folder, ZHANG, _summary(8))
    forms = [read_workbook(p).forms[0] for p in (july, august)]
    [f] = [f for f in check_month_batch(JULY, forms, [], workdays=21.0) if f.rule == "M11"]
    assert (f.severity, Path(f.file), f.sheet) == (Severity.ERROR, august, "月度小结")
    assert "8" in str(_value(f)) and "月" in str(_value(f))  # the period cell: （8）月
    note = _only(run_month(folder, roster=roster, month=JULY), "M11")
    assert (note.severity, note.file, note.cell) == (Severity.INFO, None, None)
    assert "2026年8月 1 份" in note.message


def test_m12_names_the_second_file_and_the_first_in_its_message(tmp_path, roster):
    folder = tmp_path / "收回"
    # read in file-name order: "-1" before "-2"
    first = _write(folder, ZHANG, _summary(7), name="张三-2026-07-1.xlsx")
    second = _write(folder, ZHANG, _summary(7), name="张三-2026-07-2.xlsx")
    f = _only(run_month(folder, roster=roster, month=JULY), "M12")
    assert (f.severity, Path(f.file), f.person) == (Severity.ERROR, second, "张三")
    assert str(first) in f.message


def test_m14_points_at_the_name_that_matches_nobody(tmp_path, roster):
    folder = tmp_path / "收回"
    _write(folder, ZHANG, _summary(7))
    stranger = person("Z009", "陌生人", unit="归集处", section="一科", post="科员")
    path = _write(folder, stranger, _summary(7, stranger))
    f = _only(run_month(folder, roster=roster, month=JULY), "M14")
    assert (f.severity, Path(f.file), f.sheet) == (Severity.WARNING, path, "月度小结")
    assert _value(f) == "陌生人"
