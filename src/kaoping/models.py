"""Domain models shared by readers, the rules engine and writers.

Names follow the measures (温公积金〔2021〕46号《干部日常考评管理办法（试行）》); section marks
like §四(三)4 point at its clauses. Everything here is plain data: no file or console I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


# ---------------------------------------------------------------- enumerations


class RankCategory(StrEnum):
    """职级类别: the four rows of 附件4 备案表."""

    RESEARCHER = "一至四级调研员"
    SECTION_CHIEF = "乡科级职务、一至四级主任科员职级"
    CLERK = "科员级"
    PROBATION = "试用期"


class QuarterGrade(StrEnum):
    """The four 档次 ticked on 附件3 (§四(三)1)."""

    GOOD = "好"
    FAIRLY_GOOD = "较好"
    AVERAGE = "一般"
    POOR = "较差"


GRADE_ORDER: tuple[QuarterGrade, ...] = (
    QuarterGrade.GOOD,
    QuarterGrade.FAIRLY_GOOD,
    QuarterGrade.AVERAGE,
    QuarterGrade.POOR,
)


class Outcome(StrEnum):
    """A person's quarterly result as filed in 附件4/附件5 (考核结果 columns)."""

    GOOD = "好"
    FAIRLY_GOOD = "较好"
    AVERAGE = "一般"
    POOR = "较差"
    UNDETERMINED = "不确定"  # 不确定等次: the five 不定档 categories of §二 by default
    ABSENT = "未参加"  # 未参加考核: due but no form

    @classmethod
    def from_grade(cls, grade: QuarterGrade) -> Outcome:
        return cls(grade.value)


class SpecialCategory(StrEnum):
    """§二: the five kinds of people who take part but are not graded (不定档)."""

    NEW_RECRUIT = "新录用公务员"  # 1
    LONG_LEAVE = "病事假超过考核周期一半"  # 2, derived from attendance
    UNDER_INVESTIGATION = "涉嫌违纪违法被立案调查尚未结案"  # 3
    DISCIPLINED = "受处分"  # 4
    ORG_HANDLING = "受组织处理或诫勉"  # 5

    @property
    def number(self) -> int:
        return list(SpecialCategory).index(self) + 1


class ReserveLevel(StrEnum):
    """§五(三): the three levels of the 后备干部人才库 (its rules are 另行规定: kaoping keeps
    the roster's entries and reports on them, it does not decide who is in the pool)."""

    SECTION_MEMBER = "股级"
    DEPUTY_CHIEF = "副科级"
    CHIEF = "正科级"


class TaskStatus(StrEnum):
    """完成情况 of a 一周小记 row (§四(一))."""

    IN_PROGRESS = "进行中"
    DONE = "已完成"
    FAILED = "无法完成"


class Severity(StrEnum):
    ERROR = "错误"
    WARNING = "警告"
    INFO = "提示"


class FormKind(StrEnum):
    WEEKLY = "weekly"  # 附件1 一周小记表
    MONTHLY = "monthly"  # 附件2 月度小结表 (+ its weekly sheets)
    QUARTERLY = "quarterly"  # 附件3 季度评价表
    ROSTER = "roster"  # 花名册
    LEDGER = "ledger"  # 季度结果台账
    ATTENDANCE = "attendance"  # 考勤表 (optional input)
    BALLOT = "ballot"  # 集中测评票
    GROWTH_RECORD = "growth_record"  # 干部成长考核考察记实表
    PROBLEMS = "problems"  # 问题清单 written by kaoping: never read back as a form
    FOLLOWUP = "followup"  # 谈话提醒和批评教育名单 of a quarter (§五(二)), returned filled in
    TALLY = "tally"  # 集中测评推荐结果 written by `halfyear tally`: never read back as a ballot


FORM_TITLES: dict[FormKind, str] = {
    FormKind.WEEKLY: "干部日常考评一周小记表",
    FormKind.MONTHLY: "干部日常考评月度小结表",
    FormKind.QUARTERLY: "干部日常考评季度评价表",
    FormKind.ROSTER: "干部花名册",
    FormKind.LEDGER: "季度结果台账",
    FormKind.ATTENDANCE: "考勤汇总表",
    FormKind.BALLOT: "集中测评票",
    FormKind.GROWTH_RECORD: "干部成长考核考察记实表",
    FormKind.TALLY: "集中测评推荐结果",
}


