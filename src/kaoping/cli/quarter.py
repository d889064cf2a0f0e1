"""kaoping quarter …"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import EXIT_FINDINGS, ProblemsOpt, SettingsOpt, guarded

app = typer.Typer(help="季度评价（附件3）：检查、定档核比例、输出备案表（附件4、附件5）和季度结果台账",
                  no_args_is_help=True)

_ATTENDANCE_HELP = ("考勤表（可选，.xlsx）：按表头识别 工号、月份（2026-07 / 2026年7月 / 日期）、"
                    "病事假（或 病假、事假 两列）、年休、调休；同一人同一月以考勤表为准，替代月度小结中的天数")

FolderArg = Annotated[Path, typer.Argument(help="收回的季度评价表（及当季月度小结）所在文件夹，含子文件夹")]
RosterOpt = Annotated[Path, typer.Option("--roster", "-r", help="花名册文件（.xlsx）")]
PeriodOpt = Annotated[Optional[str], typer.Option(
    "--period", "-p", help="季度，如 2026Q3；不给时按表格中的季度（须一致）")]
AttendanceOpt = Annotated[Optional[Path], typer.Option("--attendance", "-a", help=_ATTENDANCE_HELP)]


def _run(roster: Path, folder: Path, period: str | None, attendance: Path | None,
         settings_path: Path | None):
    """Shared by check and report: the library pipeline with a progress bar."""
    from ..config import load_settings
    from ..periods import parse_quarter
    from ..pipeline import run_quarter
    from .common import with_progress

    settings = load_settings(settings_path)
    quarter = parse_quarter(period) if period else None
    return with_progress(folder, "读取表格", lambda on_file: run_quarter(
        roster, folder, quarter=quarter, attendance_path=attendance, settings=settings,
        on_file=on_file))


def _pct(x: float | None) -> str:
    from ..rules.attendance import format_ratio  # same text as in the findings

    return format_ratio(x)


def _print_summary(run) -> None:
    from rich import box
    from rich.table import Table

    from ..models import Outcome
    from ..pipeline import CN_QUARTER, summary_rows
    from .common import console

    q = run.quarter
    con = console()
    wd = f"；本季度工作日 {run.workdays:g} 天" if run.workdays is not None else ""
    con.print(f"[bold]{q.year}年第{CN_QUARTER[q.quarter]}季度评价检查[/]：读取文件 {run.files} 个，"
              f"季度评价表 {run.evaluations} 份，当季月度小结 {run.summaries} 份{wd}")
    table = Table(title="各单位（考核组）定档与“好”等次比例（§四(三)3）", box=box.SIMPLE_HEAD)
    table.add_column("单位/考核组", overflow="fold", min_width=10)
    for col in ("参加", "好(表彰)", "上限", "比例", "较好/一般/较差/不确定", "未参加", "错误/警告"):
        table.add_column(col, justify="right", overflow="fold", min_width=7 if col == "比例" else None)
    for row in summary_rows(run):
        label = ("└ " + row.label) if row.level else f"[bold]{row.label}[/]"
        good = f"{row.good}({row.commended})" if row.commended else str(row.good)
        if row.over:
            good = f"[bold red]{good}[/]"
        ratio = "" if row.level else _pct(row.ratio) + ("[bold red]超[/]" if row.over else "")
        errors = f"[bold red]{row.errors}[/]" if row.errors else "0"
        table.add_row(
            label, str(row.participants), good, "" if row.cap is None else str(row.cap), ratio,
            "/".join(str(row.counts[o]) for o in (Outcome.FAIRLY_GOOD, Outcome.AVERAGE,
                                                  Outcome.POOR, Outcome.UNDETERMINED)),
            str(row.counts[Outcome.ABSENT]), f"{errors}/{row.warnings}")
    con.print(table)
    con.print("注：参加＝实际参加考核人数；好(表彰)＝“好”等次人数（其中受表彰直接定好人数）；"
              "比例＝不含表彰的“好”等次÷核定基数，上限按考核组核定。")


def _write_problems(run, problems: Path | None, force: bool, inputs=()) -> None:
    from ..pipeline import CN_QUARTER
    from .common import write_problems

    q = run.quarter
    write_problems(run.findings, problems, force=force, inputs=inputs,
                   title=f"{q.year}年第{CN_QUARTER[q.quarter]}季度评价问题清单")


@app.command("check")
@guarded
def check(
    folder: FolderArg,
    roster: RosterOpt,
    period: PeriodOpt = None,
    attendance: AttendanceOpt = None,
    settings_path: SettingsOpt = None,
    problems: ProblemsOpt = None,
    force: Annotated[bool, typer.Option("--force", help="问题清单文件已存在时覆盖")] = False,
) -> None:
    """检查季度评价表：勾选档次、“好”等次比例、表彰/直接定较差的说明、出勤80%、不定档人员、
    应交未交（Q1–Q8），按单位（考核组）汇总。

    出勤取自文件夹中当季三个月的月度小结（或 --attendance 考勤表）。
    退出码：0 无错误，1 有错误，2 无法运行。
    """
    from .common import exit_code, print_findings, run_inputs

    run = _run(roster, folder, period, attendance, settings_path)
    _print_summary(run)
    print_findings(run.findings, title="季度评价问题")
    _write_problems(run, problems, force,
                    run_inputs(roster, folder, attendance, settings_path=settings_path, own=run.own))
    raise typer.Exit(exit_code(run.findings))


@app.command("report")
@guarded
def report(
    folder: FolderArg,
    roster: RosterOpt,
    out: Annotated[Path, typer.Option("--out", "-o", help="输出文件夹")],
    period: PeriodOpt = None,
    attendance: AttendanceOpt = None,
    settings_path: SettingsOpt = None,
    problems: ProblemsOpt = None,
    report_date: Annotated[Optional[str], typer.Option(
        "--date", help="填报日期，如 2026-10-15；默认今天")] = None,
    centre_name: Annotated[str, typer.Option(
        "--centre-name", help="全中心汇总表的呈报单位名称")] = "全中心",
    force: Annotated[bool, typer.Option(
        "--force", help="覆盖已存在的输出文件（不会因此在仍有错误时输出）")] = False,
    allow_errors: Annotated[bool, typer.Option(
        "--allow-errors", help="仍有错误时也输出；每个附件4、附件5都写明“未通过检查”，台账带标记，年度综评时报错")] = False,
    pdf: Annotated[bool, typer.Option(
        "--pdf", help="同时用 LibreOffice 把附件4、附件5 输出为 PDF（放在各 .xlsx 旁），便于打印盖章")] = False,
) -> None:
    """输出季度备案材料：每个单位和全中心的《公务员平时考核结果备案表》（附件4）、
    《好、一般、较差、不确定等次、未参加考核人员名单表》（附件5）（全中心表附各单位统计图），
    以及年度综评要读取的《季度结果台账》。

    输出：OUT/<单位>/附件4-备案表-2026Q3.xlsx、OUT/<单位>/附件5-名单表-2026Q3.xlsx、
    OUT/全中心/…、OUT/季度结果台账-2026Q3.xlsx。
    仍有“错误”时不输出（退出码 1），改正后重试；确需先行输出加 --allow-errors（每份输出都标明未通过检查）。
    输出文件已存在时加 --force 覆盖。
    退出码：0 无错误，1 有错误，2 无法运行。
    """
    import datetime as dt

    from ..errors import KaopingError
    from ..report.filing import write_filing
    from .common import console, exit_code, print_findings, run_inputs

    if pdf:
        from ..output.pdf import require_soffice

        require_soffice()  # say so before any work when LibreOffice is missing
    day = None
    if report_date:
        try:
            day = dt.date.fromisoformat(report_date.strip())
        except ValueError:
            raise KaopingError(f"无法识别的日期「{report_date}」，请写成 2026-10-15") from None
    run = _run(roster, folder, period, attendance, settings_path)
    # Everything the run read: no output may be written over it, --force or not.
    inputs = run_inputs(roster, folder, attendance, settings_path=settings_path, own=run.own)
    con = console()
    _print_summary(run)
    print_findings(run.findings, title="季度评价问题")
    _write_problems(run, problems, force, inputs)
    if run.errors and not allow_errors:
        con.print(f"[bold red]仍有 {run.errors} 条错误，未输出备案表[/]。请按问题清单改正后重试；"
                  "如确需先行输出（每份输出都会标明未通过检查），请加 --allow-errors。"
                  + ("（--force 只用于覆盖已存在的文件。）" if force else ""))
        raise typer.Exit(EXIT_FINDINGS)
    written = write_filing(run.outcome, run.roster, run.quarter, out, force=force,
                           report_date=day, centre_name=centre_name, inputs=inputs, pdf=pdf,
                           errors_left=run.errors)
    con.print(f"[bold]已输出 {len(written)} 个文件[/]：")
    for path in written:
        con.print(f"  {path}")
    if pdf:
        from ..report.filing import printed

        con.print(f"[bold]已用 LibreOffice 输出 {len(printed(written))} 个 PDF[/]（与同名 .xlsx 放在一起）。")
    if run.errors:
        con.print(f"[yellow]注意：仍有 {run.errors} 条错误（已按 --allow-errors 输出，附件4、附件5 上均已注明"
                  "“未通过检查”，台账带有标记，年度综评时会报错），请改正后重新输出再备案。[/]")
    raise typer.Exit(exit_code(run.findings))
