"""`kaoping explain`: one person's quarterly outcome in plain Chinese, section by section.

The facts (`Explanation`) are gathered by `pipeline.explain.run_explain` from the quarter's
check; here they become the sentences a clerk reads to a leader: which forms were read
(file, sheet), the attendance arithmetic, any 不定档 category and why, the ticks, the quota
of the unit or 考核组 and where the person stands in it, and each finding with its clause
and what to do (from the rule catalogue). No I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..models import (
    Finding,
    Outcome,
    Person,
    QuarterFlag,
    QuarterGrade,
    QuarterResult,
    RankCategory,
    SpecialCategory,
)
from ..periods import Quarter
from ..rules.attendance import AttendanceResult, format_days, format_ratio
from ..rules.catalog import rule
from ..rules.quarter import in_force
from ..rules.quota import QuotaSummary
from ..rules.settings import Settings


@dataclass
class FormRead:
    """A form of the person found in the folder."""

    kind: str  # 季度评价表 / 月度小结表
    file: str
    sheet: str | None
    period: str  # 2026年第三季度 / 2026年7月


@dataclass
class Ticks:
    """What the counted 季度评价表 has ticked."""

    self_ticks: Sequence[QuarterGrade]
    leader_ticks: Sequence[QuarterGrade]
    commended: bool
    direct_poor: bool
    opinion: str | None


@dataclass
class Explanation:
    quarter: Quarter
    person: Person
    due: bool
    settings: Settings
    result: QuarterResult | None = None
    forms: list[FormRead] = field(default_factory=list)
    ticks: Ticks | None = None
    attendance: AttendanceResult | None = None
    workdays: float | None = None
    quota: QuotaSummary | None = None
    findings: list[Finding] = field(default_factory=list)


Section = tuple[str, list[str]]


def _label(q: Quarter) -> str:
    return q.label


def _ticks(ticks: Sequence[QuarterGrade]) -> str:
    return "、".join(t.value for t in ticks) if ticks else "未勾选"


def outcome_line(e: Explanation) -> str:
    """The answer first: the outcome and its flags."""
    p, label = e.person, _label(e.quarter)
    if not e.due:
        return f"{p.name}（{p.staff_id}）不是{label}的考评对象，没有季度结果"
    r = e.result
    assert r is not None
    flags = "、".join(f.value for f in r.flags)
    return f"{p.name}（{p.staff_id}）{label}的结果：{r.outcome.value}" + (f"（{flags}）" if flags else "")


def identity_section(e: Explanation) -> Section:
    p = e.person
    lines = [f"{p.name}，工号 {p.staff_id}，{p.unit}" + (f"{p.section}" if p.section else "")
             + (f"，{p.post}" if p.post else ""),
             f"职级类别：{p.rank_category.value}；“好”等次比例按「{p.quota_key}」核定"
             + ("（考核组）" if p.quota_group else "")]
    if p.row:
        lines.append(f"花名册第 {p.row} 行")
    return "人员", lines


def due_section(e: Explanation) -> Section:
    p, q = e.person, e.quarter
    if e.due:
        return "是否参加", [f"在编，入职日期 {p.hired_on or '未填（按已入职）'}，是{_label(q)}的考评对象（§二）"]
    if not p.on_establishment:
        why = "花名册“是否在编”为否；§二 只考评在编干部"
    else:
        why = f"入职日期 {p.hired_on} 在本季度最后一天 {q.end} 之后（§二）"
    return "是否参加", [why]


def forms_section(e: Explanation) -> Section:
    if not e.forms:
        return "读取的表格", ["文件夹中没有找到此人的季度评价表或当季月度小结"]
    return "读取的表格", [f"{f.kind}（{f.period}）：{f.file}，工作表「{f.sheet or '—'}」"
                         for f in e.forms]


def attendance_section(e: Explanation) -> Section:
    a, s = e.attendance, e.settings.attendance
    if a is None:
        why = "本季度法定工作日未知" if e.workdays is None else "没有此人的出勤记录"
        return "出勤（§四(三)4(3)）", [f"未核出勤：{why}"]
    d = format_days
    required = (f"本季度法定工作日 {d(a.workdays)} 天；年休 {d(a.annual_leave_days)} 天、加班调休 "
                f"{d(a.comp_leave_days)} 天 → 应出勤 {d(a.workdays)} − {d(a.annual_leave_days)} − "
                f"{d(a.comp_leave_days)} = {d(a.required_days)} 天")
    verdict = (f"未达到 {format_ratio(s.min_ratio)}：不得定为“好”“较好”" if a.low
               else f"达到 {format_ratio(s.min_ratio)}")
    attended = (f"病事假 {d(a.sick_personal_days)} 天 → 实际出勤 {d(a.required_days)} − "
                f"{d(a.sick_personal_days)} = {d(a.attended_days)} 天，出勤率 {a.ratio_text}，{verdict}")
    lines = [required, attended]
    half = a.workdays * s.long_leave_ratio
    lines.append(f"病事假 {d(a.sick_personal_days)} 天" + (
        f"超过考核周期工作日的 {format_ratio(s.long_leave_ratio)}（{d(half)} 天）：§二第2类，不定档"
        if a.long_leave else f"未超过考核周期工作日的 {format_ratio(s.long_leave_ratio)}（{d(half)} 天）"))
    if a.missing_months:
        months = "、".join(f"{m.month}月" for m in a.missing_months)
        lines.append(f"{months}没有月度小结或考勤记录，按没有请假计算")
    return "出勤（§四(三)4(3)）", lines


def _category_reason(c: SpecialCategory, e: Explanation) -> str:
    p, q = e.person, e.quarter
    if c == SpecialCategory.LONG_LEAVE and e.attendance is not None and e.attendance.long_leave:
        return f"第2类（{c.value}）：本季度病事假 {format_days(e.attendance.sick_personal_days)} 天，见出勤一节"
    if c == SpecialCategory.NEW_RECRUIT and p.rank_category == RankCategory.PROBATION:
        return f"第1类（{c.value}）：花名册职级类别为“试用期”"
    if c == SpecialCategory.NEW_RECRUIT and p.probation_until is not None and p.probation_until >= q.start:
        return f"第1类（{c.value}）：花名册“试用期至”{p.probation_until}，在本季度内仍在试用期"
    cases = [sc for sc in p.special_cases if sc.category == c and in_force(sc.start, sc.end, q, e.settings)]
    spans = "；".join(f"{sc.start or '（未填起始）'}～{sc.end or '至今'}" + (f"，{sc.note}" if sc.note else "")
                     for sc in cases)
    reading = ("与本季度有重叠" if e.settings.categories.applies == "any_overlap"
               else f"在本季度最后一天（{q.end}）仍在期内")
    return f"第{c.number}类（{c.value}）：花名册特殊情形 {spans}，{reading}"


def special_section(e: Explanation) -> Section:
    r = e.result
    if r is None or not r.special_categories:
        return "不定档（§二）", ["不属于 §二 的五类人员，参加定档"]
    lines = [_category_reason(c, e) for c in r.special_categories]
    lines.append("§二：五类人员只参加日常考核，不进行定档，按“不确定”等次统计")
    return "不定档（§二）", lines


def ticks_section(e: Explanation) -> Section:
    t = e.ticks
    if t is None:
        return "勾选（§四(三)1）", ["没有此人的季度评价表：结果为“未参加”（§四(三)5 应交未交）"]
    lines = [f"自评档次：{_ticks(t.self_ticks)}；领导评价档次：{_ticks(t.leader_ticks)}"]
    boxes = [label for on, label in ((t.commended, "受表彰直接定好（§四(三)4(1)）"),
                                     (t.direct_poor, "直接定较差（§四(三)4(2)）")) if on]
    if boxes:
        lines.append("勾选了：" + "、".join(boxes))
    lines.append("领导意见：" + ((t.opinion or "").strip()[:80] or "（空白）"))
    if e.result is not None and QuarterFlag.NOT_GRADED in e.result.flags:
        lines.append("此人不定档（§二），表上的勾选不计入结果")
    else:
        lines.append("以领导评价为准（§四(三)1）；领导评价未勾或多勾时结果为“不确定”")
    return "勾选（§四(三)1）", lines


def quota_section(e: Explanation) -> Section:
    q, r = e.quota, e.result
    title = "“好”等次名额（§四(三)3）"
    if q is None or r is None:
        return title, ["无"]
    scope = f"考核组「{q.key}」" if (len(q.units) > 1 or q.key not in q.units) else f"「{q.key}」"
    lines = [(f"{scope}实际参加 {q.participants} 人，比例基数 {q.denominator} 人，上限 {q.cap} 人；"
              f"已定“好”（占名额）{q.good} 人，受表彰直接定好 {q.commended} 人")]
    mine = f"{r.name}（{r.unit}）"
    if r.outcome == Outcome.GOOD and QuarterFlag.COMMENDED in r.flags:
        lines.append("此人受表彰直接定好，不占名额（§四(三)4(1)）")
    elif mine in q.good_people:
        lines.append(f"此人是占名额的第 {q.good_people.index(mine) + 1} 个“好”（按花名册顺序）")
    elif QuarterFlag.NOT_GRADED in r.flags:
        lines.append("此人不定档，不占名额" + ("，但计入比例基数" if r.outcome != Outcome.ABSENT
                                                and e.settings.quota.denominator == "participants" else ""))
    if q.over:
        lines.append(f"超出上限 {q.good - q.cap} 人：本组有 Q2 错误，须由领导重新商议后改正")
    elif r.outcome != Outcome.GOOD:
        lines.append(f"本组还剩 {q.cap - q.good} 个名额")
    return title, lines


def _finding_line(f: Finding) -> str:
    where = "，".join(x for x in (Path(f.file).name if f.file else None,
                                 f"工作表「{f.sheet}」" if f.sheet else None,
                                 f"单元格 {f.cell}" if f.cell else None) if x)
    r = rule(f.rule)
    return (f"[{f.severity.value}] {f.rule} {r.title}（{r.clause}）：{f.message}"
            + (f"；位置：{where}" if where else "") + f"；怎么改：{r.fix}")


def findings_section(e: Explanation) -> Section:
    if not e.findings:
        return "问题", ["没有关于此人的问题"]
    return "问题", [_finding_line(f) for f in e.findings]


def sections(e: Explanation) -> list[Section]:
    """Every section of the explanation, in reading order (a person not due: the why only)."""
    head = [identity_section(e), due_section(e)]
    if not e.due:
        return head
    return [*head, forms_section(e), attendance_section(e), special_section(e), ticks_section(e),
            quota_section(e), findings_section(e)]
