"""Helpers for the LibreOffice print and round-trip tests: PDF pages, sheet titles, A4 checks."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from kaoping.output import pdf
from kaoping.models import (
    FormIdentity,
    MonthlySummary,
    Person,
    QuarterGrade,
    QuarterlyEvaluation,
    RankCategory,
    SourceRef,
    TaskStatus,
    WeeklyLog,
    WeeklyTask,
)
from kaoping.periods import Month, Quarter

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates" / "xlsx"

requires_soffice = pytest.mark.skipif(
    not pdf.soffice_available(),
    reason="未安装 LibreOffice（soffice）：打印/往返测试需要它；scripts/test.sh 会以 root 自动安装 "
           "libreoffice-calc，或设置 KAOPING_SOFFICE",
)

# A4 in PDF points (1/72 inch): 210 × 297 mm.
A4_SHORT, A4_LONG = 595.28, 841.89
A4_TOLERANCE = 1.5  # LibreOffice writes 595.304 × 841.89

# The annexes' own titles (measures, 附件1–6): a sheet carrying one of these is a form and
# must print on exactly one page.
ANNEX_TITLES = {
    "附件1": "干部日常考评一周小记表",
    "附件2": "干部日常考评月度小结表",
    "附件3": "干部日常考评季度评价表",
    "附件4": "公务员平时考核结果备案表",
    "附件5": "公务员平时考核好、一般、较差、不确定等次、未参加考核人员名单表",
    "附件6": "公务员平时考核好等次2次以上人员名单表",
}

_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """Text without any whitespace: PDF extraction splits lines and spaces unpredictably."""
    return _SPACE.sub("", text or "")


@dataclass
class Page:
    width: float
    height: float
    text: str

    @property
    def is_a4(self) -> bool:
        short, long_ = sorted((self.width, self.height))
        return abs(short - A4_SHORT) <= A4_TOLERANCE and abs(long_ - A4_LONG) <= A4_TOLERANCE


def pdf_pages(path: Path) -> list[Page]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    pages = []
    for page in reader.pages:
        box = page.mediabox
        rot = (page.get("/Rotate") or 0) % 180
        w, h = float(box.width), float(box.height)
        if rot:
            w, h = h, w
        pages.append(Page(w, h, page.extract_text() or ""))
    return pages


@dataclass
class SheetInfo:
    name: str
    title: str | None  # the first text on the sheet that is not an "附件N" label
    annex: str | None  # "附件3" when the title is an annex's title

    @property
    def is_form(self) -> bool:
        return self.annex is not None


def printed_sheets(path: Path) -> list[SheetInfo]:
    """The visible worksheets of a workbook in print order, with their titles."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=False)
    out = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        title = None
        for row in ws.iter_rows(min_row=1, max_row=4, values_only=True):
            for value in row:
                if isinstance(value, str) and value.strip() and not re.fullmatch(
                        r"\s*附件\s*\d\s*", value):
                    title = value.strip()
                    break
            if title:
                break
        annex = None
        for key, annex_title in ANNEX_TITLES.items():
            if title and squash(annex_title) in squash(title):
                annex = key
        out.append(SheetInfo(ws.title, title, annex))
    wb.close()
    return out


def check_printout(xlsx: Path, pdf_path: Path) -> list[str]:
    """Every problem of the printout of `xlsx`: not A4, a form spilling over one page, a
    title missing from the PDF's text. An empty list means the printout is right."""
    problems: list[str] = []
    sheets = printed_sheets(xlsx)
    pages = pdf_pages(pdf_path)
    for n, page in enumerate(pages, 1):
        if not page.is_a4:
            problems.append(f"{xlsx.name}: page {n} is {page.width:.1f}x{page.height:.1f} pt, not A4")
    if all(s.is_form for s in sheets):
        if len(pages) != len(sheets):
            problems.append(f"{xlsx.name}: {len(sheets)} form sheet(s) but {len(pages)} page(s)")
        else:
            for sheet, page in zip(sheets, pages):
                if squash(sheet.title) not in squash(page.text):
                    problems.append(f"{xlsx.name}: title {sheet.title!r} of sheet "
                                    f"{sheet.name!r} not in its page's text")
    else:
        # A data sheet (ledger, 问题清单) may run over several pages; each sheet must still
        # print (its title somewhere) and a form among them must keep to one page.
        all_text = squash("".join(p.text for p in pages))
        for sheet in sheets:
            if sheet.title and squash(sheet.title) not in all_text:
                problems.append(f"{xlsx.name}: title {sheet.title!r} of sheet {sheet.name!r} "
                                "not in the PDF's text")
        forms = [s for s in sheets if s.is_form]
        for sheet in forms:
            hits = [p for p in pages if squash(sheet.title) in squash(p.text)]
            if len(hits) != 1:
                problems.append(f"{xlsx.name}: form sheet {sheet.name!r} title on "
                                f"{len(hits)} pages")
    if not pages:
        problems.append(f"{xlsx.name}: empty PDF")
    return problems


