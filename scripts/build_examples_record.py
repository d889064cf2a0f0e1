"""The example centre's record beyond 2026's forms (issue 17): the 2025 季度结果台账 and the
returned 干部成长考核考察记实表 of 2026H1.

    .venv/bin/python scripts/build_examples_record.py          # writes under examples/

Deterministic, from the scenario of examples/generate.py (its STAFF and roster):

- examples/台账/季度结果台账-2025Q1.xlsx … 2025Q4: each person's 2025 grades are their 2026
  plan shifted by one quarter (2025Q1 takes the 2026Q2 letter, … 2025Q4 the 2026Q1 one), so
  the two years differ; 不定档 only where the roster makes them so in 2025 (杨帆's 处分
  2025-01-10～2025-07-09, in force on the last day of 2025Q1 and Q2; 吴昊天 hired 2025-12-01: 2025Q4 as 试用期), otherwise a
  2026 不定档 letter reads 较好; people hired after a quarter are not listed; no leave.
- examples/collected/2026H1/<单位>/[<科室>/]<姓名>-2026H1-记实表.xlsx: a signed record for
  each person due in 2026H1, talks on the workdays of June 2026, except the PLANTED ones in
  TALK_PLANTED (one never returned, one not signed by the interviewee, one dated in July).
- examples/collected/2026H1/测评票/<单位>/测评票-01.xlsx …: the 集中测评票 of 2026H1, one per
  person of the unit, all valid (`write_ballots`).
- examples/谈话提醒/2026Qn/<单位>/谈话提醒和批评教育名单-2026Qn.xlsx (Q1–Q3): the lists
  `quarter report` writes, returned by the units filled in: every follow-up done 10 days after
  the quarter's filing deadline, except FOLLOWUP_PLANTED (one done late, one never done).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
HALF_DIR = "2026H1"
INTERVIEWER, RECORDER = "陈丽娜", "潘文静"  # 办公室（人事处） 副主任 and 科员
# PLANTED in 2026H1: 工号 → what is wrong (examples/README.md).
TALK_PLANTED = {
    "2012": "missing",  # 任思琪: no 记实表 returned (H7)
    "3011": "unsigned",  # 卢明: interviewee did not sign (H5)
    "4009": "july",  # 谷雨: talk dated 2026-07-02, outside the half (H6)
}
TALKS = (
    "一是思想政治方面，能认真学习党的理论，政治立场坚定；二是履职尽责方面，{task}推进有序；"
    "三是作风纪律和廉洁自律方面，遵守各项规定，未发现问题；四是成长需求方面，希望参加业务培训。"
    "谈话人提醒其{advice}。",
)
ADVICE = ("进一步提高工作主动性", "加强政策业务学习", "注意工作方法，提升服务质量",
          "发挥骨干带头作用", "加强与同事的沟通协作")


def _generator():
    spec = importlib.util.spec_from_file_location("kaoping_examples_generate", EXAMPLES / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- 2025 ledgers


def _result_2025(gen, s, p, q):
    from kaoping.models import Outcome, QuarterFlag, QuarterResult
    from kaoping.rules.quarter import special_categories

    if p.hired_on is not None and p.hired_on > q.end:
        return None
    code = s.plan[q.quarter % 4]  # 2025Q1 ← 2026Q2, …, 2025Q4 ← 2026Q1
    grade = None
    if code == "-":
        outcome, flags, cats = Outcome.ABSENT, [QuarterFlag.NO_FORM], []
    elif cats := special_categories(p, q):
        outcome, flags = Outcome.UNDETERMINED, [QuarterFlag.NOT_GRADED]
    else:
        grade = gen.GRADE.get(code, gen.GRADE["J"])  # a 2026 不定档 letter reads 较好
        outcome, flags, cats = Outcome.from_grade(grade), [], []
    days = None if outcome == Outcome.ABSENT else _workdays(q)
    return QuarterResult(
        staff_id=p.staff_id, name=p.name, unit=p.unit, quota_group=p.quota_group, section=p.section,
        rank=p.rank, rank_category=p.rank_category, outcome=outcome,
        self_grade=grade, leader_grade=grade,
        flags=flags, special_categories=cats, required_days=days, attended_days=days,
        source_file=None, note=("不定档：" + "、".join(c.value for c in cats)) if cats else
        ("未交评价表" if outcome == Outcome.ABSENT else None))


def _workdays(q) -> float:
    from kaoping.calendar import quarter_workdays

    return quarter_workdays(q)


def write_ledgers_2025(gen, out: Path) -> list[Path]:
    from kaoping.models import QuarterLedger
    from kaoping.periods import Quarter
    from kaoping.report.ledger import write_ledger

    roster = gen.roster()
    by_id = {s.sid: s for s in gen.STAFF}
    written = []
    for n in (1, 2, 3, 4):
        q = Quarter(2025, n)
        results = [r for p in roster.people if p.on_establishment
                   if (r := _result_2025(gen, by_id[p.staff_id], p, q)) is not None]
        written.append(write_ledger(QuarterLedger(year=2025, quarter=n, results=results),
                                    out / f"季度结果台账-{q}.xlsx", force=True))
    return written


# ---------------------------------------------------------------- 2026H1 talk records


def _june_days() -> list[dt.date]:
    from kaoping.calendar import is_workday

    return [d for d in (dt.date(2026, 6, 1) + dt.timedelta(i) for i in range(30)) if is_workday(d)]


def _record(gen, p, half, day: dt.date, planted: str | None):
    from kaoping.forms.halfyear import growth_record_workbook

    wb = growth_record_workbook(p, half)
    ws = wb["记实表"]
    r = random.Random(f"{gen.SEED}-talk-{p.staff_id}")
    tasks = gen.task_pool(next(s for s in gen.STAFF if s.sid == p.staff_id))
    ws["A8"] = TALKS[0].format(task=r.choice(tasks), advice=r.choice(ADVICE))
    when = dt.date(2026, 7, 2) if planted == "july" else day
    ws["A9"] = f"谈话人（签字）：{INTERVIEWER}　　　　谈话日期：{when.year}年{when.month}月{when.day}日"
    who = "＿＿＿＿＿＿＿＿" if planted == "unsigned" else p.name
    ws["A10"] = f"被谈话人（签字）：{who}　　　记录人（签字）：{RECORDER}"
    return wb


def write_talk_records(gen, out: Path) -> list[Path]:
    from kaoping.forms.halfyear import half_staff
    from kaoping.output.workbook import save_workbook
    from kaoping.paths import safe_filename
    from kaoping.periods import Half

    half = Half(2026, 1)
    if out.exists():
        shutil.rmtree(out)
    days = _june_days()
    written = []
    for i, p in enumerate(half_staff(gen.roster(), half)):
        planted = TALK_PLANTED.get(p.staff_id)
        if planted == "missing":
            continue
        folder = out / safe_filename(p.unit)
        if p.section:
            folder = folder / safe_filename(p.section)
        stem = f"{p.name}-{half}-记实表" if p.name != "王磊" else f"{p.name}-{half}-记实表-{p.staff_id}"
        wb = _record(gen, p, half, days[i % len(days)], planted)
        written.append(save_workbook(wb, folder / (safe_filename(stem) + ".xlsx"), force=True))
    return written


def write_ballots(gen, out: Path) -> list[Path]:
    """Each unit's 集中测评票, one per person of the unit (all vote, all valid): every voter
    ticks the unit's maximum, drawn with twice the weight for those planned 好 in 2026Q1–Q2."""
    from kaoping.excel.detect import TICK
    from kaoping.forms.halfyear import (
        BALLOT_FIRST_ROW,
        ballot_workbook,
        default_max_ticks,
        half_staff,
    )
    from kaoping.output.workbook import save_workbook
    from kaoping.paths import safe_filename
    from kaoping.periods import Half

    half = Half(2026, 1)
    plans = {s.sid: s.plan for s in gen.STAFF}
    units: dict[str, list] = {}
    for p in half_staff(gen.roster(), half):
        units.setdefault(p.unit, []).append(p)
    written = []
    for unit, people in units.items():
        most = default_max_ticks(len(people), 0.4)
        weights = [1 + plans[p.staff_id][:2].count("H") for p in people]
        for n in range(1, len(people) + 1):
            r = random.Random(f"{gen.SEED}-ballot-{unit}-{n}")
            picked: set[int] = set()
            while len(picked) < most:
                picked.add(r.choices(range(len(people)), weights)[0])
            wb = ballot_workbook(unit, people, half, most)
            for i in picked:
                wb.active.cell(BALLOT_FIRST_ROW + i, 5).value = TICK
            path = out / safe_filename(unit) / f"测评票-{n:02d}.xlsx"
            written.append(save_workbook(wb, path, force=True))
    return written


