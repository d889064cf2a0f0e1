"""kaoping month …"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import ForceProblemsOpt, JsonOpt, ProblemsOpt, SettingsOpt, TemplatesOpt, guarded
from .examples import epilog

app = typer.Typer(help="月度小结（附件2，含所附一周小记）", no_args_is_help=True)


@app.command("check", epilog=epilog("month check"))
@guarded
def check(
    folder: Annotated[Path, typer.Argument(metavar="文件夹", help="收回的月度小结所在文件夹（含子文件夹）")],
    roster: Annotated[Optional[Path], typer.Option(
        "--roster", "-r", help="花名册文件；给出时列出应交未交的人")] = None,
    period: Annotated[Optional[str], typer.Option(
        "--period", "-p", help="检查的月份，如 2026-08；不给时按表格中的月份（须一致）")] = None,
    settings_path: SettingsOpt = None,
    problems: ProblemsOpt = None,
    json_path: JsonOpt = None,
    force: ForceProblemsOpt = False,
    templates: TemplatesOpt = None,
) -> None:
    """检查月度小结：个人小结四项、直管领导签字、出勤天数与全年累计、每周的一周小记。

    文件夹中同年更早月份的小结只用于核对全年累计，其他月份的小结跳过不查；退出码：0 无错误，1 有错误，2 无法运行。
    """
    from rich.markup import escape

    from ..config import load_settings
    from ..periods import parse_month
    from ..pipeline import run_month
    from ..config import settings_file
    from ..pipeline.report_json import month_report
    from .common import (
        console,
        exit_code,
        json_to_stdout,
        print_findings,
        problems_templates,
        refuse_existing,
        run_inputs,
        with_progress,
        write_json,
        write_problems,
    )

    settings = load_settings(settings_path)
    layouts = problems_templates(templates, settings, problems)
    refuse_existing(problems, json_path, force=force, files=[roster])
    month = parse_month(period) if period else None
    run = with_progress(folder, "读取月度小结", lambda on_file: run_month(
        folder, roster=roster, month=month, settings=settings, skip=problems, on_file=on_file),
        quiet=json_to_stdout(json_path))
    m = run.month
    title = f"{m.year}年{m.month}月月度小结问题清单"
    inputs = run_inputs(folder, roster, settings_path=settings_path, own=run.own)
    if write_json(lambda: month_report(run, inputs={"folder": folder, "roster": roster, "period": str(m)},
                                       settings_file=settings_file(settings_path)),
                  json_path, force=force, inputs=inputs):
        write_problems(run.findings, problems, force=force, title=title, announce=False, base=folder,
                       inputs=inputs)
        raise typer.Exit(exit_code(run.findings))
    con = console()
    if run.calendar_note is not None:
        con.print(f"[yellow]提示[/]：{escape(run.calendar_note)}；本次不核对“本月请假不超过工作日”。")
    con.print(f"[bold]{m.year}年{m.month}月 月度小结检查[/]：{escape(str(folder))}　"
              f"收到本月小结 {len(run.batch)} 份"
              + (f"，另有同年更早月份 {len(run.history)} 份用于核对全年累计" if run.history else "")
              + (f"；本月工作日 {run.workdays:g} 天" if run.workdays is not None else ""))
    _print_units(run.tallies(), with_roster=run.roster is not None)
    print_findings(run.findings, title=f"{m.year}年{m.month}月 月度小结问题")
    write_problems(run.findings, problems, force=force, title=title, base=folder, inputs=inputs,
                   templates=layouts)
    raise typer.Exit(exit_code(run.findings))


def _print_units(tallies, *, with_roster: bool) -> None:
    from rich.text import Text

    from .common import console
    from .tables import Column, print_table

    cols = ["单位", *(["应交"] if with_roster else []), "已交",
            *(["未交"] if with_roster else []), "错误", "警告", "提示"]
    rows = []
    for t in tallies:
        missing = Text(str(t.missing), style="yellow" if t.missing else "")
        errors = Text(str(t.errors), style="bold red" if t.errors else "")
        rows.append([t.unit, *([str(t.due)] if with_roster else []), str(t.received),
                     *([missing] if with_roster else []), errors, str(t.warnings), str(t.infos)])
    print_table(console(), [Column(c, "name") if c == "单位" else Column(c, justify="right") for c in cols],
                rows, title="各单位汇总")
