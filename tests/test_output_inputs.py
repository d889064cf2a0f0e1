"""An output is never written over a file the run reads — the roster, a ledger, the
attendance sheet, any workbook below the checked folder — whether it is the same path, a
symlink to it or a hard link of it, with or without --force; the message names both."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from openpyxl import Workbook

from helpers_output import leftovers, snapshot
from helpers_report import sample
from kaoping.errors import OutputExistsError
from kaoping.output.files import OutputIsInputError
from kaoping.output.workbook import check_writable, save_workbook
from kaoping.periods import Quarter
from kaoping.report.filing import write_filing
from kaoping.report.ledger import write_ledger
from kaoping.report.problems import write_problems

Q3 = Quarter(2026, 3)


@pytest.fixture()
def run(tmp_path: Path) -> dict[str, Path]:
    roster = save_workbook(Workbook(), tmp_path / "花名册.xlsx")
    form = save_workbook(Workbook(), tmp_path / "collected" / "综合处" / "综合科" / "张一-2026Q3.xlsx")
    return {"roster": roster, "folder": tmp_path / "collected", "form": form}


def _inputs(run: dict[str, Path]) -> list[Path]:
    return [run["roster"], run["folder"]]


@pytest.mark.parametrize("force", [False, True])
@pytest.mark.parametrize("which", ["roster", "form"])
def test_problems_list_over_an_input_is_refused(run, tmp_path, which, force):
    before = snapshot(tmp_path)
    with pytest.raises(OutputIsInputError) as err:
        write_problems([], run[which], force=force, inputs=_inputs(run))
    assert f"输出文件 {run[which]} 就是本次读取的输入文件" in err.value.message
    assert "不能覆盖输入文件" in err.value.message
    assert snapshot(tmp_path) == before and leftovers(tmp_path) == []


def test_a_hard_link_of_an_input_is_refused_naming_both(run, tmp_path):
    link = tmp_path / "问题清单.xlsx"
    os.link(run["roster"], link)
    before = snapshot(tmp_path)
    with pytest.raises(OutputIsInputError) as err:
        write_problems([], link, force=True, inputs=_inputs(run))
    assert str(link) in err.value.message and str(run["roster"]) in err.value.message
    assert "硬链接" in err.value.message
    assert snapshot(tmp_path) == before


def test_a_hard_link_of_a_form_deep_in_the_folder_is_refused(run, tmp_path):
    link = tmp_path / "out" / "季度结果台账-2026Q3.xlsx"
    link.parent.mkdir()
    os.link(run["form"], link)
    with pytest.raises(OutputIsInputError, match="硬链接"):
        write_ledger(sample_ledger(), link, force=True, inputs=_inputs(run))


@pytest.mark.skipif(os.name != "posix", reason="symlinks need privileges on Windows")
def test_a_symlink_to_an_input_is_refused(run, tmp_path):
    link = tmp_path / "问题清单.xlsx"
    link.symlink_to(run["roster"])
    with pytest.raises(OutputIsInputError, match=str(run["roster"])):
        write_problems([], link, force=True, inputs=_inputs(run))
    assert link.is_symlink()


@pytest.mark.parametrize("force", [False, True])
def test_a_set_with_an_input_among_its_targets_writes_nothing(run, tmp_path, force):
    """`quarter report --out` where a previous 台账 was replaced by a hard link of the roster
    (or the roster was saved there): refused before a single file is written."""
    out = tmp_path / "out"
    out.mkdir()
    os.link(run["roster"], out / "季度结果台账-2026Q3.xlsx")
    before = snapshot(tmp_path)
    roster, outcome = sample()
    with pytest.raises(OutputIsInputError, match="不能覆盖输入文件"):
        write_filing(outcome, roster, Q3, out, force=force, inputs=_inputs(run),
                     report_date=dt.date(2026, 10, 15))
    assert snapshot(tmp_path) == before and leftovers(tmp_path) == []


def test_a_new_file_inside_an_input_folder_is_allowed(run):
    """The first 问题清单 inside the collected folder is fine (the reader skips it later);
    the second, with --force, would be over a file the run read: refused."""
    inside = run["folder"] / "问题清单.xlsx"
    write_problems([], inside, inputs=_inputs(run))
    with pytest.raises(OutputIsInputError):
        write_problems([], inside, force=True, inputs=_inputs(run))


def test_check_writable_refuses_an_input_early(run):
    with pytest.raises(OutputIsInputError):
        check_writable(run["roster"], force=True, inputs=_inputs(run))
    with pytest.raises(OutputExistsError):
        check_writable(run["roster"], force=False)
    check_writable(run["roster"], force=True)  # not an input of this run


def sample_ledger():
    from kaoping.models import QuarterLedger

    _, outcome = sample()
    return QuarterLedger(year=2026, quarter=3, results=list(outcome.results))
