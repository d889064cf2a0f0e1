"""The engine's results as the clerk files them: `quarter report` on a small collected folder,
read back from the 附件5 and the 台账 it writes (roster fields, the configured attendance
ratio in every text)."""

from __future__ import annotations

from pathlib import Path

from helpers_quarter import Q3, form, leave, person, roster
from helpers_quarter_cli import AV, FG, G, PEOPLE, write_forms, write_roster
from openpyxl import load_workbook
from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.models import Outcome, QuarterFlag, QuarterLedger, QuarterResult, RankCategory
from kaoping.report.filing import list_remark
from kaoping.report.ledger import read_ledger, write_ledger
from kaoping.rules.quarter import evaluate_quarter, flag_from_label, flag_label
from kaoping.rules.settings import Settings

TAG = "2026Q3"
AT_75 = Settings.model_validate({"attendance": {"min_ratio": 0.75}})


def report(tmp_path: Path, roster_people=PEOPLE, *, grades=None, leave=None, config=None) -> Path:
    roster = write_roster(tmp_path / "花名册.xlsx", roster_people)
    folder = tmp_path / "collected"
    write_forms(folder, grades, leave=leave)
    out = tmp_path / "out"
    args = ["quarter", "report", "--roster", str(roster), str(folder), "--out", str(out),
            "--date", "2026-10-15"]
    if config is not None:
        cfg = tmp_path / "kaoping.toml"
        cfg.write_text(config, encoding="utf-8")
        args += ["--settings", str(cfg)]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def annex5_rows(path: Path) -> dict[str, tuple]:
    """附件5 by 姓名: (所在处（科）, 职务职级, 考核等次, 备注)."""
    ws = load_workbook(path).worksheets[0]
    rows = {}
    for row in ws.iter_rows(min_row=5, max_col=6, values_only=True):
        if isinstance(row[0], int) and row[1]:
            rows[row[1]] = row[2:]
    return rows


def test_annex5_row_takes_section_and_rank_from_the_roster(tmp_path: Path):
    # The roster says 审核科 / 二级主任科员; the form still carries the old 综合科.
    roster = [p.model_copy(update={"section": "审核科", "rank": "二级主任科员"})
              if p.staff_id == "1001" else p for p in PEOPLE]
    out = report(tmp_path, roster)
    unit = annex5_rows(out / "综合处" / f"附件5-名单表-{TAG}.xlsx")
    assert unit["张一"][:3] == ("审核科", "二级主任科员", "好")
    assert unit["赵四"][:3] == ("综合科", "二级科员", "一般")
    centre = annex5_rows(out / "全中心" / f"附件5-名单表-{TAG}.xlsx")
    assert centre["张一"][:3] == ("综合处审核科", "二级主任科员", "好")
    ledger = read_ledger(out / f"季度结果台账-{TAG}.xlsx")
    first = next(r for r in ledger.results if r.staff_id == "1001")
    assert (first.section, first.rank, first.rank_category) == (
        "审核科", "二级主任科员", RankCategory.SECTION_CHIEF)


def test_configured_attendance_ratio_reaches_annex5_and_the_ledger(tmp_path: Path):
    # 20 sick days of 66 → 46/66 = 69.7% < 75%: 李二 graded 一般, 王三 in probation (不定档 1).
    people = [p.model_copy(update={"rank_category": RankCategory.PROBATION})
              if p.staff_id == "1003" else p for p in PEOPLE]
    grades = {"1001": G, "1002": AV, "1003": None, "1004": FG, "1005": FG}
    out = report(tmp_path, people, grades=grades, leave={"1002": 20, "1003": 20},
                 config="[attendance]\nmin_ratio = 0.75\n")
    rows = annex5_rows(out / "综合处" / f"附件5-名单表-{TAG}.xlsx")
    assert rows["李二"][2:] == ("一般", "出勤未达75%（出勤 46/66 天（69.7%））")
    assert rows["王三"][2:] == ("不确定", "出勤未达75%（实际出勤46天/应出勤66天）；不定档：新录用公务员")
    ws = load_workbook(out / f"季度结果台账-{TAG}.xlsx").worksheets[0]
    header = [c.value for c in ws[1]]
    flags = {row[header.index("工号")]: row[header.index("标记")]
             for row in ws.iter_rows(min_row=2, values_only=True)}
    assert flags["1002"] == "出勤未达75%" and flags["1003"] == "出勤未达75%、不定档"
    back = {r.staff_id: r.flags for r in read_ledger(out / f"季度结果台账-{TAG}.xlsx").results}
    assert back["1002"] == [QuarterFlag.LOW_ATTENDANCE]
    assert back["1003"] == [QuarterFlag.LOW_ATTENDANCE, QuarterFlag.NOT_GRADED]


# ---------------------------------------------------------------- the texts, without files


def low(**kw) -> QuarterResult:
    return QuarterResult(staff_id="1", name="张三", unit="办公室", rank_category=RankCategory.CLERK,
                         outcome=Outcome.UNDETERMINED, flags=[QuarterFlag.LOW_ATTENDANCE], **kw)


def test_flag_label_names_the_configured_ratio():
    assert flag_label(QuarterFlag.LOW_ATTENDANCE) == "出勤未达80%"
    assert flag_label(QuarterFlag.LOW_ATTENDANCE, AT_75) == "出勤未达75%"
    assert flag_label(QuarterFlag.LOW_ATTENDANCE, Settings.model_validate(
        {"attendance": {"min_ratio": 0.825}})) == "出勤未达82.5%"
    assert [flag_label(f, AT_75) for f in QuarterFlag if f != QuarterFlag.LOW_ATTENDANCE] == [
        "表彰直接定好", "直接定较差", "不定档", "未交评价表"]


def test_flag_from_label_reads_any_ratio_back():
    for text in ("出勤未达80%", "出勤未达75%", "出勤未达82.5%", "出勤未达标"):
        assert flag_from_label(text) == QuarterFlag.LOW_ATTENDANCE
    assert flag_from_label("不定档") == QuarterFlag.NOT_GRADED
    for text in ("出勤未达%", "出勤未达八成", "出勤未达80", "出勤未达80%以上"):
        assert flag_from_label(text) is None


def test_list_remark_names_the_configured_ratio():
    r = low(required_days=60, attended_days=40.5)
    assert list_remark(r) == "出勤未达80%（实际出勤40.5天/应出勤60天）"
    assert list_remark(r, AT_75) == "出勤未达75%（实际出勤40.5天/应出勤60天）"
    assert list_remark(low(), AT_75) == "出勤未达75%"  # days unknown


def test_ledger_written_at_75_reads_back(tmp_path: Path):
    ledger = QuarterLedger(year=2026, quarter=3, results=[low(required_days=60, attended_days=40)])
    back = read_ledger(write_ledger(ledger, tmp_path / "台账.xlsx", settings=AT_75))
    assert back.results[0].flags == [QuarterFlag.LOW_ATTENDANCE]


def test_engine_note_names_the_configured_ratio():
    p = person("001", "张三")
    out = evaluate_quarter(roster(p), Q3, [form(p, AV)], [leave("001", 7, sick=16)], workdays=60,
                           settings=AT_75)
    assert out.results[0].note == "出勤未达75%（出勤 44/60 天（73.3%））"
    assert out.settings is AT_75
    out = evaluate_quarter(roster(p), Q3, [form(p, AV)], [leave("001", 7, sick=15)], workdays=60,
                           settings=AT_75)  # exactly 75%
    assert QuarterFlag.LOW_ATTENDANCE not in out.results[0].flags