# ---------------------------------------------------------------- findings


class Finding(_Model):
    """One problem found in the input, with where it is and which rule says so."""

    rule: str  # rule id: Q1…Q8, W1…, M1…, Y1…, R1… (roster), F1… (files)
    severity: Severity
    message: str  # Chinese, names what to fix
    unit: str | None = None
    person: str | None = None  # 姓名
    staff_id: str | None = None  # 工号
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None  # "C7", "C7:F7" or "第7行"
    # From the rule catalogue (`kaoping.rules.catalog.finding`): the clause of the measures
    # and the rule's short title.
    clause: str | None = None
    title: str | None = None


class SourceRef(_Model):
    """Where a model was read from; `cells` maps field names to cell references."""

    file: str
    sheet: str | None = None
    cells: dict[str, str] = Field(default_factory=dict)

    def cell(self, field: str) -> str | None:
        return self.cells.get(field)


# ---------------------------------------------------------------- roster


class SpecialCase(_Model):
    """A 特殊情形 recorded in the roster (categories 3–5 of §二, or 1 when given explicitly)."""

    category: SpecialCategory
    start: dt.date | None = None  # open start = since always
    end: dt.date | None = None  # open end = still in force
    note: str | None = None

    def active_during(self, start: dt.date, end: dt.date) -> bool:
        """True when the case overlaps [start, end] (inclusive)."""
        return (self.start is None or self.start <= end) and (self.end is None or self.end >= start)


class Person(_Model):
    """One row of the 花名册."""

    staff_id: str  # 工号, unique
    name: str  # 姓名
    unit: str  # 单位: a 处室 of the head office or a 分支机构
    quota_group: str | None = None  # 考核组: units sharing one 40% cap (DESIGN Q2)
    section: str | None = None  # 科室
    post: str | None = None  # 职务
    rank: str | None = None  # 职务职级 (free text, e.g. 一级主任科员)
    rank_category: RankCategory  # 职级类别 (附件4 row)
    direct_leader: str | None = None  # 直管领导
    supervising_leader: str | None = None  # 分管领导
    hired_on: dt.date | None = None  # 入职日期
    probation_until: dt.date | None = None  # 试用期至
    special_cases: list[SpecialCase] = Field(default_factory=list)  # 特殊情形
    on_establishment: bool = True  # 是否在编 (§二: only 在编 cadres are assessed)
    refused_or_falsified: bool = False  # §五(一): 无正当理由不参加或弄虚作假且拒不改正
    # When it was found (roster "是 2026" or "是 2026-11-03"): the flag counts for that year
    # only, so it does not carry into next year's roster. None on an old roster's bare "是".
    refused_or_falsified_year: int | None = None
    refused_or_falsified_on: dt.date | None = None
    reserve_level: ReserveLevel | None = None  # 后备层级 (§五(三))
    reserve_in: dt.date | None = None  # 入库日期: open = since always
    reserve_out: dt.date | None = None  # 出库日期: open = still in the pool
    row: int | None = None  # roster row, for messages

    def in_reserve_during(self, start: dt.date, end: dt.date) -> bool:
        """In the reserve pool at some time in [start, end] (inclusive)."""
        return self.reserve_level is not None and (
            (self.reserve_in is None or self.reserve_in <= end)
            and (self.reserve_out is None or self.reserve_out >= start))

    @property
    def quota_key(self) -> str:
        """The unit whose 40% cap this person counts toward (考核组, else own 单位)."""
        return self.quota_group or self.unit


class Roster(_Model):
    people: list[Person] = Field(default_factory=list)
    source: str | None = None

    def by_id(self) -> dict[str, Person]:
        return {p.staff_id: p for p in self.people}

    def units(self) -> list[str]:
        seen: dict[str, None] = {}
        for p in self.people:
            seen.setdefault(p.unit, None)
        return list(seen)


# ---------------------------------------------------------------- forms