# 工号 → what happened to the follow-up (examples/README.md); the others were done on time.
FOLLOWUP_PLANTED = {"3003": "late", "3007": "never"}  # 姜涛 late each quarter; 邹燕 (Q2) never


def write_followups(gen, out: Path) -> list[Path]:
    """Q1–Q3's per-unit 谈话提醒和批评教育名单 (kaoping's own writer), filled in as returned."""
    from kaoping.excel import followup_layout as L
    from kaoping.output.workbook import put, save_workbook
    from kaoping.paths import safe_filename
    from kaoping.periods import Quarter
    from kaoping.pipeline import run_quarter
    from kaoping.report.followup import followup_workbook

    if out.exists():
        shutil.rmtree(out)
    written: list[Path] = []
    for q in (Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3)):
        run = run_quarter(EXAMPLES / "花名册.xlsx", EXAMPLES / "collected" / str(q), quarter=q)
        results = run.outcome.results
        deadline = q.end + dt.timedelta(days=20)  # the 20th of the next month
        for unit in sorted({r.unit for r in results}):
            wb = followup_workbook([r for r in results if r.unit == unit], q, unit)
            for sheet in L.SHEETS:
                ws = wb[sheet]
                for r in range(L.FIRST_ROW, ws.max_row + 1):
                    sid = ws.cell(r, L.COL["工号"]).value
                    if not sid or sid == L.EMPTY or FOLLOWUP_PLANTED.get(str(sid)) == "never":
                        continue
                    late = FOLLOWUP_PLANTED.get(str(sid)) == "late"
                    done = deadline + dt.timedelta(days=45 if late else 10)
                    put(ws.cell(r, L.COL["落实情况"]), "已谈话提醒" if sheet == L.TALK_SHEET else "已批评教育")
                    put(ws.cell(r, L.COL["落实日期"]), done)
            path = out / str(q) / safe_filename(unit) / L.followup_file(q)
            written.append(save_workbook(wb, path, force=True))
    return written


def main() -> int:
    gen = _generator()
    ledgers = write_ledgers_2025(gen, EXAMPLES / "台账")
    talks = write_talk_records(gen, EXAMPLES / "collected" / HALF_DIR)
    ballots = write_ballots(gen, EXAMPLES / "collected" / HALF_DIR / "测评票")
    lists = write_followups(gen, EXAMPLES / "谈话提醒")
    print(f"2025 年季度结果台账 {len(ledgers)} 个，{HALF_DIR} 记实表 {len(talks)} 份、测评票 {len(ballots)} 张，"
          f"交回的谈话提醒和批评教育名单 {len(lists)} 份")
    return 0


if __name__ == "__main__":
    sys.exit(main())
