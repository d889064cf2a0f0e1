"""`kaoping explain`: why one person got their outcome, on the example 2026Q3 (hand-derived
from examples/README.md and the scenario in examples/generate.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.errors import KaopingError
from kaoping.models import Outcome, SpecialCategory
from kaoping.pipeline.explain import run_explain
from kaoping.report.explain import outcome_line, sections
from kaoping.rules.catalog import rule

ROOT = Path(__file__).resolve().parents[1]
ROSTER = ROOT / "examples" / "花名册.xlsx"
Q3 = ROOT / "examples" / "collected" / "2026Q3"


@pytest.fixture(scope="module")
def explained():
    cache: dict[str, object] = {}

    def get(who: str):
        if who not in cache:
            cache[who] = run_explain(ROSTER, Q3, who)
        return cache[who]
    return get


def _text(e) -> dict[str, str]:
    return {title: "\n".join(lines) for title, lines in sections(e)}


def test_over_quota_good_names_the_q2_finding_with_clause_and_fix(explained):
    e = explained("2001")  # 叶思远, one of 鹿城's six 好 (cap 5)
    assert e.result.outcome == Outcome.GOOD
    text = _text(e)
    assert "上限 5 人" in text["“好”等次名额（§四(三)3）"]
    assert "超出上限 1 人" in text["“好”等次名额（§四(三)3）"]
    assert [f.rule for f in e.findings] == ["Q2"]
    assert rule("Q2").fix in text["问题"] and "§四(三)3" in text["问题"]


def test_forms_read_name_file_and_sheet(explained):
    e = explained("2001")
    kinds = [(f.kind, f.period) for f in e.forms]
    assert kinds == [("季度评价表", "2026年第三季度"), ("月度小结表", "2026年7月"),
                     ("月度小结表", "2026年8月"), ("月度小结表", "2026年9月")]
    assert e.forms[0].file.endswith("鹿城分中心/综合科/叶思远-2026Q3.xlsx")
    assert "工作表「季度评价」" in _text(e)["读取的表格"]


def test_attendance_arithmetic_of_low_attendance(explained):
    e = explained("4007")  # 林琳: sick leave 15 of 66 workdays, graded 较好 (planted Q5)
    text = _text(e)["出勤（§四(三)4(3)）"]
    assert "应出勤 66 − 0 − 0 = 66 天" in text
    assert "实际出勤 66 − 15 = 51 天，出勤率 77.3%，未达到 80%" in text
    q5 = [f for f in e.findings if f.rule == "Q5"]
    assert q5 and q5[0].cell == "C10:F10" and q5[0].file.endswith("林琳-2026Q3.xlsx")


def test_long_leave_is_category_2_and_explained(explained):
    e = explained("3006")  # 袁志刚: 35 of 66 days sick leave
    assert e.result.special_categories == [SpecialCategory.LONG_LEAVE]
    text = _text(e)
    assert "超过考核周期工作日的 50%（33 天）：§二第2类" in text["出勤（§四(三)4(3)）"]
    assert "不占名额，但计入比例基数" in text["“好”等次名额（§四(三)3）"]


def test_roster_special_case_with_its_dates(explained):
    e = explained("4005")  # 郑凯: 受处分 2026-03-01～2027-02-28, ticked anyway (Q6)
    text = _text(e)
    assert "第4类（受处分）：花名册特殊情形 2026-03-01～2027-02-28" in text["不定档（§二）"]
    assert "勾选不计入" in text["勾选（§四(三)1）"]
    assert [f.rule for f in e.findings] == ["Q6"]


def test_probation_and_a_name_instead_of_a_staff_id(explained):
    e = explained("吴昊天")
    assert e.person.staff_id == "1005"
    assert "花名册职级类别为“试用期”" in _text(e)["不定档（§二）"]


def test_missing_form_is_absent_with_q8(explained):
    e = explained("3009")  # 陆宇: monthly summaries, no quarterly form
    assert e.result.outcome == Outcome.ABSENT and e.ticks is None
    assert [f.kind for f in e.forms] == ["月度小结表"] * 3
    assert [f.rule for f in e.findings] == ["Q8"]


def test_someone_not_due_gets_only_the_why(explained):
    e = explained("4003")  # 应丽: not 在编
    assert not e.due and "不是2026年第三季度的考评对象" in outcome_line(e)
    assert [t for t, _ in sections(e)] == ["人员", "是否参加"]
    assert "是否在编”为否" in _text(e)["是否参加"]


def test_unknown_or_ambiguous_person():
    with pytest.raises(KaopingError, match="没有工号或姓名"):
        run_explain(ROSTER, Q3, "9999")
    with pytest.raises(KaopingError, match="2 人叫「王磊」"):
        run_explain(ROSTER, Q3, "王磊")


def test_cli_exit_code_follows_the_persons_errors():
    runner = CliRunner()
    args = ["explain", "-r", str(ROSTER), str(Q3), "-p", "2026Q3", "--person"]
    bad = runner.invoke(app, [*args, "4007"], env={"COLUMNS": "200"})
    assert bad.exit_code == 1 and "林琳（4007）2026年第三季度的结果：较好" in bad.output
    good = runner.invoke(app, [*args, "1001"], env={"COLUMNS": "200"})
    assert good.exit_code == 0 and "没有关于此人的问题" in good.output
    assert runner.invoke(app, [*args, "王磊"]).exit_code == 2