def to_pdf(paths: list[Path], out_dir: Path) -> dict[Path, Path]:
    """Convert workbooks from any folders in as few soffice calls as possible; copies them
    first under unique names so equal stems from different folders don't collide."""
    staging = out_dir / "in"
    staging.mkdir(parents=True, exist_ok=True)
    copies = []
    for n, src in enumerate(paths):
        dst = staging / f"{n:03d}-{src.name}"
        shutil.copyfile(src, dst)
        copies.append(dst)
    outs = pdf.convert(copies, "pdf", out_dir / "pdf")
    return dict(zip(paths, outs))


# ---------------------------------------------------------------- rich sample forms

MONTH = Month(2026, 7)
QUARTER = Quarter(2026, 3)

PERSON = Person(staff_id="00731", name="欧阳修远", unit="鹿城分中心（营业部）", section="综合业务科",
                post="副科长", rank="一级主任科员", rank_category=RankCategory.SECTION_CHIEF)

# Long Chinese text with line breaks, full-width punctuation, digits and a formula-like line.
DAILY = ("1. 受理住房公积金提取业务共计 326 笔，其中租房提取 118 笔、购房提取 95 笔，"
         "均在承诺时限内办结；\n2. 完成 7 月份单位缴存基数调整的审核工作，涉及 42 家单位、"
         "1,873 名职工；\n3. 配合做好“双随机、一公开”抽查，整理归档材料 6 卷。\n"
         "=SUM(A1:A3) 这一行是正文，不是公式。")
KEY_TASKS = "牵头开展“公积金进企业”宣传活动 3 场；\n参与贷款逾期清收专项行动，催收到位 12 户。"
PROBLEMS = "政策学习不够系统，对新出台的异地贷款政策理解不深；\n窗口高峰期分流引导不够及时。"
PLANS = "一、加强政策学习，每周集中学习一次；\n二、优化叫号分流，高峰期增开一个窗口；\n三、按期完成第三季度考评资料整理。"
HIGHLIGHTS = ("本季度围绕“提质增效”目标，完成提取业务 1,012 笔，群众满意率 99.6%；\n"
              "牵头梳理业务流程 14 项，精简材料 9 项，平均办理时限由 3 个工作日压缩至 1 个工作日；\n"
              "撰写信息简报 5 篇，其中 2 篇被市中心采用。") * 2
SHORTCOMINGS = "统筹协调能力有待提高；\n改进措施：主动向先进同事学习，每月复盘一次工作台账。"
OPINION = ("该同志本季度工作积极主动，业务熟练，\n能按时完成各项任务，群众反映良好。\n"
           "受市中心通报表彰，直接确定为“好”等次。")


def _src() -> SourceRef:
    return SourceRef(file="-")


def _ident() -> FormIdentity:
    return FormIdentity(staff_id=PERSON.staff_id, name=PERSON.name, unit=PERSON.unit,
                        section=PERSON.section, post=PERSON.post)


def _tasks(week: int, start: dt.date, end: dt.date) -> list[WeeklyTask]:
    """Three rows a week: done (with completion date), in progress with a text deadline,
    and failed with a reason."""
    return [
        WeeklyTask(row=0, seq=1, received_on=start, item=f"第{week}周：审核单位缴存基数调整材料，"
                   "逐户核对工资总额与缴存比例，发现问题当场告知经办人更正",
                   deadline=end, status=TaskStatus.DONE, completed_on=end, note=None),
        WeeklyTask(row=0, seq=2, received_on=start, item="整理季度考评归档资料\n（含一周小记、月度小结）",
                   deadline_text="7月底", status=TaskStatus.IN_PROGRESS),
        WeeklyTask(row=0, seq=3, received_on=start, item="上门核查某企业欠缴情况",
                   deadline=end, status=TaskStatus.FAILED,
                   note="企业法人外出，约定下周再访"),
    ]


def monthly_summary() -> MonthlySummary:
    weeks = [WeeklyLog(source=_src(), identity=_ident(), unit_and_post=f"{PERSON.unit} {PERSON.post}",
                       year=MONTH.year, month=MONTH.month, week=i, tasks=_tasks(i, start, end))
             for i, (start, end) in enumerate(MONTH.weeks(), start=1)]
    return MonthlySummary(
        source=_src(), identity=_ident(), year=MONTH.year, month=MONTH.month,
        daily_work=DAILY, key_tasks=KEY_TASKS, problems=PROBLEMS, next_plans=PLANS,
        sick_personal_days=1.5, annual_leave_days=2, sick_personal_days_ytd=3.5,
        annual_leave_days_ytd=7, verifier_signature="李明", weeks=weeks)


def quarterly_evaluation(n: int) -> QuarterlyEvaluation:
    grades = list(QuarterGrade)
    return QuarterlyEvaluation(
        source=_src(), identity=_ident(), year=QUARTER.year, quarter=QUARTER.quarter,
        highlights=HIGHLIGHTS, shortcomings=SHORTCOMINGS,
        self_ticks=[grades[n % 4]], leader_ticks=[grades[(n + 1) % 4]],
        commended=n % 2 == 0, direct_poor=False, leader_opinion=OPINION, leader_signature="王建国")
