"""花名册: template, reader findings R1–R8, who is due (rules.due), CLI."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.errors import KaopingError
from kaoping.output.workbook import save_workbook
from kaoping.models import Person, RankCategory, Roster, Severity, SpecialCase, SpecialCategory
from kaoping.excel.roster import COLUMNS, read_roster
from kaoping.forms.roster import roster_template_workbook
from kaoping.rules.due import due_people

HEADER = [c.label for c in COLUMNS]
CLERK = RankCategory.CLERK.value


_NAMES = {"1001": "张三", "1002": "李四", "1003": "王五"}


def row(**kw) -> dict:
    sid = kw.get("工号", "1001")
    base = {"工号": "1001", "姓名": _NAMES.get(str(sid), "赵六"), "单位": "财务处", "职级类别": CLERK}
    base.update(kw)
    return base


def write_roster(path: Path, rows: list[dict], *, header: list[str] | None = None,
                 title: str | None = "干部花名册", sheet: str = "花名册") -> Path:
    header = header or HEADER
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
    ws.append(header)
    for r in rows:
        ws.append([r.get(h.replace("\n", "").replace(" ", "")) for h in header])
    wb.save(path)
    return path


def rules(findings, sev=None):
    return sorted(f.rule for f in findings if sev is None or f.severity == sev)


# ---------------------------------------------------------------- template


def test_template_has_header_validations_help_and_layout(tmp_path):
    path = save_workbook(roster_template_workbook(["办公室", "财务处", "鹿城分中心"]),
                         tmp_path / "t.xlsx")
    wb = load_workbook(path)
    ws = wb["花名册"]
    assert ws["A1"].value == "干部花名册"
    assert [ws.cell(2, i).value for i in range(1, len(HEADER) + 1)] == HEADER
    assert "是否在编" in HEADER and "拒不参加或弄虚作假" in HEADER and "特殊情形" in HEADER
    assert ws.freeze_panes == "C3"
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4)
    col = {c.value: c.column_letter for c in ws[2]}
    validated = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            validated[rng.coord.split(":")[0].rstrip("0123456789")] = dv
    for label in ("单位", "职级类别", "是否在编", "特殊情形", "拒不参加或弄虚作假"):
        assert col[label] in validated, label
    lists = wb["_lists"]
    assert lists.sheet_state == "hidden"
    units = [lists.cell(r, 1).value for r in range(2, 5)]
    assert units == ["办公室", "财务处", "鹿城分中心"]
    cats = [lists.cell(r, 3).value for r in range(2, 6)]
    assert "受处分" in cats and "病事假超过考核周期一半" not in cats
    ranks = [lists.cell(r, 2).value for r in range(2, 6)]
    assert ranks == [r.value for r in RankCategory]
    helps = wb["说明"]
    explained = {helps.cell(r, 1).value for r in range(3, 3 + len(HEADER))}
    assert explained == set(HEADER)
    text = " ".join(str(c.value) for r in helps.iter_rows() for c in r if c.value)
    assert "§二" in text and "；" in text and "§五(一)" in text


def test_template_without_units_has_no_unit_dropdown(tmp_path):
    path = save_workbook(roster_template_workbook(), tmp_path / "t.xlsx")
    ws = load_workbook(path)["花名册"]
    col = {c.value: c.column_letter for c in ws[2]}
    coords = [rng.coord for dv in ws.data_validations.dataValidation for rng in dv.sqref.ranges]
    assert not any(c.startswith(col["单位"]) for c in coords)
    assert any(c.startswith(col["职级类别"]) for c in coords)


def test_blank_template_reads_as_empty_roster(tmp_path):
    path = save_workbook(roster_template_workbook(["办公室"]), tmp_path / "t.xlsx")
    roster, findings = read_roster(path)
    assert roster.people == [] and findings == []


def test_filled_template_round_trips(tmp_path):
    people = [
        Person(staff_id="0012", name="王五", unit="鹿城分中心", quota_group=None, section="综合科",
               post="科员", rank="一级科员", rank_category=RankCategory.CLERK,
               hired_on=dt.date(2020, 5, 6),
               special_cases=[SpecialCase(category=SpecialCategory.DISCIPLINED,
                                          start=dt.date(2026, 3, 1), end=dt.date(2027, 2, 28)),
                              SpecialCase(category=SpecialCategory.ORG_HANDLING)]),
        Person(staff_id="0013", name="赵六", unit="财务处", quota_group="机关",
               rank_category=RankCategory.PROBATION, probation_until=dt.date(2026, 9, 30),
               special_cases=[SpecialCase(category=SpecialCategory.UNDER_INVESTIGATION,
                                          start=dt.date(2026, 4, 1))],
               on_establishment=False, refused_or_falsified=True),
    ]
    path = save_workbook(roster_template_workbook(people=people), tmp_path / "r.xlsx")
    roster, findings = read_roster(path)
    assert findings == []
    got = [p.model_copy(update={"row": None}) for p in roster.people]
    assert got == people


# ---------------------------------------------------------------- reading layouts


def test_header_found_with_title_extra_columns_reordered_and_spaced_labels(tmp_path):
    header = ["序号", "姓 名", "工\n号", "职级类别", "所属处室/\n分支机构", "手机", "是否\u3000在编",
              "入职日期"]
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["示例市住房公积金管理中心干部花名册"])
    ws.append([])
    ws.append(header)
    ws.append([1, "李 四", 1002, CLERK, "办公室", "13800000000", "是", dt.datetime(2019, 7, 1)])
    ws.append([None] * 8)
    ws.append([2, "王五", "1003", "科员", "财务处", None, "否", "2020.3.5"])
    ws.append(["注：本表由人事处维护"])
    path = tmp_path / "r.xlsx"
    wb.save(path)
    roster, findings = read_roster(path)
    assert findings == []
    a, b = roster.people
    assert (a.staff_id, a.name, a.unit, a.hired_on, a.row) == ("1002", "李四", "办公室",
                                                               dt.date(2019, 7, 1), 4)
    assert (b.staff_id, b.rank_category, b.on_establishment, b.hired_on) == (
        "1003", RankCategory.CLERK, False, dt.date(2020, 3, 5))


def test_not_a_roster_raises(tmp_path):
    wb = Workbook()
    wb.active.append(["干部日常考评季度评价表"])
    wb.active.append(["随便", "一些", "内容"])
    path = tmp_path / "x.xlsx"
    wb.save(path)
    with pytest.raises(KaopingError, match="不是花名册"):
        read_roster(path)


def test_a_form_is_not_a_roster(tmp_path):
    from kaoping.forms.routine import monthly_workbook, quarterly_workbook
    from kaoping.periods import Month, Quarter

    person = Person(staff_id="1", name="张三", unit="财务处", section="综合科", post="科员",
                    rank_category=RankCategory.CLERK)
    for wb in (quarterly_workbook(person, Quarter(2026, 3)), monthly_workbook(person, Month(2026, 7))):
        path = save_workbook(wb, tmp_path / "form.xlsx", force=True)
        with pytest.raises(KaopingError, match="不是花名册"):
            read_roster(path)


def test_missing_required_column_raises(tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [row()], header=["工号", "姓名", "单位", "职务"])
    with pytest.raises(KaopingError, match="职级类别"):
        read_roster(path)


# ---------------------------------------------------------------- findings


def test_r1_duplicate_staff_id_names_both_rows(tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [row(), row(姓名="李四"), row(工号="1002")])
    roster, findings = read_roster(path)
    r1 = [f for f in findings if f.rule == "R1"]
    assert len(r1) == 2 and all(f.severity == Severity.ERROR for f in r1)
    assert {f.cell for f in r1} == {"A3", "A4"}
    assert all("第3行" in f.message and "第4行" in f.message for f in r1)
    assert all(f.sheet == "花名册" for f in r1)
    assert [p.staff_id for p in roster.people] == ["1001", "1002"]


@pytest.mark.parametrize(("label", "letter"), [("工号", "A"), ("姓名", "B"), ("单位", "C")])
def test_r2_blank_required_field(tmp_path, label, letter):
    path = write_roster(tmp_path / "r.xlsx", [row(**{label: None}), row(工号="1002")])
    roster, findings = read_roster(path)
    assert rules(findings) == ["R2"]
    assert findings[0].cell == f"{letter}3" and label in findings[0].message
    assert len(roster.people) == 1


def test_fully_blank_rows_are_skipped(tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [row(), {}, {"备注": None}, row(工号="1002")])
    roster, findings = read_roster(path)
    assert findings == [] and len(roster.people) == 2


@pytest.mark.parametrize("value", ["处级", None])
def test_r3_unknown_or_blank_rank_category_lists_allowed(tmp_path, value):
    path = write_roster(tmp_path / "r.xlsx", [row(职级类别=value)])
    roster, findings = read_roster(path)
    assert rules(findings) == ["R3"]
    assert findings[0].cell == "H3"
    for r in RankCategory:
        assert r.value in findings[0].message
    assert roster.people == []


@pytest.mark.parametrize("alias", ["科员", " 科员级 ", "乡科级职务、一至四级主任科员职级", "试用期"])
def test_rank_category_aliases_accepted(tmp_path, alias):
    path = write_roster(tmp_path / "r.xlsx", [row(职级类别=alias)])
    roster, findings = read_roster(path)
    assert findings == [] and len(roster.people) == 1


@pytest.mark.parametrize(("label", "letter"), [("入职日期", "K"), ("试用期至", "L")])
def test_r4_bad_dates(tmp_path, label, letter):
    path = write_roster(tmp_path / "r.xlsx", [row(**{label: "2026-02-30"})])
    roster, findings = read_roster(path)
    assert rules(findings) == ["R4"]
    assert findings[0].cell == f"{letter}3" and label in findings[0].message
    assert len(roster.people) == 1  # the person is kept, the date left empty


def test_r4_bad_date_inside_special_case_text(tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [row(特殊情形="受处分 2026-3-1~明年")])
    _, findings = read_roster(path)
    assert rules(findings) == ["R4"] and findings[0].cell == "M3"


@pytest.mark.parametrize("text", ["调离", "病事假累计超过考核周期一半"])
def test_r5_unknown_or_derived_special_case(tmp_path, text):
    path = write_roster(tmp_path / "r.xlsx", [row(特殊情形=text)])
    roster, findings = read_roster(path)
    assert rules(findings) == ["R5"] and findings[0].cell == "M3"
    assert roster.people[0].special_cases == []


def test_several_special_cases_in_one_cell(tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [row(
        特殊情形="受处分 2026-03-01~2027-02-28；受组织处理或诫勉\n涉嫌违纪违法被立案调查尚未结案 2026.5.6起")])
    roster, findings = read_roster(path)
    assert findings == []
    cases = roster.people[0].special_cases
    assert [(c.category, c.start, c.end) for c in cases] == [
        (SpecialCategory.DISCIPLINED, dt.date(2026, 3, 1), dt.date(2027, 2, 28)),
        (SpecialCategory.ORG_HANDLING, None, None),
        (SpecialCategory.UNDER_INVESTIGATION, dt.date(2026, 5, 6), None),
    ]


def test_single_case_takes_dates_from_columns(tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [row(特殊情形="受处分", 情形起始="2026-01-10",
                                                  情形截止=dt.datetime(2026, 7, 9))])
    roster, findings = read_roster(path)
    assert findings == []
    (case,) = roster.people[0].special_cases
    assert (case.start, case.end) == (dt.date(2026, 1, 10), dt.date(2026, 7, 9))


def test_r8_case_dates_inconsistent(tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [
        row(特殊情形="受处分", 情形起始="2026-05-01", 情形截止="2026-01-01"),
        row(工号="1002", 特殊情形="受处分；受组织处理或诫勉", 情形起始="2026-01-01"),
        row(工号="1003", 情形截止="2026-01-01"),
    ])
    _, findings = read_roster(path)
    got = [(f.rule, f.severity, f.cell) for f in findings]
    assert got == [("R8", Severity.ERROR, "M3"), ("R8", Severity.WARNING, "N4"),
                   ("R8", Severity.WARNING, "O5")]


@pytest.mark.parametrize(("label", "letter"), [("是否在编", "P"), ("拒不参加或弄虚作假", "Q")])
def test_r6_yes_no_columns(tmp_path, label, letter):
    path = write_roster(tmp_path / "r.xlsx", [row(**{label: "待定"}), row(工号="1002", **{label: "否"})])
    roster, findings = read_roster(path)
    assert rules(findings) == ["R6"] and findings[0].cell == f"{letter}3"
    assert "待定" in findings[0].message


def test_yes_no_values(tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [
        row(是否在编="否", 拒不参加或弄虚作假="是"), row(工号="1002")])
    roster, findings = read_roster(path)
    assert findings == []
    a, b = roster.people
    assert (a.on_establishment, a.refused_or_falsified) == (False, True)
    assert (b.on_establishment, b.refused_or_falsified) == (True, False)


def test_r7_same_name_same_unit_is_info_only(tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [
        row(), row(工号="1002", 姓名="张 三"), row(工号="1003", 姓名="张三", 单位="办公室")])
    roster, findings = read_roster(path)
    assert rules(findings) == ["R7", "R7"]
    assert all(f.severity == Severity.INFO for f in findings)
    assert {f.cell for f in findings} == {"B3", "B4"}
    assert len(roster.people) == 3


def test_staff_id_typed_as_number(tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [row(工号=1001), row(工号=1001.0)])
    roster, findings = read_roster(path)
    assert rules(findings) == ["R1", "R1"]
    assert roster.people[0].staff_id == "1001"


# ---------------------------------------------------------------- due


def _p(sid, **kw):
    return Person(staff_id=sid, name=sid, unit="财务处", rank_category=RankCategory.CLERK, **kw)


def test_due_people_boundaries():
    roster = Roster(people=[
        _p("a"),
        _p("b", hired_on=dt.date(2026, 9, 30)),  # hired on the last day: due
        _p("c", hired_on=dt.date(2026, 10, 1)),  # hired after: not due
        _p("d", on_establishment=False),  # not 在编: not due
        _p("e", special_cases=[SpecialCase(category=SpecialCategory.DISCIPLINED)]),  # 不定档 but due
    ])
    due = due_people(roster, dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert [p.staff_id for p in due] == ["a", "b", "e"]


# ---------------------------------------------------------------- CLI

runner = CliRunner()


def flat(text: str) -> str:
    """CLI output without the line breaks and padding rich adds for the terminal width."""
    return re.sub(r"[\s│┃|]+", "", text)


def test_cli_template(tmp_path):
    out = tmp_path / "花名册.xlsx"
    res = runner.invoke(app, ["roster", "template", str(out), "--units", "办公室,财务处，鹿城分中心"])
    assert res.exit_code == 0, res.output
    assert out.is_file()
    lists = load_workbook(out)["_lists"]
    assert [lists.cell(r, 1).value for r in range(2, 5)] == ["办公室", "财务处", "鹿城分中心"]
    again = runner.invoke(app, ["roster", "template", str(out)])
    assert again.exit_code == 2 and "--force" in flat(again.output)
    forced = runner.invoke(app, ["roster", "template", str(out), "--force"])
    assert forced.exit_code == 0


def test_cli_check_clean_roster_exit_0(tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [
        row(), row(工号="1002", 姓名="李四", 单位="鹿城分中心", 特殊情形="受处分"),
        row(工号="1003", 姓名="王五", 是否在编="否")])
    res = runner.invoke(app, ["roster", "check", str(path)])
    assert res.exit_code == 0, res.output
    out = flat(res.output)
    assert "共3人" in out and "在编2人" in out
    assert "鹿城分中心" in out and "受处分" in out and "未发现问题" in out


def test_cli_check_with_errors_writes_problems(tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [row(), row(姓名="李四")])
    problems = tmp_path / "问题清单.xlsx"
    res = runner.invoke(app, ["roster", "check", str(path), "--problems", str(problems)])
    assert res.exit_code == 1, res.output
    assert "R1" in res.output
    ws = load_workbook(problems)["全部"]
    assert [ws.cell(r, 3).value for r in (3, 4)] == ["R1", "R1"]


def test_cli_check_not_a_roster_exit_2(tmp_path):
    wb = Workbook()
    wb.active.append(["别的表"])
    path = tmp_path / "x.xlsx"
    wb.save(path)
    res = runner.invoke(app, ["roster", "check", str(path)])
    assert res.exit_code == 2 and "不是花名册" in flat(res.output)
    missing = runner.invoke(app, ["roster", "check", str(tmp_path / "none.xlsx")])
    assert missing.exit_code == 2 and "找不到" in flat(missing.output)
