"""kaoping calendar YEAR"""

from __future__ import annotations

from pathlib import Path

import typer

from .common import guarded
from .examples import epilog


def register(app: typer.Typer) -> None:
    """Add `kaoping calendar` to the main app (a single command, not a group)."""
    app.command("calendar", epilog=epilog("calendar"),
                help="显示某年每月、每季度的法定工作日天数和考评各项报送截止日期；可导出 .ics 日历。")(
        calendar_command)


@guarded
def calendar_command(
    year: int = typer.Argument(..., metavar="年份", help="年份，例如 2026", min=1900, max=9998),
    ics: Path | None = typer.Option(None, "--ics", help="同时导出 iCalendar 日历文件（.ics），可导入 Outlook/手机日历"),
    force: bool = typer.Option(False, "--force", help="覆盖已存在的 .ics 文件"),
    settings_path: Path | None = typer.Option(
        None, "--settings", "-c", help="配置文件 kaoping.toml（\\[attendance.workdays] 可补充或改写工作日天数）"
    ),
) -> None:
    from rich.table import Table

    from ..calendar import unknown_calendar_error
    from ..periods import CN_QUARTER
    from ..config import load_settings, settings_file
    from ..pipeline.calendar import run_calendar, write_ics
    from .common import console
    from .tables import Column, print_table

    con = console()
    run = run_calendar(year, settings=load_settings(settings_path))
    inputs = [settings_file(settings_path)]  # what the command reads: never written over
    if ics is not None:
        from ..output.workbook import check_writable

        check_writable(ics, force=force, inputs=inputs)  # refuse before printing anything
    weekday_cn = "一二三四五六日"

    table = Table(title=f"{year} 年法定工作日")
    for col, justify in (("月份", "left"), ("工作日", "right"), ("周一至周五", "right"),
                         ("其中放假", "right"), ("调休上班", "right"), ("来源", "left")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]

    def fmt(x: float | None) -> str:
        if x is None:
            return "未知"
        return str(int(x)) if float(x).is_integer() else f"{x:g}"

    for q in run.quarters:
        for d in q.months:
            table.add_row(f"{d.month.month}月", fmt(d.workdays), str(d.weekdays),
                          fmt(d.holidays_on_weekdays) if d.holidays_on_weekdays is not None else "—",
                          fmt(d.makeup_days) if d.makeup_days is not None else "—", d.source)
        table.add_row(f"[bold]第{CN_QUARTER[q.quarter.quarter]}季度[/]", f"[bold]{fmt(q.workdays)}[/]",
                      "", "", "", str(q.quarter), end_section=True)
    con.print(table)
    if run.unknown:
        from rich.markup import escape

        con.print(f"[yellow]警告[/]：{escape(unknown_calendar_error(run.unknown[0]).message)}")

    rows = []
    for d in run.deadlines:
        when = f"{d.date:%m-%d}" + (f" 至 {d.end:%m-%d}" if d.end else "")
        week = f"周{weekday_cn[d.date.weekday()]}" if d.end is None else ""
        rows.append([when, week, d.clause, d.title])
    print_table(con, [Column("日期", "name"), Column("星期", "name"), Column("依据", "name"),
                      Column("事项", "text")], rows, title=f"{year} 年考评日程")

    if ics is not None:
        # An OS error comes back as a Chinese KaopingError naming the file.
        write_ics(run, ics, force=force, inputs=inputs)
        con.print(f"已导出日历：{ics}（{len(run.deadlines)} 项）")
