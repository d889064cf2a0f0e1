"""The rule catalogue: every rule id kaoping reports, with its level, clause, title and fix.

One entry per id. Findings are made through `finding()`, which takes the clause and the title
from here, so a rule is found by its id or clause in one step (`kaoping rules`, docs/规则.md).

- `severity`: the level the rule usually reports at; `levels` lists every level it can report
  at (a rule whose outcome depends on the case, e.g. Q8: a missing form is a 警告, a form of
  someone not on the roster an 错误).
- `clause`: where the measures (温公积金〔2021〕46号《干部日常考评管理办法（试行）》) say so, e.g.
  "§四(三)3", "附件3 注"; "kaoping" for the tool's own checks of files and inputs (a file that
  cannot be read, a field that cannot be found), which serve every clause.
- `title`: what the rule checks, in a few Chinese words; `fix`: what the clerk or the unit does.

Pure data: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Finding, Severity

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    clause: str
    title: str
    fix: str
    scope: str  # which input it reads: 文件 花名册 考勤表 一周小记 月度小结 季度评价 年度 半年
    levels: tuple[Severity, ...] = ()

    def __post_init__(self) -> None:
        if not self.levels:
            object.__setattr__(self, "levels", (self.severity,))
        elif self.severity not in self.levels:
            raise ValueError(f"{self.id}: {self.severity} not among {self.levels}")

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "severity": self.severity.value,
                "levels": [s.value for s in self.levels], "clause": self.clause,
                "title": self.title, "fix": self.fix, "scope": self.scope}


def _r(id: str, severity: Severity, clause: str, title: str, fix: str, scope: str,
       *levels: Severity) -> Rule:
    return Rule(id, severity, clause, title, fix, scope, tuple(levels))


RULES: tuple[Rule, ...] = (
    # ---- files (kaoping's own checks; they serve every clause)
    _r("F1", ERROR, "kaoping", "文件无法读取",
       "按说明另存为 Excel 工作簿（.xlsx）或请填表人重新发送原文件", "文件"),
    _r("F2", INFO, "kaoping", "不是 kaoping 表格，已跳过",
       "无需处理；如确是考评表，请用 kaoping 生成的表格重新填写", "文件"),
    _r("F3", ERROR, "kaoping", "单元格内容无法识别",
       "按提示改正该单元格（日期写成 2026-7-3，天数写成 1.5）", "文件", ERROR, WARNING),
    _r("F4", ERROR, "kaoping", "找不到表格的栏目或必填栏目为空",
       "用 kaoping 生成的表格重新填写，或补上缺少的栏目、姓名", "文件", ERROR, WARNING),
    _r("F5", ERROR, "kaoping", "期间（年、月、季度、周）缺失或不一致",
       "在表头填写正确的年份、月份、季度或周次", "文件", ERROR, WARNING),
    _r("F6", WARNING, "kaoping", "表中姓名与生成表格时的人员不一致",
       "核对是否用了别人的表格；如是本人，改正姓名", "文件"),
    _r("F7", ERROR, "kaoping", "公式没有保存计算结果",
       "在 Excel/WPS 中打开后保存一次，或直接填写数值", "文件"),
    _r("F8", WARNING, "kaoping", "勾打在了档次格子外",
       "把勾打在“好、较好、一般、较差”下方对应的格子里", "文件"),
    # ---- roster (§二 考评对象)
    _r("R1", ERROR, "§二", "工号重复", "每人一个唯一工号，改正重复的行", "花名册"),
    _r("R2", ERROR, "§二", "工号、姓名或单位为空", "补填该行的工号、姓名、单位", "花名册"),
    _r("R3", ERROR, "附件4", "职级类别为空或无法识别",
       "从下拉框选择：一至四级调研员 / 乡科级职务、一至四级主任科员职级 / 科员级 / 试用期", "花名册"),
    _r("R4", ERROR, "§二", "日期无法识别", "日期写成 2026-03-01，情形写成“受处分 2026-03-01~2027-02-28”",
       "花名册"),
    _r("R5", ERROR, "§二", "特殊情形无法识别",
       "写成 新录用公务员 / 涉嫌违纪违法被立案调查尚未结案 / 受处分 / 受组织处理或诫勉（可带起止日期）",
       "花名册"),
    _r("R6", ERROR, "§二", "“是/否”栏填了其他内容", "填写“是”或“否”", "花名册"),
    _r("R7", INFO, "§二", "同一单位有同名同姓", "无需处理；表格按工号区分，请确认不是重复录入",
       "花名册"),
    _r("R8", WARNING, "§二", "特殊情形的起止日期不合理",
       "核对起止日期（开始不晚于结束），并写明情形", "花名册", ERROR, WARNING),
    _r("R9", ERROR, "§五(三)", "后备层级或入库、出库日期无法使用",
       "后备层级填股级、副科级或正科级，入库日期不晚于出库日期", "花名册"),
    _r("R10", ERROR, "§二", "单元格是 Excel 错误值（#REF! 等）",
       "把错误值改为应填的内容（日期、情形、是/否或文字）后保存", "花名册"),
    # ---- attendance sheet (§四(三)4(3))
    _r("A1", ERROR, "§四(三)4(3)", "考勤表的行无法使用",
       "改正该单元格，或核对工号是否在花名册中", "考勤表", ERROR, WARNING),
    # ---- 附件1 一周小记 (§四(一))
    _r("W1", ERROR, "§四(一)", "完成情况无效",
       "完成情况只填“进行中”“已完成”“无法完成”之一", "一周小记"),
    _r("W2", ERROR, "§四(一)", "未填写完成情况",
       "填写“进行中”“已完成”“无法完成”之一", "一周小记"),
    _r("W3", ERROR, "§四(一)", "已完成未注明完成时间",
       "在完成情况或备注中写明完成日期，如“已完成 7月3日”", "一周小记"),
    _r("W4", ERROR, "§四(一)", "无法完成未说明原因", "在备注中写明无法完成的原因", "一周小记"),
    _r("W5", WARNING, "§四(一)", "已过完成时限仍为进行中", "说明进展，或更新完成情况", "一周小记"),
    _r("W6", WARNING, "§四(一)", "未填写接到任务的日期", "填写接到任务的日期", "一周小记"),
    _r("W7", WARNING, "§四(一)", "日期与本周不符", "核对日期与完成时间", "一周小记"),
    _r("W8", INFO, "§四(一)", "本周没有填写任何事项", "补填本周的工作事项", "一周小记"),
    _r("W9", WARNING, "§四(一)", "填写了其他内容但未填写事项", "补填任务事项内容", "一周小记"),
    _r("W10", WARNING, "§四(一)", "同一周的一周小记重复", "只保留一份", "一周小记"),
    # ---- 附件2 月度小结 (§四(二))
    _r("M1", WARNING, "§四(二)1(1)–(4)", "个人小结某一项未填写",
       "补填日常工作、重要任务项目、存在的问题、下步打算", "月度小结"),
    _r("M2", ERROR, "§四(二)1", "个人小结四项均未填写", "填写个人小结四项", "月度小结"),
    _r("M3", INFO, "§四(三)1(1)", "小结内容过于简单", "重点突出，避免泛泛而谈", "月度小结"),
    _r("M4", WARNING, "§四(二)2", "直管领导未签字，或签字的不是本人的直管领导",
       "请花名册中的直管领导（科室长、处室长为分管领导）核实签字，或更新花名册", "月度小结"),
    _r("M5", WARNING, "§四(一)", "缺少某周的一周小记，或周表属于其他月份",
       "把当月每周的一周小记附在月度小结之后", "月度小结"),
    _r("M6", ERROR, "§四(二)1(5)", "出勤天数为负或不是半天的整数倍", "改正出勤天数", "月度小结"),
    _r("M7", INFO, "§四(二)1(5)", "出勤天数未填写（按 0 天计）", "没有请假请填 0", "月度小结"),
    _r("M8", ERROR, "§四(二)1(5)", "本月请假天数超过当月工作日", "核对本月病事假、年休天数",
       "月度小结"),
    _r("M9", ERROR, "§四(二)1(5)", "全年累计与前月累计加本月不符",
       "全年累计 = 上月全年累计 + 本月天数，改正全年累计", "月度小结"),
    _r("M10", INFO, "§四(二)1(5)", "缺少某月的小结，全年累计只能粗略核对", "补交缺少月份的月度小结",
       "月度小结"),
    _r("M11", ERROR, "§四(二)", "不属于本次检查月份的小结", "放到对应月份检查，或改正月份",
       "月度小结", ERROR, INFO),
    _r("M12", ERROR, "§四(二)", "同一人同月的小结重复", "只保留一份", "月度小结"),
    _r("M13", WARNING, "§四(二)", "应交未交月度小结", "请该同志补交月度小结", "月度小结"),
    _r("M14", WARNING, "§二", "小结对应不到花名册中的人员",
       "核对姓名、工号或花名册", "月度小结", WARNING, INFO),
    # ---- 附件3 季度评价 (§四(三))
    _r("Q1", ERROR, "§四(三)1(1)(2)", "自评或领导评价档次未勾选或多勾",
       "在“好、较好、一般、较差”中只勾选一项", "季度评价"),
    _r("Q2", ERROR, "§四(三)3", "“好”等次超过比例",
       "调整定档，使“好”不超过上限人数（受表彰直接定好的不计）；经批准的例外记入 kaoping.toml "
       "[[quota.exceptions]]", "季度评价", ERROR, WARNING, INFO),
    _r("Q3", ERROR, "§四(三)4(1)", "受表彰直接定好的勾选、级别名称或档次不符",
       "直接定好应勾选“受表彰直接定好”和“好”，填写表彰级别（市中心/当地党委政府以上）和名称，"
       "且无负面情形；否则取消勾选", "季度评价"),
    _r("Q4", ERROR, "§四(三)4(2)", "直接定较差的勾选与档次不符",
       "直接定较差应勾选“较差”，否则取消“直接定较差”", "季度评价"),
    _r("Q5", ERROR, "§四(三)4(3)", "当季出勤未达标却定为好或较好",
       "改定为“一般”或“较差”，或核对出勤天数", "季度评价", ERROR, WARNING, INFO),
    _r("Q6", WARNING, "§二", "不定档人员勾选了档次",
       "此人只参加日常考核、不定档，请清除勾选", "季度评价"),
    _r("Q7", ERROR, "附件3 注", "直接定档或出勤未达标未在意见栏说明",
       "在领导意见栏说明情况", "季度评价"),
    _r("Q8", WARNING, "§二、§四(三)5", "评价表应交未交、重复、对不上人或不属于本季度",
       "补交、删除多余的一份，或核对姓名、工号、季度", "季度评价", ERROR, WARNING, INFO),
    _r("Q12", WARNING, "§四(三)1", "季度评价表个人自评或领导签字未填写",
       "补填主要工作亮点及成效、存在的不足和改进措施，并由上级领导签字", "季度评价"),
    # ---- year (§五 结果运用)
    _r("Y0", ERROR, "§五(一)", "季度结果台账缺失、重复或与花名册不符",
       "给出本年度四个季度的台账，核对花名册", "年度", ERROR, WARNING),
    _r("Y6", ERROR, "§四(三)5、§五(一)", "季度结果台账是在仍有错误时强制输出的（--allow-errors）",
       "按该季度的问题清单改正后重新运行 quarter report，用新台账替换", "年度"),
    _r("Y1", INFO, "§五(一)", "年度优秀候选：“好”达到规定次数且无一般、较差",
       "无需处理；名单供年度考核参考", "年度"),
    _r("Y2", WARNING, "§五(一)", "一般、较差累计超过规定次数：原则上基本称职或不称职",
       "年度考核时按此确定等次", "年度"),
    _r("Y3", WARNING, "§五(一)", "全年均为较差：可直接确定为不称职", "年度考核时按此确定等次",
       "年度"),
    _r("Y4", WARNING, "§五(一)", "无正当理由不参加或弄虚作假且拒不改正：不称职",
       "年度考核确定为不称职；花名册“拒不参加或弄虚作假”写明认定的年份，如“是 2026”", "年度",
       ERROR, WARNING, INFO),
    _r("Y5", WARNING, "§五(一)", "未参加考核的季度没有写明原因",
       "在该季度台账“备注”栏写明未参加的原因；无正当理由且拒不改正的，在花名册“拒不参加或弄虚作假”栏填写年份",
       "年度"),
    # ---- follow-ups (§五(二))
    _r("X1", WARNING, "§五(二)", "谈话提醒或批评教育逾期未落实",
       "尽快谈话提醒或批评教育，在名单中填写落实情况和落实日期后交回", "跟踪", WARNING, INFO),
    _r("X2", WARNING, "§五(二)", "谈话提醒或批评教育逾期落实", "无需改正；今后及时落实", "跟踪"),
    _r("X3", ERROR, "§五(二)", "谈话提醒和批评教育名单无法判断",
       "按提示补填或改正落实情况、落实日期，或核对名单上的人", "跟踪"),
    # ---- half-year (§四(四))
    _r("H0", WARNING, "§四(四)", "半年考核的台账、表格或测评票无法使用",
       "按提示补上台账或改正测评票", "半年", ERROR, WARNING, INFO),
    _r("H1", WARNING, "§四(四)2", "测评票推荐人数超过上限（无效票）", "按上限重新填写测评票", "半年"),
    _r("H2", WARNING, "§四(四)2", "测评票上的推荐对不上名单（无效票）",
       "只在本单位名单中推荐，每人最多一次", "半年"),
    _r("H3", WARNING, "§四(四)2", "测评票上有无法识别的标记（无效票）",
       "推荐打“√”，不推荐留空", "半年"),
    _r("H4", WARNING, "§四(四)2", "测评票的名单或期间不一致", "核对是否混用了不同批次的测评票",
       "半年"),
    _r("H5", WARNING, "§四(四)1", "记实表缺少谈话记录、签字或谈话日期",
       "补齐谈话记录、谈话人和被谈话人签字、谈话日期后交回", "半年"),
    _r("H6", ERROR, "§四(四)1", "记实表无法计入（对不上人、半年或日期不符，或有 Excel 错误值）",
       "核对记实表上的姓名、工号、半年和谈话日期；错误值改为应填的内容", "半年", ERROR, WARNING),
    _r("H7", WARNING, "§四(四)1", "没有已签字的个别谈话记实表",
       "安排个别谈话，填写并签字后交回记实表", "半年"),
)

BY_ID: dict[str, Rule] = {r.id: r for r in RULES}


def rule(rule_id: str) -> Rule:
    """The catalogue entry of `rule_id` (KeyError for an id that is not catalogued)."""
    return BY_ID[rule_id]


def finding(rule_id: str, message: str, *, severity: Severity | None = None,
            **where: str | None) -> Finding:
    """A finding of a catalogued rule: its level (the rule's usual one unless `severity` says
    another it can report at), clause and title from the catalogue; `where` is unit, person,
    staff_id, file, sheet and cell."""
    r = BY_ID[rule_id]
    level = r.severity if severity is None else Severity(severity)
    if level not in r.levels:
        raise ValueError(f"rule {rule_id} does not report at {level}")
    return Finding(rule=rule_id, severity=level, message=message, clause=r.clause,
                   title=r.title, **where)
