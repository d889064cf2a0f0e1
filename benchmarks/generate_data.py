"""Benchmark data: a fictional city of N cadres with a quarter's filled forms.

    .venv/bin/python benchmarks/generate_data.py 500 2000 5000

For each N this writes (once; reruns reuse it) under `benchmarks/data/<N>/v<VERSION>/`:

    花名册.xlsx                                   N people in units of 40, three 科室 each
    collected/<单位>/<科室>/<姓名>-2026-07.xlsx    附件2 + weekly 附件1 sheets (×3 months)
    collected/<单位>/<科室>/<姓名>-2026Q3.xlsx     附件3

i.e. 4·N workbooks. The forms are made by kaoping's own writers (`kaoping.forms.routine.
monthly_workbook` / `quarterly_workbook` with filled models, `kaoping.forms.roster.
roster_template_workbook`). Building 20,000 workbooks with openpyxl takes ~40 minutes on two
cores, so each distinct filled form ("prototype": month × variant, quarter × variant) is built
once by kaoping with placeholder identity text, saved, and then cloned per person by replacing
the placeholders in its worksheet and shared-strings parts (XML-escaped) and re-zipping — the same bytes
kaoping would write for that person except for the row heights that `_fit_row` derives from
text length. Clones are written by a process pool.

Every person's content is deterministic (variant = f(person index)); about 30 % of each unit is
graded 好 by its leader, a few people have leave, and a few forms carry problems (a missing
self tick, an 已完成 task without its date), so the check has findings to report.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import shutil
import sys
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from xml.sax.saxutils import escape

VERSION = 2  # bump when the generated content changes; old caches are ignored
HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
YEAR, QUARTER = 2026, 3
UNIT_SIZE = 40
SECTIONS = ("综合科", "归集科", "信贷科")
VARIANTS = 12  # distinct filled contents per period

# Placeholders (ASCII, unique, no XML specials) replaced per person in xl/sharedStrings.xml.
TOKENS = {"name": "QQNAMEQQ", "sid": "QQSIDQQ", "unit": "QQUNITQQ", "section": "QQSECTQQ",
          "post": "QQPOSTQQ", "leader": "QQLEADQQ", "head": "QQHEADQQ"}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍建华红梅鑫斌宇浩凯秀珍健俊帆帅旭宁婷雪琳晨辉鹏飞亮成"
TASKS = ["公积金提取审核", "单位缴存登记及变更", "归集扩面走访", "缴存基数调整审核", "退休销户提取办理",
         "租房提取材料核验", "异地转移接续办理", "欠缴单位催缴", "贷款申请受理与审批", "抵押登记及权证核验",
         "逾期贷款电话催收", "贷后检查", "楼盘项目现场查勘", "提前还款业务办理", "贷款资料归档",
         "12329服务热线来电处理", "业务档案整理与扫描", "窗口服务质量巡查", "信息报送及宣传稿件撰写"]


def unit_name(k: int) -> str:
    return f"第{k + 1:03d}分中心"


def person(i: int):
    """The i-th cadre (0-based): deterministic name, unit, section, post."""
    from kaoping.models import Person, RankCategory

    k, j = divmod(i, UNIT_SIZE)
    section = SECTIONS[j % len(SECTIONS)]
    head = j < len(SECTIONS)
    name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)] + \
        (GIVEN[(i * 7 + 3) % len(GIVEN)] if i % 3 else "")
    return Person(
        staff_id=f"B{i + 1:05d}", name=name, unit=unit_name(k), section=section,
        post="科长" if head else "科员", rank="一级主任科员" if head else "一级科员",
        rank_category=RankCategory.SECTION_CHIEF if head else RankCategory.CLERK,
        direct_leader=f"{unit_name(k)}副主任" if head else f"{section}科长",
        supervising_leader=f"{unit_name(k)}副主任", hired_on=dt.date(2010 + i % 15, 8, 1))


def variant(i: int) -> int:
    return (i * 5 + i // UNIT_SIZE) % VARIANTS


# ---------------------------------------------------------------- prototypes (kaoping writers)


def _placeholder_person():
    from kaoping.models import Person, RankCategory

    t = TOKENS
    return Person(staff_id=t["sid"], name=t["name"], unit=t["unit"], section=t["section"],
                  post=t["post"], rank_category=RankCategory.CLERK, direct_leader=t["leader"])


def _monthly_summary(p, month, v: int):
    import random

    from kaoping.calendar import is_workday
    from kaoping.models import (FormIdentity, MonthlySummary, SourceRef, TaskStatus, WeeklyLog,
                                WeeklyTask)

    r = random.Random(f"bench-{month}-{v}")
    ident = FormIdentity(staff_id=p.staff_id, name=p.name, unit=p.unit, section=p.section,
                         post=p.post)
    weeks = []
    for w, (start, end) in enumerate(month.weeks(), start=1):
        days = [start + dt.timedelta(days=d) for d in range((end - start).days + 1)]
        work = [d for d in days if is_workday(d)] or days
        tasks = []
        for n, item in enumerate(r.sample(TASKS, k=r.choice([2, 3, 4])), start=1):
            received = r.choice(work)
            roll = r.random()
            if roll < 0.75:
                deadline = received + dt.timedelta(days=r.choice([0, 1, 2, 3]))
                done = None if (v == 7 and w == 2 and n == 1) else received  # planted W3
                tasks.append(WeeklyTask(row=0, seq=n, received_on=received, item=item,
                                        deadline=deadline, status=TaskStatus.DONE,
                                        completed_on=done))
            elif roll < 0.95:
                tasks.append(WeeklyTask(row=0, seq=n, received_on=received, item=item,
                                        deadline=end + dt.timedelta(days=10),
                                        status=TaskStatus.IN_PROGRESS, note="按计划推进中"))
            else:
                tasks.append(WeeklyTask(row=0, seq=n, received_on=received, item=item,
                                        deadline=end, status=TaskStatus.FAILED,
                                        note="对方单位未按时提供材料，已报告科室负责人"))
        weeks.append(WeeklyLog(source=SourceRef(file="generated"), identity=ident,
                               unit_and_post=f"{p.unit} {p.section} {p.post}", year=month.year,
                               month=month.month, week=w, week_start=start, week_end=end,
                               tasks=tasks))
    # leave: variant 0 has 2 days of 病事假 in each month of the quarter (ytd kept consistent:
    # nothing before July), variant 5 one day of 年休 in August
    sick = 2.0 if v == 0 else 0.0
    annual = 1.0 if (v == 5 and month.month == 8) else 0.0
    before = month.month - 7
    ytd_sick = sick * (before + 1)
    ytd_annual = 1.0 if (v == 5 and month.month >= 8) else 0.0
    items = [t.item for wk in weeks for t in wk.tasks]
    return MonthlySummary(
        source=SourceRef(file="generated"), identity=ident, year=month.year, month=month.month,
        daily_work=f"本月主要完成{'、'.join(dict.fromkeys(items[:4]))}等工作，各项日常业务均按时限办结。",
        key_tasks=f"牵头推进“{items[-1]}”，已按节点完成阶段任务。",
        problems="部分业务政策更新较快，学习还不够系统深入。",
        next_plans="加强政策学习，提升业务办理的规范性和准确性。",
        sick_personal_days=sick, annual_leave_days=annual, sick_personal_days_ytd=ytd_sick,
        annual_leave_days_ytd=ytd_annual, statutory_leave_days=0.0, comp_leave_days=0.0,
        statutory_leave_days_ytd=0.0, comp_leave_days_ytd=0.0, verifier_signature=TOKENS["leader"], weeks=weeks)


def _evaluation(p, quarter, v: int):
    from kaoping.models import FormIdentity, QuarterGrade, QuarterlyEvaluation, SourceRef

    G, J, Y = QuarterGrade.GOOD, QuarterGrade.FAIRLY_GOOD, QuarterGrade.AVERAGE
    grade = (G, J, G, J, J, Y, G, J, J, J, G, J)[v]  # 4 of 12 好 → ~33 % per unit
    opinions = {G: "该同志本季度工作积极主动，重点任务完成质量高，群众评价好。",
                J: "该同志本季度能够较好完成各项工作任务，工作态度端正。",
                Y: "该同志本季度基本完成工作任务，但主动性不足，需进一步加强。"}
    return QuarterlyEvaluation(
        source=SourceRef(file="generated"),
        identity=FormIdentity(staff_id=p.staff_id, name=p.name, unit=p.unit, section=p.section,
                              post=p.post),
        year=quarter.year, quarter=quarter.quarter,
        highlights="一是窗口业务按期办结，质量和效率有提升；二是配合完成专项检查。",
        shortcomings="理论学习的系统性不够，今后将每周固定时间自学政策文件。",
        self_ticks=[] if v == 9 else [grade],  # planted Q1: no self tick
        leader_ticks=[grade], leader_opinion=opinions[grade], leader_signature=TOKENS["head"])


def _workbook_bytes(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def build_prototype(job: tuple[str, str, int]) -> tuple[tuple[str, str, int], bytes]:
    """(kind, period, variant) → the saved workbook of that filled form, with placeholders."""
    from kaoping.forms.routine import FILL_STYLES, monthly_workbook, quarterly_workbook
    from kaoping.periods import parse_month, parse_quarter

    kind, period, v = job
    p = _placeholder_person()
    styles = [s for s in FILL_STYLES if not s.name_spacing]  # names are replaced verbatim
    style = styles[v % len(styles)]
    if kind == "monthly":
        month = parse_month(period)
        wb = monthly_workbook(p, month, _monthly_summary(p, month, v), style)
    else:
        quarter = parse_quarter(period)
        wb = quarterly_workbook(p, quarter, _evaluation(p, quarter, v), style)
    return job, _workbook_bytes(wb)


# ---------------------------------------------------------------- cloning


def _split(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(info, zf.read(info)) for info in zf.infolist()]


_PROTOS: dict[tuple[str, str, int], list[tuple[zipfile.ZipInfo, bytes]]] = {}


def _init_worker(protos: dict[tuple[str, str, int], bytes]) -> None:
    _PROTOS.clear()
    _PROTOS.update({k: _split(v) for k, v in protos.items()})


def clone(parts: list[tuple[zipfile.ZipInfo, bytes]], values: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as out:
        for info, data in parts:
            if info.filename == "xl/sharedStrings.xml" or info.filename.startswith("xl/worksheets/"):
                text = data.decode("utf-8")
                for key, token in TOKENS.items():
                    if token in text:
                        text = text.replace(token, escape(values[key]))
                data = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=(2026, 10, 8, 9, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(zi, data)
    return buf.getvalue()


def _write_chunk(jobs: list[tuple[str, str, int, str, dict[str, str]]]) -> int:
    for kind, period, v, path, values in jobs:
        data = clone(_PROTOS[(kind, period, v)], values)
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return len(jobs)


# ---------------------------------------------------------------- one data set


def dataset_dir(n: int, root: Path | None = None) -> Path:
    return (root or DATA) / str(n) / f"v{VERSION}"


def ensure(n: int, *, workers: int | None = None, log=print, root: Path | None = None) -> Path:
    """The data set for N people, generated unless a complete cache exists. Returns its dir."""
    out = dataset_dir(n, root)
    if (out / "DONE").exists():
        return out
    from kaoping.forms.routine import form_paths
    from kaoping.output.workbook import save_workbook
    from kaoping.periods import Quarter
    from kaoping.forms.roster import roster_template_workbook

    t0 = time.perf_counter()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    workers = workers or os.cpu_count() or 1
    people = [person(i) for i in range(n)]
    units = list(dict.fromkeys(p.unit for p in people))
    save_workbook(roster_template_workbook(units, people=people), out / "花名册.xlsx")
    quarter = Quarter(YEAR, QUARTER)
    periods = [("monthly", str(m)) for m in quarter.months] + [("quarterly", str(quarter))]
    proto_jobs = [(kind, period, v) for kind, period in periods for v in range(VARIANTS)]
    with ProcessPoolExecutor(workers) as pool:
        protos = dict(pool.map(build_prototype, proto_jobs))
    collected = out / "collected"
    jobs = []
    for kind, period in periods:
        per = quarter if kind == "quarterly" else next(m for m in quarter.months if str(m) == period)
        for i, (p, path) in enumerate(zip(people, form_paths(people, per, collected), strict=True)):
            values = {"name": p.name, "sid": p.staff_id, "unit": p.unit, "section": p.section or "",
                      "post": p.post or "", "leader": p.direct_leader or "",
                      "head": f"{p.unit}主任"}
            jobs.append((kind, period, variant(i), str(path), values))
    chunks = [jobs[i:i + 200] for i in range(0, len(jobs), 200)]
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(protos,)) as pool:
        written = sum(pool.map(_write_chunk, chunks))
    (out / "DONE").write_text(f"{n} people, {written} workbooks, version {VERSION}\n")
    log(f"N={n}: {written} workbooks + roster in {time.perf_counter() - t0:.1f} s → {out}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate (or reuse) benchmark data sets")
    ap.add_argument("n", type=int, nargs="+", help="numbers of people, e.g. 500 2000 5000")
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args(argv)
    for n in args.n:
        ensure(n, workers=args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
