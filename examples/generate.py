"""Generate the example centre: 示例市住房公积金管理中心, a year (2026) of filled forms.

    .venv/bin/python examples/generate.py            # rewrites examples/花名册.xlsx and collected/
    .venv/bin/python examples/generate.py --out DIR --quarter 2026Q3

Everything is deterministic: the scenario below is written out by hand (who is graded what in
each quarter, whose leave, which special cases) and the free text is drawn from phrase pools
with random generators seeded per person and period, so the same command always produces the
same forms. A small set of problems is PLANTED in 2026Q3 (see PLANTED and examples/README.md);
Q1, Q2 and Q4 are meant to be clean.

Layout written (monthly workbooks of a quarter's months go into that quarter's folder):

    OUT/花名册.xlsx
    OUT/collected/2026Q1/<单位>/<科室>/<姓名>-2026-01.xlsx   附件2 + 附件1 weekly sheets
    OUT/collected/2026Q1/<单位>/<科室>/<姓名>-2026Q1.xlsx    附件3
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kaoping.calendar import is_workday, month_workdays
from kaoping.excel.detect import MONTHLY_SHEET
from kaoping.forms.routine import (
    MONTHLY_DAYS,
    FillStyle,
    form_paths,
    form_template,
    monthly_workbook,
    placeholder_cell,
    quarterly_workbook,
)
from kaoping.output.workbook import put, save_workbook
from kaoping.models import (
    CommendationLevel,
    FormKind,
    FormIdentity,
    MonthlySummary,
    Person,
    QuarterGrade,
    QuarterlyEvaluation,
    RankCategory,
    ReserveLevel,
    Roster,
    SourceRef,
    SpecialCase,
    SpecialCategory,
    TaskStatus,
    WeeklyLog,
    WeeklyTask,
)
from kaoping.periods import Month, Quarter
from kaoping.forms.roster import roster_template_workbook

CENTRE = "示例市住房公积金管理中心"
YEAR = 2026
SEED = 20260101
HERE = Path(__file__).resolve().parent
ROSTER_NAME = "花名册.xlsx"

R, S, C, P = (RankCategory.RESEARCHER, RankCategory.SECTION_CHIEF, RankCategory.CLERK,
              RankCategory.PROBATION)

# ---------------------------------------------------------------- the centre

# Quota group of the head office: the four 处室 share one 40% cap (DESIGN Q2).
HQ_GROUP = "机关"
HQ_UNITS = ("办公室（人事处）", "财务处", "归集管理处", "信贷管理处")
BRANCHES = ("鹿城分中心", "瓯海分中心", "瑞安分中心")

# Centre leaders (分管领导) and branch leaders: not on the roster (above 科级).
HQ_LEADER = {"办公室（人事处）": "周建国", "财务处": "周建国", "归集管理处": "陈海燕",
             "信贷管理处": "陈海燕"}
BRANCH_HEAD = {"鹿城分中心": "徐立群", "瓯海分中心": "黄国荣", "瑞安分中心": "陈向阳"}  # 主任
BRANCH_DEPUTY = {"鹿城分中心": "叶建军", "瓯海分中心": "郑晓东", "瑞安分中心": "李志华"}  # 分管副主任


@dataclass
class Staff:
    """One person of the scenario. `plan` is the leader's grade per quarter Q1..Q4:
    H 好, J 较好, Y 一般, C 较差, N 不定档 (no ticks), - no quarterly form."""

    sid: str
    name: str
    unit: str
    section: str | None
    post: str
    rank: str
    cat: RankCategory
    plan: str
    hired: dt.date
    probation_until: dt.date | None = None
    cases: tuple[SpecialCase, ...] = ()
    on_establishment: bool = True
    refused: bool = False
    style: int = 0  # index into STYLES


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _case(cat: SpecialCategory, start: str | None, end: str | None = None) -> SpecialCase:
    return SpecialCase(category=cat, start=_d(start) if start else None, end=_d(end) if end else None)


# fmt: off
STAFF: list[Staff] = [
    # ---- 办公室（人事处）
    Staff("1001", "林晓峰", "办公室（人事处）", None, "主任", "四级调研员", R, "HHHH", _d("2003-08-01")),
    Staff("1002", "陈丽娜", "办公室（人事处）", None, "副主任", "一级主任科员", S, "HJHJ", _d("2008-07-15")),
    Staff("1003", "黄志强", "办公室（人事处）", None, "科员", "三级主任科员", S, "JHJH", _d("2012-09-01")),
    Staff("1004", "郑雅琴", "办公室（人事处）", None, "科员", "一级科员", C, "JJJY", _d("2019-08-05")),
    # §二 category 1: new recruit in probation the whole year.
    Staff("1005", "吴昊天", "办公室（人事处）", None, "科员", "试用期", P, "NNNN", _d("2025-12-01"),
          probation_until=_d("2026-11-30")),
    Staff("1006", "潘文静", "办公室（人事处）", None, "科员", "四级主任科员", S, "JJHJ", _d("2014-07-10")),
    # ---- 财务处
    Staff("1011", "张伟明", "财务处", None, "处长", "四级调研员", R, "HHJH", _d("2004-07-01")),
    Staff("1012", "李秀英", "财务处", None, "副处长", "二级主任科员", S, "JHHJ", _d("2009-08-01")),
    Staff("1013", "王磊", "财务处", None, "科员", "一级科员", C, "JJJJ", _d("2018-07-20"), style=2),
    # 2026Q2: commended by 市中心 (direct 好, outside the quota); 2026Q3 again (PLANTED: empty opinion).
    Staff("1014", "刘佳怡", "财务处", None, "科员", "四级主任科员", S, "HHHH", _d("2013-08-12")),
    Staff("1015", "蔡文博", "财务处", None, "科员", "二级科员", C, "YJJJ", _d("2021-09-01")),
    # ---- 归集管理处
    Staff("1021", "周海涛", "归集管理处", None, "处长", "三级调研员", R, "HHHH", _d("2002-07-01")),
    Staff("1022", "徐晓燕", "归集管理处", None, "副处长", "一级主任科员", S, "HJHH", _d("2007-08-01")),
    Staff("1023", "孙建华", "归集管理处", None, "科员", "三级主任科员", S, "JJJJ", _d("2011-07-18"), style=1),
    # PLANTED 2026-08: 全年累计 not updated (M9).
    Staff("1024", "马婷婷", "归集管理处", None, "科员", "一级科员", C, "JHJJ", _d("2017-08-01"), style=3),
    # PLANTED 2026Q3: two leader ticks (Q1).
    Staff("1025", "朱俊杰", "归集管理处", None, "科员", "二级科员", C, "JJJJ", _d("2022-08-01")),
    # PLANTED 2026-08: a weekly row 已完成 without its completion date (W3).
    Staff("1026", "胡敏", "归集管理处", None, "科员", "四级主任科员", S, "YJJH", _d("2015-07-06")),
    # ---- 信贷管理处
    Staff("1031", "郭振宇", "信贷管理处", None, "处长", "四级调研员", R, "HHHH", _d("2005-07-01")),
    Staff("1032", "何芳", "信贷管理处", None, "副处长", "一级主任科员", S, "HJJH", _d("2008-08-01"), style=4),
    # §二 category 3: under investigation since 2026-05-10, not concluded.
    Staff("1033", "高伟", "信贷管理处", None, "科员", "三级主任科员", S, "JNNN", _d("2010-07-01"),
          cases=(_case(SpecialCategory.UNDER_INVESTIGATION, "2026-05-10"),)),
    Staff("1034", "罗丹", "信贷管理处", None, "科员", "一级科员", C, "JJJJ", _d("2018-08-01")),
    # PLANTED 2026Q3: no self tick (Q1).
    Staff("1035", "梁晨", "信贷管理处", None, "科员", "二级科员", C, "JJJJ", _d("2023-08-01"), style=5),
    Staff("1036", "宋雨欣", "信贷管理处", None, "科员", "四级主任科员", S, "JHJJ", _d("2014-08-01")),
    # ---- 鹿城分中心 (13); PLANTED 2026Q3: 6 好 of 13 participants, cap 5 (Q2).
    Staff("2001", "叶思远", "鹿城分中心", "综合科", "科长", "一级主任科员", S, "HHHH", _d("2006-07-01")),
    Staff("2002", "方晓丽", "鹿城分中心", "综合科", "科员", "一级科员", C, "JJHJ", _d("2016-08-01"), style=1),
    Staff("2003", "金鑫", "鹿城分中心", "综合科", "科员", "四级主任科员", S, "HJHJ", _d("2012-08-01")),
    Staff("2004", "钱丽华", "鹿城分中心", "综合科", "科员", "二级科员", C, "JJJY", _d("2022-09-01")),
    Staff("2005", "施国强", "鹿城分中心", "归集科", "科长", "四级调研员", R, "HHHH", _d("2001-07-01")),
    # §二 category 5 from 2026-07-15; the cell also holds an older 处分 that ended in 2025.
    Staff("2006", "杨帆", "鹿城分中心", "归集科", "科员", "三级主任科员", S, "HJNN", _d("2011-08-01"),
          cases=(_case(SpecialCategory.ORG_HANDLING, "2026-07-15", "2027-01-14"),
                 _case(SpecialCategory.DISCIPLINED, "2025-01-10", "2025-07-09"))),
    Staff("2007", "吕佳", "鹿城分中心", "归集科", "科员", "一级科员", C, "JHJJ", _d("2019-08-01"), style=2),
    Staff("2008", "曹颖", "鹿城分中心", "归集科", "科员", "二级科员", C, "JJJJ", _d("2023-07-01")),
    Staff("2009", "董立新", "鹿城分中心", "信贷科", "科长", "二级主任科员", S, "HHHH", _d("2007-07-01")),
    Staff("2010", "谢婉婷", "鹿城分中心", "信贷科", "科员", "一级科员", C, "JYJJ", _d("2017-09-01"), style=3),
    Staff("2011", "邱志远", "鹿城分中心", "信贷科", "科员", "四级主任科员", S, "JHJH", _d("2013-07-01")),
    Staff("2012", "任思琪", "鹿城分中心", "信贷科", "科员", "二级科员", C, "YJJJ", _d("2022-08-01")),
    Staff("2013", "彭浩", "鹿城分中心", "信贷科", "科员", "一级科员", C, "JJHH", _d("2018-08-01"), style=4),
    # ---- 瓯海分中心 (12)
    Staff("3001", "戴永明", "瓯海分中心", "综合科", "科长", "一级主任科员", S, "HHHH", _d("2005-08-01")),
    Staff("3002", "夏雪", "瓯海分中心", "综合科", "科员", "一级科员", C, "JJJJ", _d("2018-07-01"), style=5),
    # §五(一): refused to take part / falsified and would not correct it (roster flag, Y4).
    Staff("3003", "姜涛", "瓯海分中心", "综合科", "科员", "三级主任科员", S, "YCYC", _d("2010-08-01"),
          refused=True),
    Staff("3004", "蒋华", "瓯海分中心", "归集科", "科长", "四级调研员", R, "HHHJ", _d("2003-07-01")),
    Staff("3005", "余婷", "瓯海分中心", "归集科", "科员", "一级科员", C, "JJHJ", _d("2019-07-01"), style=1),
    # §二 category 2: sick leave 35 of 66 workdays in 2026Q3 (from the monthly summaries).
    Staff("3006", "袁志刚", "瓯海分中心", "归集科", "科员", "四级主任科员", S, "JHNJ", _d("2012-07-01")),
    Staff("3007", "邹燕", "瓯海分中心", "归集科", "科员", "二级科员", C, "JYJJ", _d("2021-08-01"), style=2),
    Staff("3008", "程锦", "瓯海分中心", "信贷科", "科长", "二级主任科员", S, "HJHH", _d("2006-07-01")),
    # PLANTED 2026Q3: sends monthly summaries but no quarterly form (Q8 未参加).
    Staff("3009", "陆宇", "瓯海分中心", "信贷科", "科员", "一级科员", C, "JJ-J", _d("2020-08-01")),
    Staff("3010", "汤晓梅", "瓯海分中心", "信贷科", "科员", "三级主任科员", S, "HHJH", _d("2011-08-01"), style=3),
    Staff("3011", "卢明", "瓯海分中心", "信贷科", "科员", "二级科员", C, "JJJY", _d("2022-07-01")),
    Staff("3012", "苏晴", "瓯海分中心", "信贷科", "科员", "一级科员", C, "YJJJ", _d("2020-07-01"), style=4),
    # ---- 瑞安分中心 (12; 11 在编)
    Staff("4001", "池建平", "瑞安分中心", "综合科", "科长", "一级主任科员", S, "HHHH", _d("2004-08-01")),
    # Same name as 1013 王磊 (财务处): forms are told apart by 工号.
    Staff("4002", "王磊", "瑞安分中心", "综合科", "科员", "二级科员", C, "JJJJ", _d("2021-07-01"), style=5),
    # Not 在编 (劳务派遣): on the roster, never assessed, no forms.
    Staff("4003", "应丽", "瑞安分中心", "综合科", "窗口服务人员", "—", C, "----", _d("2020-03-01"),
          on_establishment=False),
    Staff("4004", "季伟", "瑞安分中心", "归集科", "科长", "四级调研员", R, "HJHH", _d("2002-08-01")),
    # §二 category 4 from 2026-03-01 to 2027-02-28; PLANTED 2026Q3: ticked anyway (Q6).
    Staff("4005", "郑凯", "瑞安分中心", "归集科", "科员", "三级主任科员", S, "NNNN", _d("2012-08-01"),
          cases=(_case(SpecialCategory.DISCIPLINED, "2026-03-01", "2027-02-28"),)),
    Staff("4006", "胡晓丹", "瑞安分中心", "归集科", "科员", "一级科员", C, "JHJJ", _d("2018-08-01"), style=1),
    # PLANTED 2026Q3: sick leave 15 of 66 workdays (77.3% attended) but graded 较好 (Q5).
    Staff("4007", "林琳", "瑞安分中心", "归集科", "科员", "二级科员", C, "HJJJ", _d("2021-08-01")),
    Staff("4008", "潘建", "瑞安分中心", "信贷科", "科长", "二级主任科员", S, "HHHH", _d("2006-08-01"), style=2),
    Staff("4009", "谷雨", "瑞安分中心", "信贷科", "科员", "一级科员", C, "JJJH", _d("2019-07-01")),
    Staff("4010", "詹敏", "瑞安分中心", "信贷科", "科员", "四级主任科员", S, "YJHJ", _d("2014-07-01"), style=3),
    Staff("4011", "缪文", "瑞安分中心", "信贷科", "科员", "一级科员", C, "JHJY", _d("2020-08-01")),
    Staff("4012", "温晓东", "瑞安分中心", "信贷科", "科员", "二级科员", C, "JJJJ", _d("2023-08-01"), style=4),
]
# fmt: on

# Someone who is not on the roster sends a quarterly form in 2026Q3 (PLANTED, Q8 错误):
# a colleague seconded from another agency who was given a form by mistake.
OUTSIDER = Person(staff_id="2099", name="赵子龙", unit="鹿城分中心", section="归集科", post="借调人员",
                  rank_category=C)

# The reserve pool (§五(三), roster columns 后备层级 / 入库日期 / 出库日期): 工号 → (level, in, out).
# 2026 records: 戴永明, 郭振宇, 池建平 steady 好; 徐晓燕, 黄志强, 金鑫, 宋雨欣 drop a grade in
# one quarter; 杨帆 is 不定档 for 组织处理或诫勉 from 2026Q3 (§二 5); 李秀英 left in June.
RESERVE: dict[str, tuple[ReserveLevel, str | None, str | None]] = {
    "1022": (ReserveLevel.CHIEF, "2024-06-01", None),  # 徐晓燕 HJHH
    "1031": (ReserveLevel.CHIEF, "2023-03-01", None),  # 郭振宇 HHHH
    "3001": (ReserveLevel.CHIEF, "2024-06-01", None),  # 戴永明 HHHH
    "4001": (ReserveLevel.CHIEF, None, None),  # 池建平 HHHH
    "1003": (ReserveLevel.DEPUTY_CHIEF, "2025-03-01", None),  # 黄志强 JHJH
    "1012": (ReserveLevel.DEPUTY_CHIEF, "2023-01-01", "2026-06-30"),  # 李秀英 JHHJ, left in June
    "2003": (ReserveLevel.DEPUTY_CHIEF, "2025-03-01", None),  # 金鑫 HJHJ
    "1036": (ReserveLevel.SECTION_MEMBER, "2026-04-01", None),  # 宋雨欣 JHJJ
    "2006": (ReserveLevel.SECTION_MEMBER, "2025-09-01", None),  # 杨帆 HJNN
    "3002": (ReserveLevel.SECTION_MEMBER, "2025-09-01", None),  # 夏雪 JJJJ
}

# Leave overrides (病事假, 年休) per (工号, month); other months get small random leave.
LEAVE: dict[tuple[str, int], tuple[float, float]] = {
    ("3006", 7): (18, 0), ("3006", 8): (17, 0), ("3006", 9): (0, 0),  # 袁志刚: 35 > 33 (§二 2)
    ("4007", 7): (5, 0), ("4007", 8): (6, 0), ("4007", 9): (4, 0),  # 林琳: 15, 51/66 < 80%
    ("1024", 8): (1, 0),  # 马婷婷: the month whose 全年累计 is planted wrong
}
# §四(三)4(3) 法定假期 and 加班补休 (outside 应出勤, not absence): (法定假期, 加班补休) days.
EXTRA_LEAVE: dict[tuple[str, int], tuple[float, float]] = {
    ("1006", 5): (0, 2),  # 潘文静: 2 days 加班补休 in May
    ("1006", 10): (10, 0),  # and 10 days 婚假 in October (Q4 应出勤 62 − 10 = 52)
}
# Planted problems, in the order of examples/README.md.
PLANTED = [
    ("Q2", "鹿城分中心", None, "2026Q3: 6 好 of 13 participants, cap 5"),
    ("Q1", "归集管理处", "朱俊杰", "2026Q3: two leader ticks (好 and 较好)"),
    ("Q1", "信贷管理处", "梁晨", "2026Q3: no self tick"),
    ("Q5", "瑞安分中心", "林琳", "2026Q3: attended 51 of 66 days, graded 较好"),
    ("Q7", "财务处", "刘佳怡", "2026Q3: commended 好 with an empty leader opinion"),
    ("Q6", "瑞安分中心", "郑凯", "2026Q3: 受处分 (category 4) but ticked 较好"),
    ("Q8", "瓯海分中心", "陆宇", "2026Q3: no quarterly form (未参加)"),
    ("Q8", "鹿城分中心", "赵子龙", "2026Q3: quarterly form for a name not on the roster"),
    ("M9", "归集管理处", "马婷婷", "2026-08: 全年累计 not updated with August's leave"),
    ("W3", "归集管理处", "胡敏", "2026-08 week 2: 已完成 without a completion date"),
]

STYLES: tuple[FillStyle, ...] = (
    FillStyle(),
    FillStyle(tick="✓", date_style="text-dash"),
    FillStyle(tick="☑", date_style="text-dot", name_spacing=True),
    FillStyle(tick="■", date_style="text-cn", days_text=True),
    FillStyle(tick="是", date_style="serial"),
    FillStyle(tick="✔", date_style="text-cn", name_spacing=True),
)
# People who type leave days with full-width digits (１．５) in their monthly summaries.
FULLWIDTH_LEAVE = {"1023", "2010", "3007", "4010"}

GRADE = {"H": QuarterGrade.GOOD, "J": QuarterGrade.FAIRLY_GOOD, "Y": QuarterGrade.AVERAGE,
         "C": QuarterGrade.POOR}

# ---------------------------------------------------------------- phrase pools

TASKS: dict[str, list[str]] = {
    "办公室（人事处）": [
        "中心党组会议材料准备及会议纪要整理", "干部日常考评季度资料汇总", "公文收发、流转及督办",
        "人事档案整理与专项审核", "年度工资福利调整测算", "干部教育培训计划编制",
        "信息宣传稿件撰写及政务公开", "机关党支部“三会一课”组织", "工会慰问及职工活动组织",
        "保密自查及档案室安全检查", "人大建议政协提案办理", "公务用车及办公用品管理",
    ],
    "财务处": [
        "月度会计报表编制", "住房公积金增值收益核算", "银行存款账户对账", "资金调度及定期存款安排",
        "预算执行情况分析", "配合审计部门开展专项审计", "廉租房建设补充资金上缴测算",
        "受托银行手续费结算", "财务档案装订归档", "住房公积金年度报告数据核对",
    ],
    "归集管理处": [
        "缴存单位基数年度调整审核", "归集扩面走访重点企业", "灵活就业人员缴存政策宣传",
        "欠缴单位催缴及执法文书送达", "提取政策咨询答复", "公积金提取审核业务抽查",
        "异地转移接续业务指导", "缴存数据质量治理", "“跨省通办”事项梳理", "新市民缴存扩面专项推进",
    ],
    "信贷管理处": [
        "个人住房贷款审批", "逾期贷款催收及风险排查", "贷后检查抽样", "合作楼盘准入审核",
        "组合贷款业务与银行对接", "贷款政策调整测算", "担保机构保证金核对", "贷款档案移交核查",
        "商转公贷款业务流程优化", "信贷系统操作风险自查",
    ],
    "综合科": [
        "12329服务热线来电处理", "业务档案整理与扫描", "分中心党支部主题党日组织", "工会活动组织",
        "窗口服务质量巡查", "信息报送及宣传稿件撰写", "办公用品采购及固定资产盘点",
        "安全生产检查", "群众来信来访答复",
    ],
    "归集科": [
        "公积金提取审核", "单位缴存登记及变更", "归集扩面走访", "缴存基数调整审核",
        "退休销户提取办理", "租房提取材料核验", "异地转移接续办理", "欠缴单位催缴",
    ],
    "信贷科": [
        "贷款申请受理与审批", "抵押登记及权证核验", "逾期贷款电话催收", "贷后检查",
        "楼盘项目现场查勘", "提前还款业务办理", "贷款资料归档", "合作银行业务对账",
    ],
}
COMMON_TASKS = ["党史学习教育专题学习", "参加中心业务培训", "工会志愿服务活动", "廉政教育警示学习"]
HOLIDAY_TASK = "节假日值班：12329热线及网厅留言值守"
PROBLEMS = [
    "部分业务政策更新较快，学习还不够系统深入。", "业务高峰期窗口等候时间偏长，需优化分流。",
    "个别资料归档不够及时，存在集中突击整理现象。", "与相关处室的沟通衔接还需加强。",
    "对新系统的操作还不够熟练，效率有待提高。", "调研分析不够深入，提出的建议针对性不强。",
]
PLANS = [
    "继续做好日常业务办理，确保按时办结率保持在较高水平。",
    "加强政策学习，提升业务办理的规范性和准确性。", "按计划推进重点任务，及时做好资料归档。",
    "主动对接相关处室和合作银行，提高工作协同效率。", "做好季度考评各项准备工作，认真总结经验。",
]
SHORTCOMINGS = [
    "理论学习的系统性不够，今后将每周固定时间自学政策文件并做好笔记。",
    "统筹兼顾能力还需提升，改进措施是制定任务清单、按轻重缓急推进。",
    "创新意识不强，下一步将主动学习其他地区好的做法，提出改进建议。",
    "对复杂业务的研判能力不足，将多向业务骨干请教，加强案例学习。",
]
OPINIONS = {
    QuarterGrade.GOOD: "该同志本季度工作积极主动，重点任务完成质量高，群众评价好。",
    QuarterGrade.FAIRLY_GOOD: "该同志本季度能够较好完成各项工作任务，工作态度端正。",
    QuarterGrade.AVERAGE: "该同志本季度基本完成工作任务，但主动性不足，需进一步加强。",
    QuarterGrade.POOR: "该同志本季度工作推进不力，多项任务未按时完成，需认真整改。",
}
NOT_GRADED_OPINION = {
    SpecialCategory.NEW_RECRUIT: "该同志为新录用公务员，试用期内只参加日常考核，不定档。",
    SpecialCategory.LONG_LEAVE: "该同志本季度病假累计超过考核周期一半，只参加日常考核，不定档。",
    SpecialCategory.UNDER_INVESTIGATION: "该同志涉嫌违纪违法被立案调查尚未结案，只参加日常考核，不定档。",
    SpecialCategory.DISCIPLINED: "该同志处于处分期内，只参加日常考核，不定档。",
    SpecialCategory.ORG_HANDLING: "该同志受诫勉，只参加日常考核，不定档。",
}
COMMENDATION_NAME = "住房公积金数据治理专项工作通报表彰"
COMMENDED_OPINION = ("该同志在住房公积金数据治理专项工作中表现突出，受到市中心通报表彰，无负面情形，"
                     "本季度直接确定为“好”等次。")

# ---------------------------------------------------------------- helpers


def rng(*key: object) -> random.Random:
    return random.Random("-".join(str(k) for k in (SEED, *key)))


def person_of(s: Staff) -> Person:
    hq = s.unit in HQ_UNITS
    is_head = s.post in ("主任", "处长", "科长")
    if hq:
        head = next(x for x in STAFF if x.unit == s.unit and x.post in ("主任", "处长"))
        direct = HQ_LEADER[s.unit] if is_head else head.name
        supervising = HQ_LEADER[s.unit]
    else:
        head = next((x for x in STAFF if x.unit == s.unit and x.section == s.section
                     and x.post == "科长"), None)
        direct = BRANCH_DEPUTY[s.unit] if (is_head or head is None) else head.name
        supervising = BRANCH_DEPUTY[s.unit]
    return Person(
        staff_id=s.sid, name=s.name, unit=s.unit, quota_group=HQ_GROUP if hq else None,
        section=s.section, post=s.post, rank=s.rank, rank_category=s.cat, direct_leader=direct,
        supervising_leader=supervising, hired_on=s.hired, probation_until=s.probation_until,
        special_cases=list(s.cases), on_establishment=s.on_establishment,
        refused_or_falsified=s.refused, refused_or_falsified_year=YEAR if s.refused else None,
        **_reserve(s.sid))


def _reserve(sid: str) -> dict[str, object]:
    if sid not in RESERVE:
        return {}
    level, start, end = RESERVE[sid]
    return {"reserve_level": level, "reserve_in": _d(start) if start else None,
            "reserve_out": _d(end) if end else None}


def roster() -> Roster:
    return Roster(people=[person_of(s) for s in STAFF])


def evaluator(s: Staff) -> str:
    """Who signs 附件3 (处室或分支机构负责人)."""
    if s.unit in HQ_UNITS:
        head = next(x for x in STAFF if x.unit == s.unit and x.post in ("主任", "处长"))
        return HQ_LEADER[s.unit] if head.sid == s.sid else head.name
    return BRANCH_HEAD[s.unit]


def identity(p: Person) -> FormIdentity:
    return FormIdentity(staff_id=p.staff_id, name=p.name, unit=p.unit, section=p.section, post=p.post)


def fullwidth(text: str) -> str:
    return text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789."})


def fmt_days(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


# ---------------------------------------------------------------- leave


def leave_of(s: Staff, month: int) -> tuple[float, float]:
    """(病事假, 年休) days of one month."""
    if (s.sid, month) in LEAVE:
        return LEAVE[(s.sid, month)]
    r = rng("leave", s.sid, month)
    sick = r.choice([0.5, 1, 1, 1.5, 2]) if r.random() < 0.12 else 0.0
    annual = float(r.choice([1, 2, 3, 5])) if (month in (2, 4, 7, 8, 10, 12) and r.random() < 0.25) else 0.0
    return sick, annual


def extra_leave_table(s: Staff) -> dict[int, tuple[float, float, float, float]]:
    """month → (法定假期, 加班补休, 全年累计法定假期, 全年累计加班补休) as written on the forms."""
    out = {}
    ytd_statutory = ytd_comp = 0.0
    for m in range(1, 13):
        statutory, comp = EXTRA_LEAVE.get((s.sid, m), (0.0, 0.0))
        ytd_statutory += statutory
        ytd_comp += comp
        out[m] = (float(statutory), float(comp), ytd_statutory, ytd_comp)
    return out


def leave_table(s: Staff) -> dict[int, tuple[float, float, float, float]]:
    """month → (病事假, 年休, 全年累计病事假, 全年累计年休) as written on the forms."""
    out = {}
    ytd_sick = ytd_annual = 0.0
    for m in range(1, 13):
        sick, annual = leave_of(s, m)
        if not (s.sid == "1024" and m == 8):  # PLANTED M9: August not added to 全年累计
            ytd_sick += sick
            ytd_annual += annual
        out[m] = (sick, annual, ytd_sick, ytd_annual)
    return out


# ---------------------------------------------------------------- weekly logs


def task_pool(s: Staff) -> list[str]:
    return TASKS[s.section] if s.section in TASKS else TASKS[s.unit]


def week_tasks(s: Staff, month: Month, week: int, start: dt.date, end: dt.date,
               used: set[str]) -> list[WeeklyTask]:
    r = rng("week", s.sid, month, week)
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    workdays = [d for d in days if is_workday(d)]
    if not workdays:
        d = days[0]
        return [WeeklyTask(row=0, seq=1, received_on=d, item=HOLIDAY_TASK, deadline=d,
                           status=TaskStatus.DONE, completed_on=d)]
    pool = [t for t in task_pool(s) if t not in used] or task_pool(s)
    n = min(len(workdays) + 1, r.choice([2, 3, 3, 4]))
    items = r.sample(pool, k=min(n, len(pool)))
    if r.random() < 0.15:
        items[-1] = r.choice(COMMON_TASKS)
    tasks = []
    received_days = sorted(r.choice(workdays[: max(1, len(workdays) - 1)]) for _ in items)
    for i, (item, received) in enumerate(zip(items, received_days, strict=True), start=1):
        roll = r.random()
        if roll < 0.72 or received == end:
            deadline = received + dt.timedelta(days=r.choice([0, 1, 2, 3, 5]))
            done_candidates = [d for d in workdays if received <= d <= min(deadline, end)] or [received]
            done = r.choice(done_candidates)
            deadline_text = None
            if r.random() < 0.15:
                deadline, deadline_text = None, r.choice(["本周内", "即时办结", "当日"])
            tasks.append(WeeklyTask(row=0, seq=i, received_on=received, item=item,
                                    deadline=deadline, deadline_text=deadline_text,
                                    status=TaskStatus.DONE, completed_on=done))
        elif roll < 0.95:
            deadline = end + dt.timedelta(days=r.choice([3, 7, 10, 14, 20]))
            tasks.append(WeeklyTask(row=0, seq=i, received_on=received, item=item, deadline=deadline,
                                    status=TaskStatus.IN_PROGRESS, note="按计划推进中"))
        else:
            deadline = end
            reason = r.choice(["对方单位未按时提供材料，已报告处室负责人", "系统升级暂停办理，待恢复后继续",
                               "当事人未到场签字，已电话告知补办"])
            tasks.append(WeeklyTask(row=0, seq=i, received_on=received, item=item, deadline=deadline,
                                    status=TaskStatus.FAILED, note=reason))
        used.add(item)
    return tasks


def monthly_summary(s: Staff, p: Person, month: Month) -> MonthlySummary:
    used: set[str] = set()
    weeks = []
    for i, (start, end) in enumerate(month.weeks(), start=1):
        tasks = week_tasks(s, month, i, start, end, used)
        if s.sid == "1026" and month == Month(YEAR, 8) and i == 2:
            # PLANTED W3: 已完成 written without its completion date.
            t = tasks[0]
            tasks[0] = t.model_copy(update={"status": TaskStatus.DONE, "completed_on": None,
                                            "note": None, "deadline": end, "deadline_text": None})
        weeks.append(WeeklyLog(
            source=SourceRef(file="generated"), identity=identity(p),
            unit_and_post=f"{p.unit}{p.section or ''} {p.post}", year=month.year,
            month=month.month, week=i, week_start=start, week_end=end, tasks=tasks))
    r = rng("month", s.sid, month)
    items = [t.item for w in weeks for t in w.tasks if t.item and t.item != HOLIDAY_TASK]
    main = "、".join(dict.fromkeys(items[:4])) or "日常业务"
    own = [i for i in items if i in task_pool(s)]
    key = own[-1] if own else task_pool(s)[0]
    sick, annual, ytd_sick, ytd_annual = leave_table(s)[month.month]
    return MonthlySummary(
        source=SourceRef(file="generated"), identity=identity(p), year=month.year,
        month=month.month,
        daily_work=f"本月主要完成{main}等工作，各项日常业务均按时限办结。",
        key_tasks=f"牵头推进“{key}”，已按节点完成阶段任务，{r.choice(['效果良好', '得到分管领导肯定', '服务对象反映良好'])}。",
        problems=r.choice(PROBLEMS), next_plans=r.choice(PLANS),
        sick_personal_days=sick, annual_leave_days=annual,
        sick_personal_days_ytd=ytd_sick, annual_leave_days_ytd=ytd_annual,
        **dict(zip(("statutory_leave_days", "comp_leave_days", "statutory_leave_days_ytd",
                    "comp_leave_days_ytd"), extra_leave_table(s)[month.month])),
        verifier_signature=p.direct_leader, weeks=weeks)


# ---------------------------------------------------------------- quarterly


def active_categories(p: Person, q: Quarter) -> list[SpecialCategory]:
    cats = [c.category for c in p.special_cases if c.active_during(q.start, q.end)]
    if p.rank_category == RankCategory.PROBATION:
        cats.insert(0, SpecialCategory.NEW_RECRUIT)
    return cats


def evaluation(s: Staff, p: Person, q: Quarter) -> QuarterlyEvaluation | None:
    code = s.plan[q.quarter - 1]
    if code == "-":
        return None
    r = rng("quarter", s.sid, q)
    months = [monthly_summary(s, p, m) for m in q.months]
    keys = list(dict.fromkeys(m.key_tasks.split("“")[1].split("”")[0] for m in months))
    numerals = "一二三"
    highlights = "；".join(f"{numerals[i]}是{k}按期完成，质量和效率有提升" for i, k in enumerate(keys[:3]))
    ev = QuarterlyEvaluation(
        source=SourceRef(file="generated"), identity=identity(p), year=q.year, quarter=q.quarter,
        highlights=highlights + "。", shortcomings=r.choice(SHORTCOMINGS),
        leader_signature=evaluator(s))
    if code == "N":
        cats = active_categories(p, q)
        if q.quarter == 3 and s.sid == "3006":
            cats = [SpecialCategory.LONG_LEAVE]
        return ev.model_copy(update={"leader_opinion": NOT_GRADED_OPINION[cats[0]]})
    grade = GRADE[code]
    self_grade = grade
    if grade != QuarterGrade.GOOD and r.random() < 0.25:  # some people rate themselves higher
        self_grade = GRADE["HJYC"["HJYC".index(code) - 1]]
    ev = ev.model_copy(update={"self_ticks": [self_grade], "leader_ticks": [grade],
                               "leader_opinion": OPINIONS[grade]})
    if s.sid == "1014" and q.quarter in (2, 3):  # commended by 市中心 (§四(三)4(1))
        ev = ev.model_copy(update={"commended": True, "leader_opinion": COMMENDED_OPINION,
                                   "commendation_level": CommendationLevel.CENTRE.value,
                                   "commendation_name": COMMENDATION_NAME})
    if q.quarter == 3:
        ev = planted_q3(s, ev)
    return ev


def planted_q3(s: Staff, ev: QuarterlyEvaluation) -> QuarterlyEvaluation:
    """The 2026Q3 problems (see PLANTED)."""
    if s.sid == "1025":  # Q1: two leader ticks
        return ev.model_copy(update={"leader_ticks": [QuarterGrade.GOOD, QuarterGrade.FAIRLY_GOOD]})
    if s.sid == "1035":  # Q1: no self tick
        return ev.model_copy(update={"self_ticks": []})
    if s.sid == "1014":  # Q7: commended 好, empty opinion
        return ev.model_copy(update={"leader_opinion": None})
    if s.sid == "4007":  # Q5: attendance under 80% but 较好; the opinion does mention it
        return ev.model_copy(update={
            "leader_opinion": "该同志本季度因病请假15天，出勤未达应出勤天数的80%，其余工作完成较好。"})
    return ev


def planted_q3_ticked(ev: QuarterlyEvaluation) -> QuarterlyEvaluation:
    """Q6: 郑凯 (受处分) ticked 较好 by himself and his leader."""
    return ev.model_copy(update={"self_ticks": [QuarterGrade.FAIRLY_GOOD],
                                 "leader_ticks": [QuarterGrade.FAIRLY_GOOD],
                                 "leader_opinion": OPINIONS[QuarterGrade.FAIRLY_GOOD]})


# ---------------------------------------------------------------- writing

def _monthly_cell(field: str) -> str:
    """Where the 附件2 template has the days box of `field` (its placeholder's cell)."""
    return placeholder_cell(form_template(FormKind.MONTHLY), MONTHLY_DAYS[field], MONTHLY_SHEET)


def write_monthly(s: Staff, p: Person, month: Month, path: Path) -> None:
    style = STYLES[s.style]
    wb = monthly_workbook(p, month, monthly_summary(s, p, month), style)
    if s.sid in FULLWIDTH_LEAVE:
        ws = wb.worksheets[0]
        for key in ("sick_personal_days", "annual_leave_days", "sick_personal_days_ytd",
                    "annual_leave_days_ytd"):
            cell = ws[_monthly_cell(key)]
            if isinstance(cell.value, (int, float)):
                put(cell, fullwidth(fmt_days(cell.value)))
    save_workbook(wb, path, force=True)


def write_quarterly(p: Person, q: Quarter, ev: QuarterlyEvaluation, style: FillStyle,
                    path: Path) -> None:
    save_workbook(quarterly_workbook(p, q, ev, style), path, force=True)


def generate(out: Path, quarters: Iterable[int] = (1, 2, 3, 4), *, log=print) -> list[Path]:
    """Write the roster and the collected forms of `quarters` under `out`."""
    out = Path(out)
    written: list[Path] = []
    ros = roster()
    path = save_workbook(roster_template_workbook(
        [*HQ_UNITS, *BRANCHES], people=ros.people), out / ROSTER_NAME, force=True)
    written.append(path)
    by_id = {s.sid: s for s in STAFF}
    for qn in quarters:
        q = Quarter(YEAR, qn)
        qdir = out / "collected" / str(q)
        if qdir.exists():
            shutil.rmtree(qdir)
        due = [p for p in ros.people if p.on_establishment and (p.hired_on is None or p.hired_on <= q.end)]
        for month in q.months:
            for p, fpath in zip(due, form_paths(due, month, qdir), strict=True):
                write_monthly(by_id[p.staff_id], p, month, fpath)
                written.append(fpath)
        for p, fpath in zip(due, form_paths(due, q, qdir), strict=True):
            s = by_id[p.staff_id]
            ev = evaluation(s, p, q)
            if ev is None:
                continue
            if qn == 3 and s.sid == "4005":
                ev = planted_q3_ticked(ev)
            write_quarterly(p, q, ev, STYLES[s.style], fpath)
            written.append(fpath)
        if qn == 3:
            (fpath,) = form_paths([OUTSIDER], q, qdir)
            ev = QuarterlyEvaluation(
                source=SourceRef(file="generated"), identity=identity(OUTSIDER), year=YEAR, quarter=3,
                highlights="一是协助开展归集扩面走访；二是参与缴存单位基数调整审核，按期完成。",
                shortcomings="对住房公积金政策还不够熟悉，将加强学习。",
                self_ticks=[QuarterGrade.FAIRLY_GOOD], leader_ticks=[QuarterGrade.FAIRLY_GOOD],
                leader_opinion=OPINIONS[QuarterGrade.FAIRLY_GOOD], leader_signature=BRANCH_HEAD["鹿城分中心"])
            write_quarterly(OUTSIDER, q, ev, FillStyle(), fpath)
            written.append(fpath)
        log(f"{q}: {sum(1 for w in written if str(q) in w.parts)} 个文件")
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=f"生成示例数据：{CENTRE} {YEAR} 年花名册及各类表格")
    ap.add_argument("--out", type=Path, default=HERE, help="输出目录（默认 examples/）")
    ap.add_argument("--quarter", action="append", default=None,
                    help="只生成某季度的表格，如 2026Q3（可重复）；默认全年")
    args = ap.parse_args(argv)
    quarters = [int(str(q)[-1]) for q in args.quarter] if args.quarter else [1, 2, 3, 4]
    files = generate(args.out, quarters)
    print(f"共写入 {len(files)} 个文件到 {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