class FormIdentity(_Model):
    """Identity block common to forms (pre-filled by kaoping, may be edited by hand)."""

    staff_id: str | None = None  # from `_kaoping`; None on a form retyped by hand
    name: str | None = None
    unit: str | None = None  # 所属处室/分支机构
    section: str | None = None  # 科室
    post: str | None = None  # 职务


class WeeklyTask(_Model):
    """One row of 附件1 (§四(一))."""

    row: int  # sheet row, for messages
    seq: int | None = None  # 序号
    received_on: dt.date | None = None  # 日期 (task received)
    item: str | None = None  # 事项
    deadline: dt.date | None = None  # 完成时限 when it parses as a date
    deadline_text: str | None = None  # 完成时限 as written (e.g. "7月底")
    status: TaskStatus | None = None  # 完成情况
    status_text: str | None = None  # 完成情况 as written
    completed_on: dt.date | None = None  # completion date found in 完成情况 or 备注
    note: str | None = None  # 备注 (reason when 无法完成)


class WeeklyLog(_Model):
    """附件1 一周小记表: one person, one week."""

    source: SourceRef
    identity: FormIdentity
    unit_and_post: str | None = None  # 单位及职务 as written
    year: int
    month: int
    week: int  # 第（ ）周, 1-based within the month
    week_start: dt.date | None = None
    week_end: dt.date | None = None
    tasks: list[WeeklyTask] = Field(default_factory=list)
    # When a batch drops `tasks` to save memory (pipeline.run_quarter), the findings of
    # `rules.month.check_weekly` on the full log are kept here and used instead.
    checked: list[Finding] | None = None


class MonthlySummary(_Model):
    """附件2 月度小结表 (§四(二)) with the month's weekly logs attached."""

    source: SourceRef
    identity: FormIdentity
    year: int
    month: int
    daily_work: str | None = None  # 日常工作（简要）
    key_tasks: str | None = None  # 重要任务项目
    problems: str | None = None  # 存在的问题
    next_plans: str | None = None  # 下步打算
    # 出勤情况 (§四(二)1(5)). None = left blank (or not on the form: `unknown_fields`).
    sick_personal_days: float | None = None  # 本月病假、事假
    annual_leave_days: float | None = None  # 本月年休
    sick_personal_days_ytd: float | None = None  # 全年累计病假、事假
    annual_leave_days_ytd: float | None = None  # 全年累计年休
    # §四(三)4(3) 除法定的假期和加班补休、年休以外: recorded apart, not absence (kaoping's form
    # has a row for them; 加班调休不计入 the 病事假 and 年休 above).
    statutory_leave_days: float | None = None  # 本月法定假期（婚假、产假、丧假、探亲假等）
    comp_leave_days: float | None = None  # 本月加班补休
    statutory_leave_days_ytd: float | None = None  # 全年累计法定假期
    comp_leave_days_ytd: float | None = None  # 全年累计加班补休
    # The official 附件2 wording "本月请病假、事假、年休（ ）天": one number for both.
    combined_leave_days: float | None = None
    combined_leave_days_ytd: float | None = None
    # Fields the form has no place for (an older form without the 法定假期/加班补休 row, the
    # official wording without the split): unknown, not 0.
    unknown_fields: list[str] = Field(default_factory=list)
    verifier_signature: str | None = None  # 直管领导审定 签字
    weeks: list[WeeklyLog] = Field(default_factory=list)


