"""Terminal tables at 80 and 120 columns (kaoping.cli.tables): a table when it fits with its
names and values whole, else a block a row; never a unit's or a person's name split."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text
from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.cli.tables import TEXT_MIN_WIDTH, Column, print_table, widths

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

LONG_UNIT = "住房公积金管理中心瑞安市分中心（综合服务科）"
COLUMNS = [Column("单位", "name"), Column("姓名", "name"), Column("好", justify="right"),
           Column("比例", justify="right"), Column("说明", "text")]
ROWS = [[LONG_UNIT, "欧阳明月", "12", "46.2%", "领导评价档次应在“好、较好、一般、较差”中勾选一项，现为：好、较好"],
        ["财务处", "王磊", "2", "30.4%", ""]]


def _render(width: int, columns=COLUMNS, rows=ROWS) -> tuple[str, bool]:
    con = Console(width=width, record=True, highlight=False)
    with con.capture() as cap:
        as_table = print_table(con, columns, rows, title="标题", legend="注：图例")
    return cap.get(), as_table


def split_names(output: str, names) -> list[str]:
    """The names that stand in the output broken over two lines (or not at all)."""
    lines = [line.rstrip() for line in output.splitlines()]
    joined = "".join(lines)
    return [n for n in names if sum(line.count(n) for line in lines) != joined.count(n) or n not in joined]


def test_a_table_when_it_fits():
    out, as_table = _render(160)
    assert as_table
    assert any(LONG_UNIT in line and "欧阳明月" in line and "46.2%" in line for line in out.splitlines())
    assert "注：图例" in out


def test_blocks_when_it_does_not_fit_with_names_whole():
    out, as_table = _render(60)
    assert not as_table
    assert split_names(out, [LONG_UNIT, "欧阳明月", "财务处", "王磊"]) == []
    assert "好：12  比例：46.2%" in out  # a block's values are 列名：值 pairs
    assert all(cell_len(line.rstrip()) <= 60 for line in out.splitlines())


@pytest.mark.parametrize("width", [80, 120])
def test_no_line_is_wider_than_the_console(width):
    out, _ = _render(width)
    assert max(cell_len(line.rstrip()) for line in out.splitlines()) <= width


def test_a_free_text_column_gets_what_is_left_but_not_less_than_its_minimum():
    cells = [[Text(c) for c in row] for row in ROWS]
    fixed = sum(cell_len(x) for x in (LONG_UNIT, "欧阳明月", "好", "46.2%")) + 4  # four gaps
    sizes = widths(COLUMNS, cells, fixed + TEXT_MIN_WIDTH)
    assert sizes is not None and sizes[-1] == TEXT_MIN_WIDTH
    assert widths(COLUMNS, cells, fixed + TEXT_MIN_WIDTH - 1) is None
    assert widths(COLUMNS, cells, 500)[-1] == cell_len(ROWS[0][-1])  # natural width when there is room


def test_a_table_without_free_text_fits_exactly_or_not_at_all():
    columns, rows = COLUMNS[:2], [[Text("办公室（人事处）"), Text("林晓峰")]]
    assert widths(columns, rows, 16 + 1 + 6) == [16, 6]
    assert widths(columns, rows, 16 + 1 + 5) is None


def test_names_are_text_not_markup():
    out, _ = _render(160, rows=[["[bold]财务处[/]", "王磊", "1", "", ""]])
    assert "[bold]财务处[/]" in out


@pytest.fixture(scope="module")
def q3_at_80():
    result = CliRunner().invoke(app, ["quarter", "check", "--roster", str(EXAMPLES / "花名册.xlsx"),
                                      str(EXAMPLES / "collected" / "2026Q3")], env={"COLUMNS": "80"})
    assert result.exit_code == 1, result.output
    return result.output


def test_quarter_check_at_80_columns_splits_no_unit_or_person_name(q3_at_80):
    units = ["办公室（人事处）", "财务处", "归集管理处", "信贷管理处", "鹿城分中心", "瓯海分中心",
             "瑞安分中心", "机关（考核组）"]
    people = ["梁晨", "朱俊杰", "胡敏", "马婷婷", "林琳", "刘佳怡", "赵子龙", "郑凯", "陆宇"]
    assert split_names(q3_at_80, units + people) == []
    assert max(cell_len(line.rstrip()) for line in q3_at_80.splitlines()) <= 80


def test_quarter_summary_is_a_table_with_a_legend_at_80_columns(q3_at_80):
    header = next(line for line in q3_at_80.splitlines() if line.startswith("单位/考核组"))
    assert header.split() == ["单位/考核组", "参加", "好", "上限", "比例", "较好", "一般", "较差",
                              "不定", "未参", "错误", "警告"]
    assert "不定＝不确定等次" in "".join(q3_at_80.split())
    row = next(line for line in q3_at_80.splitlines() if line.startswith("鹿城分中心"))
    assert row.split() == ["鹿城分中心", "13", "6", "5", "46.2%超", "6", "0", "0", "1", "0", "2", "0"]


UNITS = ["机关", "鹿城分中心", "瓯海分中心", "瑞安分中心", "全中心"]


def _run_at(width: int, *args: str) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": str(width)})
    assert result.exit_code in (0, 1), result.output
    return result.output


@pytest.mark.parametrize("width", [80, 120])
def test_quota_table_splits_no_unit_name_nor_label(width):
    out = _run_at(width, "quarter", "quota", "-r", str(EXAMPLES / "花名册.xlsx"), "-p", "2026Q3")
    labels = ["应参加考核人数（§二）", "可定“好”等次人数（名额）", "40%，向下取整"]
    assert split_names(out, UNITS + labels) == []
    assert max(cell_len(line.rstrip()) for line in out.splitlines()) <= width


def test_quota_table_reads_down_at_120_and_in_blocks_at_80():
    wide = _run_at(120, "quarter", "quota", "-r", str(EXAMPLES / "花名册.xlsx"), "-p", "2026Q3")
    header = next(line for line in wide.splitlines() if "鹿城分中心" in line and "全中心" in line)
    assert header.split() == UNITS
    cap = next(line for line in wide.splitlines() if line.startswith("可定“好”等次人数"))
    assert cap.split()[1:] == ["9", "5", "4", "4", "23"]
    narrow = _run_at(80, "quarter", "quota", "-r", str(EXAMPLES / "花名册.xlsx"), "-p", "2026Q3")
    lines = [line.rstrip() for line in narrow.splitlines()]
    at = lines.index("鹿城分中心")  # a block: the unit alone on its line, its figures below
    assert "可定“好”等次人数（名额）：5" in "".join(lines[at + 1:at + 4]).replace(" ", "")


def test_followup_table_splits_no_name_nor_date_at_80_columns():
    out = _run_at(80, "followup", "check", "-r", str(EXAMPLES / "花名册.xlsx"),
                  str(EXAMPLES / "谈话提醒"), "--date", "2026-12-31")
    assert split_names(out, ["姜涛", "邹燕", "瓯海分中心", "归集管理处", "2026-05-20", "2026-06-04",
                             "2026年第一季度", "逾期未落实"]) == []
    assert max(cell_len(line.rstrip()) for line in out.splitlines()) <= 80
