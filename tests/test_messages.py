"""Messages of issue 15, item 10: each Chinese, naming the file and what to do."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from helpers_quarter_cli import PEOPLE, write_forms, write_roster
from kaoping.cli import app
from kaoping.errors import UnreadableWorkbookError
from kaoping.excel.read import read_workbook
from kaoping.excel.safety import preflight
from kaoping.forms.routine import form_paths
from kaoping.paths import MAX_NAME
from kaoping.periods import Month, Quarter
from kaoping.rules.settings import LimitSettings

runner = CliRunner()


def _run(*args: object) -> tuple[int, str]:
    r = runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "300", "KAOPING_WORKERS": "1"})
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    return r.exit_code, "".join(r.output.split())


@pytest.mark.parametrize("args", [
    ["roster", "check", "{dir}"],
    ["quarter", "check", "{folder}", "-r", "{dir}", "-p", "2026Q3"],
    ["month", "check", "{folder}", "-r", "{dir}", "-p", "2026-07"],
    ["forms", "quarterly", "-r", "{dir}", "-p", "2026Q3", "-o", "{out}"],
    ["quarter", "check", "{folder}", "-r", "{roster}", "-a", "{dir}", "-p", "2026Q3"],
])
def test_a_folder_given_as_a_file_is_named_as_a_folder(tmp_path, args):
    roster = write_roster(tmp_path / "花名册.xlsx")
    write_forms(tmp_path / "c", leave={})
    (tmp_path / "花名册目录").mkdir()
    filled = [a.format(dir=tmp_path / "花名册目录", folder=tmp_path / "c", out=tmp_path / "o",
                       roster=roster) for a in args]
    code, output = _run(*filled)
    assert code == 2 and "这是一个文件夹" in output and "找不到" not in output, output


def test_the_only_ledger_unreadable_names_the_file_and_why(tmp_path):
    roster = write_roster(tmp_path / "花名册.xlsx")
    bad = tmp_path / "台账-2026Q3.xlsx"
    bad.write_bytes(b"plain text, not a workbook")
    code, output = _run("annual", "eligible", "-r", roster, bad)
    assert code == 2 and str(bad).replace(" ", "") in output and "另存为" in output


def test_a_file_just_over_the_size_limit_shows_bytes(tmp_path):
    wb = Workbook()
    wb.active["A1"] = "x"
    wb.save(tmp_path / "a.xlsx")
    size = (tmp_path / "a.xlsx").stat().st_size
    with pytest.raises(UnreadableWorkbookError) as err:
        preflight(tmp_path / "a.xlsx", LimitSettings(max_file_bytes=size - 1))
    assert f"{size} 字节，上限 {size - 1} 字节" in err.value.message
    from kaoping.excel.safety import _over

    assert _over(60 * 2 ** 20, 50 * 2 ** 20) == "60.0 MB，上限 50.0 MB"
    assert _over(50 * 2 ** 20 + 1, 50 * 2 ** 20) == "52428801 字节，上限 52428800 字节"


def test_kaopings_own_outputs_in_a_checked_folder_are_named(tmp_path):
    roster = write_roster(tmp_path / "花名册.xlsx")
    write_forms(tmp_path / "c", leave={})
    code, _ = _run("quarter", "report", "-r", roster, tmp_path / "c", "-o", tmp_path / "报送",
                   "--date", "2026-10-15")
    assert code == 0
    mixed = tmp_path / "c" / "报送"
    shutil.copytree(tmp_path / "报送", mixed)
    for name, what in [("季度结果台账-2026Q3.xlsx", "季度结果台账"),
                       ("全中心/附件4-备案表-2026Q3.xlsx", "附件4备案表"),
                       ("全中心/附件5-名单表-2026Q3.xlsx", "附件5名单表")]:
        f = read_workbook(mixed / name).findings
        assert [x.rule for x in f] == ["F2"]
        assert f"这是kaoping输出的{what}" in f[0].message.replace(" ", "")
    shutil.copy(roster, mixed / "花名册副本.xlsx")
    assert "这是干部花名册" in read_workbook(mixed / "花名册副本.xlsx").findings[0].message


@pytest.mark.parametrize("period", [Quarter(2026, 3), Month(2026, 7)])
def test_a_long_name_keeps_its_period_in_the_file_name(period):
    long = PEOPLE[0].model_copy(update={"name": "长" * 300})
    twin = [long, long.model_copy(update={"staff_id": "9999"})]
    for paths in (form_paths([long], period, Path("o")), form_paths(twin, period, Path("o"))):
        for path, p in zip(paths, [long, *twin[1:]] if len(paths) > 1 else [long], strict=True):
            assert path.stem.endswith(str(period) if len(paths) == 1 else f"{period}-{p.staff_id}")
            assert len(path.stem) <= MAX_NAME
