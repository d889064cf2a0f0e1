"""kaoping month …"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import ForceProblemsOpt, ProblemsOpt, SettingsOpt, guarded

app = typer.Typer(help="月度小结（附件2，含所附一周小记）", no_args_is_help=True)


@app.command("check")
@guarded
def check(
    folder: Annotated[Path, typer.Argument(help="收回的月度小结所在文件夹（含子文件夹）")],
    roster: Annotated[Optional[Path], typer.Option(
        "--roster", "-r", help="花名册文件；给出时列出应交未交的人")] = None,
    period: Annotated[Optional[str], typer.Option(
        "--period", "-p", help="检查的月份，如 2026-08；不给时按表格中的月份（须一致）")] = None,
    settings_path: SettingsOpt = None,
    problems: ProblemsOpt = None,
    force: ForceProblemsOpt = False,
) -> None:
    """检查月度小结：个人小结四项、直管领导签字、出勤天数与全年累计、每周的一周小记。

    文件夹中同年更早月份的小结只用于核对全年累计，其他月份的小结跳过不查；退出码：0 无错误，1 有错误，2 无法运行。
    """
    from ..calendar import CalendarUnknownError, month_workdays
    from ..config import load_settings
    from ..models import MonthlySummary
    from ..periods import parse_month
    from ..report.problems import write_problems
    from ..rules.month import (
        check_month_batch,
        infer_month,
        other_months_note,
        split_history,
        unit_tallies,
        weekly_logs_of,
    )
    from rich.markup import escape

    from .common import console, exit_code, print_findings
    from .week import load_roster, read_forms

    con = console()
    settings = load_settings(settings_path)
    people, findings = load_roster(roster, settings.limits)

    forms, read_findings = read_forms(folder, "读取月度小结", skip=problems, limits=settings.limits)
    findings.extend(read_findings)
    summaries = [f for f in forms if isinstance(f, MonthlySummary)]
    month = parse_month(period) if period else infer_month(summaries)
    batch, history, other = split_history(month, summaries)
    findings.extend(other_months_note(month, other))
    loose = weekly_logs_of(f for f in forms if not isinstance(f, MonthlySummary))

    try:
        workdays = month_workdays(month, settings.attendance.workdays)
    except CalendarUnknownError as exc:
        workdays = None
        con.print(f"[yellow]提示[/]：{escape(exc.message)}；本次不核对“本月请假不超过工作日”。")

    findings.extend(check_month_batch(month, batch, loose, people, workdays=workdays,
                                      settings=settings, history=history))

    received = sum(1 for s in batch if (s.year, s.month) == (month.year, month.month))
    con.print(f"[bold]{month.year}年{month.month}月 月度小结检查[/]：{escape(str(folder))}　"
              f"收到本月小结 {received} 份"
              + (f"，另有同年更早月份 {len(history)} 份用于核对全年累计" if history else "")
              + (f"；本月工作日 {workdays:g} 天" if workdays is not None else ""))
    _print_units(unit_tallies(month, batch, findings, people), with_roster=people is not None)
    print_findings(findings, title=f"{month.year}年{month.month}月 月度小结问题")
    if problems is not None:
        path = write_problems(findings, problems, force=force,
                              title=f"{month.year}年{month.month}月月度小结问题清单")
        con.print(f"问题清单已写入：{escape(str(path))}")
    raise typer.Exit(exit_code(findings))


def _print_units(tallies, *, with_roster: bool) -> None:
    from rich.markup import escape
    from rich.table import Table

    from .common import console

    table = Table(title="各单位汇总")
    cols = ["单位", *(["应交"] if with_roster else []), "已交",
            *(["未交"] if with_roster else []), "错误", "警告", "提示"]
    for col in cols:
        table.add_column(col, justify="left" if col == "单位" else "right")
    for t in tallies:
        missing = f"[yellow]{t.missing}[/]" if t.missing else "0"
        errors = f"[bold red]{t.errors}[/]" if t.errors else "0"
        table.add_row(escape(t.unit), *([str(t.due)] if with_roster else []), str(t.received),
                      *([missing] if with_roster else []), errors, str(t.warnings), str(t.infos))
    console().print(table)