class QuarterlyEvaluation(_Model):
    """附件3 季度评价表 (§四(三))."""

    source: SourceRef
    identity: FormIdentity
    year: int
    quarter: int
    highlights: str | None = None  # 主要工作亮点及成效
    shortcomings: str | None = None  # 存在的不足和改进措施
    self_ticks: list[QuarterGrade] = Field(default_factory=list)  # 自评档次: every ticked box
    leader_ticks: list[QuarterGrade] = Field(default_factory=list)  # 领导评价档次
    # kaoping's form adds two tick boxes under 领导意见栏 so the special cases of §四(三)4
    # are explicit; on a hand-made form the reader falls back to keywords in the opinion.
    commended: bool = False  # §四(三)4(1) 受表彰直接定“好”: its box ticked, never from text
    # Whether the form has that box at all (a hand-made form may not): without it no
    # commendation is assumed, and an opinion that suggests one is an error (rule Q3).
    commendation_box: bool = True
    commendation_level: str | None = None  # 表彰级别 as written (CommendationLevel values)
    commendation_name: str | None = None  # 表彰名称
    direct_poor: bool = False  # §四(三)4(2) 直接定“较差”
    leader_opinion: str | None = None  # 领导意见栏
    leader_signature: str | None = None  # 签字

    @property
    def blank_parts(self) -> tuple[str, ...]:
        """The fields of 个人自评 (§四(三)1(1)) and the leader's 签字 left blank."""
        return tuple(f for f in ("highlights", "shortcomings", "leader_signature")
                     if not (getattr(self, f) or "").strip())


class CommendationLevel(StrEnum):
    """§四(三)4(1) 受到市中心、当地党委政府以上表彰: the two levels that grade 好 directly."""

    CENTRE = "市中心"
    LOCAL_GOVERNMENT = "当地党委政府以上"


@dataclass(slots=True)
class MonthAttendance:
    """Leave days of one person in one month (from 附件2 or an attendance sheet).

    A plain record, not a pydantic model: made only by kaoping's own code from values it has
    checked, and three per person a quarter are held at once (a model costs ~1.4 KB each,
    this ~0.24 KB: 17 MB less at 5,000 people). The leave days are floats whatever number
    the caller passes."""

    staff_id: str
    year: int
    month: int
    sick_personal_days: float = 0.0  # 病假+事假: reduce attended days
    annual_leave_days: float = 0.0  # 年休: reduce required days
    comp_leave_days: float = 0.0  # 加班补休: reduce required days
    statutory_leave_days: float = 0.0  # 法定假期（婚假、产假、丧假、探亲假等）: reduce required days
    combined_leave_days: float = 0.0  # 病事假 and 年休 written as one number (split unknown)
    extra_unknown: bool = False  # 法定假期 and 加班补休 unknown (a form without their row)
    source: SourceRef | None = None
    # Field names (e.g. "sick_personal_days") that were left blank on the form and counted as 0.
    blank_fields: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for name in _LEAVE_DAYS:
            setattr(self, name, float(getattr(self, name)))


_LEAVE_DAYS = ("sick_personal_days", "annual_leave_days", "comp_leave_days",
               "statutory_leave_days", "combined_leave_days")


# ---------------------------------------------------------------- results


class QuarterFlag(StrEnum):
    COMMENDED = "表彰直接定好"  # §四(三)4(1)
    DIRECT_POOR = "直接定较差"  # §四(三)4(2)
    # §四(三)4(3); the 台账 and 附件5 show it with the configured ratio, "出勤未达80%"
    # (`rules.quarter.flag_label`).
    LOW_ATTENDANCE = "出勤未达标"
    NOT_GRADED = "不定档"  # §二
    NO_FORM = "未交评价表"  # Q8


class QuarterResult(_Model):
    """One roster person's result for one quarter: a row of the 季度结果台账."""

    staff_id: str
    name: str
    unit: str
    quota_group: str | None = None
    section: str | None = None
    rank: str | None = None
    rank_category: RankCategory
    outcome: Outcome
    self_grade: QuarterGrade | None = None
    leader_grade: QuarterGrade | None = None
    flags: list[QuarterFlag] = Field(default_factory=list)
    special_categories: list[SpecialCategory] = Field(default_factory=list)
    required_days: float | None = None
    attended_days: float | None = None
    source_file: str | None = None
    note: str | None = None  # 备注 for 附件5
    row: int | None = None  # the 台账 row it was read from, for messages (not written)


class QuarterLedger(_Model):
    """季度结果台账: what `annual` reads. One per quarter (optionally per unit)."""

    year: int
    quarter: int
    results: list[QuarterResult] = Field(default_factory=list)
    source: str | None = None
    sheet: str | None = None  # the sheet it was read from, for messages
    # 错误 still open when `quarter report --allow-errors` wrote it (0: filed clean).
    errors_left: int = Field(0, ge=0)
