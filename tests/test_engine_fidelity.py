"""Issue 14, engine side: no silent guess that can change a grade, a count or a list.

Unknown workdays (item 9), no forms (item 10), 不定档 by the quarter's last day (item 4),
"均为较差" (item 5), lists resting on fewer quarters (item 6), approved quota exceptions
(item 11) — each on both sides of its boundary, each finding's place named.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from typer.testing import CliRunner

from helpers_quarter import form, person, roster
from helpers_quarter_cli import write_forms, write_roster
from kaoping.cli import app
from kaoping.models import Severity
from kaoping.periods import Quarter
from kaoping.rules.quarter import evaluate_quarter
from kaoping.rules.settings import Settings

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
runner = CliRunner()


def _invoke(*args) -> tuple[int, str]:
    r = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
    return r.exit_code, r.output


# ---------------------------------------------------------------- item 9: unknown workdays

Q1_2027 = Quarter(2027, 1)
KNOWN_2027 = {"2027-01": 20, "2027-02": 16, "2027-03": 23}


def test_unknown_workdays_is_an_error_naming_the_toml_lines():
    p = person("001", "张三")
    out = evaluate_quarter(roster(p), Q1_2027, [form(p, year=2027, quarter=1)], [],
                           workdays=None, unknown_months={"2027-01": 21, "2027-03": 23})
    (f,) = [f for f in out.findings if f.rule == "Q5"]
    assert f.severity == ERROR
    assert "2027-01、2027-03" in f.message and "备案表不能输出" in f.message
    # Exactly the lines to paste, one per unknown month, the Mon–Fri count as the figure.
    assert "[attendance.workdays]\n\"2027-01\" = 21  # 周一至周五共 21 天" in f.message
    assert "\"2027-03\" = 23" in f.message and "2027-02" not in f.message
    assert (f.clause, f.file, f.cell) == ("§四(三)4(3)", None, None)


def test_no_workdays_from_a_library_caller_stays_a_note():
    p = person("001", "张三")
    out = evaluate_quarter(roster(p), Q1_2027, [form(p, year=2027, quarter=1)], [], workdays=None)
    assert [f.severity for f in out.findings if f.rule == "Q5"] == [INFO]


def _collected_2027(tmp_path: Path) -> tuple[Path, Path]:
    roster_path = write_roster(tmp_path / "花名册.xlsx")
    folder = tmp_path / "collected"
    write_forms(folder, quarter=Q1_2027)
    return roster_path, folder


def test_unknown_workdays_block_the_filing(tmp_path: Path):
    roster_path, folder = _collected_2027(tmp_path)
    out = tmp_path / "out"
    code, output = _invoke("quarter", "report", "-r", roster_path, folder, "-o", out)
    assert code == 1 and "未输出" in output and not out.exists()
    assert "[attendance.workdays]" in output


def test_workdays_in_the_settings_let_the_filing_go_out(tmp_path: Path):
    roster_path, folder = _collected_2027(tmp_path)
    toml = tmp_path / "kaoping.toml"
    toml.write_text("[attendance.workdays]\n" + "".join(f'"{k}" = {v}\n' for k, v in KNOWN_2027.items()),
                    encoding="utf-8")
    out = tmp_path / "out"
    code, output = _invoke("quarter", "report", "-r", roster_path, folder, "-o", out, "-c", toml,
                           "--date", "2027-04-15")
    assert code == 0, output
    assert (out / "季度结果台账-2027Q1.xlsx").is_file()


def test_pipeline_names_only_the_months_still_unknown(tmp_path: Path):
    from kaoping.pipeline import run_quarter

    roster_path, folder = _collected_2027(tmp_path)
    settings = Settings.model_validate({"attendance": {"workdays": {"2027-02": 16}}})
    run = run_quarter(roster_path, folder, settings=settings)
    (f,) = [f for f in run.findings if f.rule == "Q5" and f.severity == ERROR]
    assert '"2027-01" = 21' in f.message and '"2027-03" = 23' in f.message
    assert '"2027-02"' not in f.message


# ---------------------------------------------------------------- item 10: no forms





def _two_unit_roster(tmp_path: Path, group: str | None = None) -> Path:
    from helpers_quarter_cli import PEOPLE

    people = [p if i < 3 else p.model_copy(update={"unit": "财务处"}) for i, p in enumerate(PEOPLE)]
    if group:
        people = [p.model_copy(update={"quota_group": group}) for p in people]
    from kaoping.forms.roster import roster_template_workbook
    from kaoping.output.workbook import save_workbook

    return save_workbook(roster_template_workbook(["综合处", "财务处"], people=people),
                         tmp_path / "花名册.xlsx")


def test_an_empty_folder_exits_2_and_writes_nothing(tmp_path: Path):
    roster_path = write_roster(tmp_path / "花名册.xlsx")
    (tmp_path / "empty").mkdir()
    out, problems = tmp_path / "out", tmp_path / "问题清单.xlsx"
    code, output = _invoke("quarter", "report", "-r", roster_path, tmp_path / "empty", "-p", "2026Q3",
                           "-o", out, "--problems", problems, "--force")
    assert code == 2 and "没有2026年第三季度的季度评价表" in "".join(output.split())
    assert not out.exists() and not problems.exists()


def test_forms_of_another_quarter_only_exit_2(tmp_path: Path):
    roster_path = write_roster(tmp_path / "花名册.xlsx")
    write_forms(tmp_path / "c", quarter=Quarter(2026, 2))
    code, output = _invoke("quarter", "check", "-r", roster_path, tmp_path / "c", "-p", "2026Q3")
    flat = "".join(output.split())
    assert code == 2 and "2026年第二季度5份" in flat


def test_one_form_is_enough_to_run(tmp_path: Path):
    from helpers_quarter_cli import FG

    roster_path = write_roster(tmp_path / "花名册.xlsx")
    write_forms(tmp_path / "c", {"1001": FG})
    code, _ = _invoke("quarter", "check", "-r", roster_path, tmp_path / "c", "-p", "2026Q3")
    assert code == 0  # the others are Q8 警告 未参加, no unit is left without a form


def test_a_unit_without_any_form_is_an_error(tmp_path: Path):
    from helpers_quarter_cli import GRADES
    from kaoping.pipeline import run_quarter

    roster_path = _two_unit_roster(tmp_path)
    write_forms(tmp_path / "c", {k: v for k, v in GRADES.items() if k in ("1001", "1002", "1003")})
    run = run_quarter(roster_path, tmp_path / "c")
    (f,) = [f for f in run.findings if f.rule == "Q8" and f.severity == ERROR]
    assert f.unit == "财务处" and "应交2026年第三季度评价表 2 份" in f.message
    assert "--unit 综合处" in f.message and f.clause == "§二、§四(三)5"
    # One form of 财务处 is enough: no unit-wide error, the other one is a 警告.
    write_forms(tmp_path / "c", {"1004": GRADES["1004"]})
    run = run_quarter(roster_path, tmp_path / "c")
    assert not [f for f in run.findings if f.severity == ERROR]


def test_unit_option_limits_the_run_to_units_present(tmp_path: Path):
    from helpers_quarter_cli import GRADES

    roster_path = _two_unit_roster(tmp_path)
    folder = tmp_path / "c"
    write_forms(folder, dict(GRADES))
    # 财务处's forms are in the folder too but outside the run: no finding, no table.
    out = tmp_path / "out"
    code, output = _invoke("quarter", "report", "-r", roster_path, folder, "-o", out, "-u", "综合处",
                           "--date", "2026-10-15")
    assert code == 0, output
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*.xlsx"))
    assert files == ["季度结果台账-2026Q3-综合处.xlsx", "综合处/谈话提醒和批评教育名单-2026Q3.xlsx",
                     "综合处/附件4-备案表-2026Q3.xlsx", "综合处/附件5-名单表-2026Q3.xlsx"]
    from kaoping.report.ledger import read_ledger

    ledger = read_ledger(out / "季度结果台账-2026Q3-综合处.xlsx")
    assert sorted(r.staff_id for r in ledger.results) == ["1001", "1002", "1003"]


def test_unit_option_refuses_an_unknown_unit_or_part_of_a_group(tmp_path: Path):
    roster_path = _two_unit_roster(tmp_path, group="机关")
    write_forms(tmp_path / "c")
    code, output = _invoke("quarter", "check", "-r", roster_path, tmp_path / "c", "-u", "综合处")
    assert code == 2 and "--unit财务处" in "".join(output.split())
    code, output = _invoke("quarter", "check", "-r", roster_path, tmp_path / "c", "-u", "综合处",
                           "-u", "财务处")
    assert code == 0, output
    code, output = _invoke("quarter", "check", "-r", roster_path, tmp_path / "c", "-u", "人事处")
    assert code == 2 and "人事处" in output


def test_unreadable_files_are_named_when_no_form_is_left(tmp_path: Path):
    roster_path = write_roster(tmp_path / "花名册.xlsx")
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "坏表-张一-2026Q3.xlsx").write_bytes(b"not a workbook")
    code, output = _invoke("quarter", "check", "-r", roster_path, folder, "-p", "2026Q3")
    flat = "".join(output.split())
    assert code == 2 and "坏表-张一-2026Q3.xlsx" in flat and "F1" in flat


# ---------------------------------------------------------------- item 4: 不定档 by the last day


def test_annex4_remark_shows_the_reading_of_the_categories():
    from kaoping.models import Outcome
    from kaoping.report.filing import RowCounts, annex4_remark

    counts = RowCounts(due=3)
    counts.grades[Outcome.UNDETERMINED] = 1
    assert "特殊情形以季度最后一天是否在期内为准" in annex4_remark(counts)
    any_day = Settings.model_validate({"categories": {"applies": "any_overlap"}})
    assert "特殊情形与季度有一天重叠即不定档" in annex4_remark(counts, settings=any_day)
    counts.grades[Outcome.UNDETERMINED] = 0
    assert "特殊情形" not in annex4_remark(counts)


def test_categories_setting_is_checked():
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Settings.model_validate({"categories": {"applies": "some_days"}})


# ---------------------------------------------------------------- item 13: follow-ups each quarter


def _results():
    from helpers_quarter import AV, FG, PO

    people = [person("001", "张三"), person("002", "李四"), person("003", "王五"),
              person("004", "赵六", unit="财务处")]
    forms = [form(people[0], AV), form(people[1], PO, opinion="直接定较差，见说明", direct_poor=True),
             form(people[2], FG), form(people[3], AV)]
    return evaluate_quarter(roster(*people), Quarter(2026, 3), forms, [], workdays=66).results


def test_followup_workbook_lists_average_and_poor_with_blank_columns():
    from kaoping.excel import followup_layout as L
    from kaoping.report.followup import followup_workbook

    results = [r for r in _results() if r.unit == "办公室"]
    wb = followup_workbook(results, Quarter(2026, 3), "办公室")
    assert wb.sheetnames == [L.TALK_SHEET, L.CRITICISE_SHEET, "_kaoping"]
    talk = wb[L.TALK_SHEET]
    assert [talk.cell(L.HEADER_ROW, c).value for c in range(1, len(L.COLUMNS) + 1)] == list(L.COLUMNS)
    assert "2026年第三季度平时考核谈话提醒名单（办公室）" == talk.cell(L.TITLE_ROW, 1).value
    assert "§五(二)" in talk.cell(L.BASIS_ROW, 1).value
    row = [talk.cell(L.FIRST_ROW, c).value for c in range(1, len(L.COLUMNS) + 1)]
    assert row == [1, "001", "张三", "办公室", None, None, "一般", "谈话提醒", None, None]
    assert talk.cell(L.FIRST_ROW + 1, 1).value is None  # 王五 (较好) is not listed
    poor = wb[L.CRITICISE_SHEET]
    assert [poor.cell(L.FIRST_ROW, c).value for c in (3, 7, 8)] == ["李四", "较差", "批评教育"]
    # A4, printable: landscape, the header row repeated on every page.
    assert str(talk.page_setup.paperSize) == talk.PAPERSIZE_A4 and talk.page_setup.orientation == "landscape"
    assert talk.print_title_rows == f"${L.HEADER_ROW}:${L.HEADER_ROW}"
    meta = {r[0].value: r[1].value for r in wb["_kaoping"].iter_rows()}
    assert meta == {"kind": "followup", "version": L.FOLLOWUP_VERSION, "year": "2026", "quarter": "3",
                    "unit": "办公室"}
    assert wb["_kaoping"].sheet_state == "hidden"


def test_followup_sheet_with_nobody_says_so():
    from kaoping.excel import followup_layout as L
    from kaoping.report.followup import followup_workbook

    results = [r for r in _results() if r.unit == "财务处"]
    wb = followup_workbook(results, Quarter(2026, 3), "财务处")
    assert wb[L.CRITICISE_SHEET].cell(L.FIRST_ROW, 1).value == L.EMPTY
    assert wb[L.TALK_SHEET].cell(L.FIRST_ROW, 3).value == "赵六"


def test_quarter_report_writes_the_followups_per_unit_and_centre(tmp_path: Path):
    from openpyxl import load_workbook

    from kaoping.excel import followup_layout as L

    roster_path = _two_unit_roster(tmp_path)
    write_forms(tmp_path / "c")  # 1004 赵四 一般 (财务处); nobody 较差
    out = tmp_path / "out"
    code, output = _invoke("quarter", "report", "-r", roster_path, tmp_path / "c", "-o", out,
                           "--date", "2026-10-15")
    assert code == 0, output
    name = L.followup_file(Quarter(2026, 3))
    unit = load_workbook(out / "财务处" / name)[L.TALK_SHEET]
    assert unit.cell(L.FIRST_ROW, L.COL["姓名"]).value == "赵四"
    assert load_workbook(out / "综合处" / name)[L.TALK_SHEET].cell(L.FIRST_ROW, 1).value == L.EMPTY
    centre = load_workbook(out / "全中心" / name)[L.TALK_SHEET]
    assert centre.cell(L.FIRST_ROW, L.COL["单位"]).value == "财务处"


# ---------------------------------------------------------------- item 6: lists on fewer quarters


def _year(grades, notes=None, **kw):
    from helpers_annual import ledgers
    from helpers_annual import person as year_person
    from helpers_annual import roster as year_roster

    from kaoping.rules.annual import evaluate_year

    p = year_person("001", "张三", **kw)
    books = ledgers([p], {"001": grades})
    for q, note in (notes or {}).items():
        books[q - 1].results[0].note = note
    for book in books:
        book.sheet = "季度结果台账"
        for i, r in enumerate(book.results, start=2):
            r.row = i
    return evaluate_year(year_roster(p), books, 2026)


def test_a_candidate_on_two_quarters_says_which_are_missing():
    from helpers_annual import AB, G

    out = _year([G, G, AB, AB], notes={3: "病假住院", 4: "借调省厅"})
    (p,) = out.people
    assert p.excellent_candidate
    assert "第三、四季度未参加考核（结论只依据其余 2 个定档季度）" in p.remark()


def test_absent_without_a_reason_is_a_warning_naming_the_ledger_row():
    from helpers_annual import AB, FG

    out = _year([FG, FG, AB, FG], notes={3: "未交评价表"})
    (f,) = [f for f in out.findings if f.rule == "Y5"]
    assert f.severity == WARNING and "第三季度未参加考核" in f.message and "无正当理由" in f.message
    assert (f.file, f.sheet, f.cell, f.staff_id) == ("台账-2026Q3.xlsx", "季度结果台账", "第2行", "001")
    assert f.clause == "§五(一)"


def test_absent_with_a_recorded_reason_is_not_asked_about():
    from helpers_annual import AB, FG

    out = _year([FG, FG, AB, FG], notes={3: "未交评价表；产假"})
    assert [f for f in out.findings if f.rule == "Y5"] == []


@pytest.mark.parametrize(("text", "parsed"), [
    (None, (False, None, None)), ("否", (False, None, None)), ("是", (True, None, None)),
    ("是 2026", (True, 2026, None)), ("2026年", (True, 2026, None)), ("是（2026年度）", (True, 2026, None)),
    ("是 2026-11-03", (True, 2026, dt.date(2026, 11, 3))), ("2026.11.3", (True, 2026, dt.date(2026, 11, 3))),
])
def test_roster_refusal_carries_its_year(text, parsed):
    from kaoping.excel.roster import refusal

    assert refusal(text) == parsed


def test_roster_refusal_of_another_kind_is_refused():
    from kaoping.excel.roster import refusal

    with pytest.raises(ValueError):
        refusal("待定")


def test_a_refusal_counts_for_its_year_only():
    from helpers_annual import FG

    out = _year([FG] * 4, refused_or_falsified=True, refused_or_falsified_year=2025)
    assert out.incompetent == []
    (f,) = [f for f in out.findings if f.rule == "Y4"]
    assert f.severity == INFO and "2025年度" in f.message
    out = _year([FG] * 4, refused_or_falsified=True, refused_or_falsified_year=2026)
    assert [p.name for p in out.incompetent] == ["张三"]
    assert [f for f in out.findings if f.rule == "Y4"] == []


def test_a_bare_yes_asks_for_the_year():
    from helpers_annual import FG

    out = _year([FG] * 4, refused_or_falsified=True, row=7)
    assert [p.name for p in out.incompetent] == ["张三"]
    (f,) = [f for f in out.findings if f.rule == "Y4"]
    assert f.severity == ERROR and "是 2026" in f.message and f.cell == "第7行"


def test_the_roster_template_writes_and_reads_the_year(tmp_path: Path):
    from helpers_annual import person as year_person

    from kaoping.excel.roster import read_roster
    from kaoping.forms.roster import roster_template_workbook
    from kaoping.output.workbook import save_workbook

    people = [year_person("001", "张三", refused_or_falsified=True, refused_or_falsified_year=2026),
              year_person("002", "李四", refused_or_falsified=True, refused_or_falsified_year=2026,
                          refused_or_falsified_on=dt.date(2026, 11, 3)),
              year_person("003", "王五")]
    path = save_workbook(roster_template_workbook(people=people), tmp_path / "花名册.xlsx")
    roster, findings = read_roster(path)
    assert findings == []
    got = {p.staff_id: (p.refused_or_falsified, p.refused_or_falsified_year, p.refused_or_falsified_on)
           for p in roster.people}
    assert got == {"001": (True, 2026, None), "002": (True, 2026, dt.date(2026, 11, 3)),
                   "003": (False, None, None)}


# ---------------------------------------------------------------- item 11: approved quota exceptions


def _over_quota_unit(settings: Settings):
    from helpers_quarter import FG, G

    people = [person(f"00{i}", f"员工{i}", "鹿城分中心") for i in range(1, 6)]  # cap ⌊0.4×5⌋ = 2
    forms = [form(p, G if i < 3 else FG) for i, p in enumerate(people)]
    return evaluate_quarter(roster(*people), Quarter(2026, 3), forms, [], workdays=66, settings=settings)


def _exception(**kw) -> Settings:
    entry = {"unit": "鹿城分中心", "quarter": "2026Q3", "reason": "经中心党组2026年10月12日会议研究同意"}
    return Settings.model_validate({"quota": {"exceptions": [{**entry, **kw}]}})


def test_over_quota_without_an_exception_is_an_error():
    out = _over_quota_unit(Settings())
    (f,) = [f for f in out.findings if f.rule == "Q2"]
    assert f.severity == ERROR and f.unit == "鹿城分中心"


def test_an_approved_exception_lets_the_filing_go_out_with_its_reason():
    from kaoping.report.filing import annex4_remark, annex4_counts

    out = _over_quota_unit(_exception())
    (f,) = [f for f in out.findings if f.rule == "Q2"]
    assert f.severity == INFO and "经中心党组2026年10月12日会议研究同意" in f.message
    (q,) = out.quotas
    assert q.over and q.exception == "经中心党组2026年10月12日会议研究同意"
    people = roster(*[person(f"00{i}", f"员工{i}", "鹿城分中心") for i in range(1, 6)]).people
    remark = annex4_remark(annex4_counts(out.results, people, Quarter(2026, 3)).total, out.quotas)
    assert "超出上限 1 人（§四(三)3“原则上”，经批准的例外：经中心党组2026年10月12日会议研究同意）" in remark


def test_an_exception_of_another_quarter_or_below_the_count_does_not_cover():
    out = _over_quota_unit(_exception(quarter="2026Q2"))
    assert [f.severity for f in out.findings if f.rule == "Q2"] == [ERROR]
    out = _over_quota_unit(_exception(max_good=2))
    (f,) = [f for f in out.findings if f.rule == "Q2"]
    assert f.severity == ERROR and "例外批准的 2 人" in f.message
    out = _over_quota_unit(_exception(max_good=3))
    assert [f.severity for f in out.findings if f.rule == "Q2"] == [INFO]


def test_an_exception_naming_no_unit_is_a_warning():
    out = _over_quota_unit(_exception(unit="鹿城分中新"))
    assert sorted(f.severity for f in out.findings if f.rule == "Q2") == sorted([ERROR, WARNING])
    (w,) = [f for f in out.findings if f.rule == "Q2" and f.severity == WARNING]
    assert "鹿城分中新" in w.message


@pytest.mark.parametrize("bad", [{"quarter": "2026-Q3"}, {"reason": ""}, {"max_good": -1}, {"unit": ""}])
def test_exceptions_are_validated(bad):
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        _exception(**bad)


def test_quarter_report_files_an_approved_breach(tmp_path: Path):
    from openpyxl import load_workbook

    from helpers_quarter_cli import FG, G

    roster_path = write_roster(tmp_path / "花名册.xlsx")
    write_forms(tmp_path / "c", {"1001": G, "1002": G, "1003": G, "1004": FG, "1005": FG})
    out = tmp_path / "out"
    code, _ = _invoke("quarter", "report", "-r", roster_path, tmp_path / "c", "-o", out)
    assert code == 1 and not out.exists()  # 3 好 of 5, cap 2: an 错误
    toml = tmp_path / "kaoping.toml"
    toml.write_text('[[quota.exceptions]]\nunit = "综合处"\nquarter = "2026Q3"\nreason = "经党组会议同意"\n',
                    encoding="utf-8")
    code, output = _invoke("quarter", "report", "-r", roster_path, tmp_path / "c", "-o", out, "-c", toml,
                           "--date", "2026-10-15")
    assert code == 0, output
    remark = load_workbook(out / "综合处" / "附件4-备案表-2026Q3.xlsx").worksheets[0]["B13"].value
    assert "经批准的例外：经党组会议同意" in remark
