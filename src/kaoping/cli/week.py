"""kaoping week …"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import ForceProblemsOpt, ProblemsOpt, SettingsOpt, guarded

app = typer.Typer(help="一周小记（附件1）", no_args_is_help=True)


@app.command("check")
@guarded
def check(
    folder: Annotated[Path, typer.Argument(help="一周小记所在文件夹：单独的附件1表格和月度小结工作簿均可")],
    roster: Annotated[Optional[Path], typer.Option(
        "--roster", "-r", help="花名册文件（可选）；给出时按花名册确定每人的单位")] = None,
    settings_path: SettingsOpt = None,
    problems: ProblemsOpt = None,
    force: ForceProblemsOpt = False,
) -> None:
    """检查一周小记：完成情况（进行中/已完成/无法完成）、完成时间、无法完成的原因、完成时限、日期。

    退出码：0 无错误，1 有错误，2 无法运行。
    """
    from rich.markup import escape
    from rich.table import Table

    from ..config import load_settings
    from ..pipeline import run_week
    from .common import console, exit_code, print_findings, run_inputs, with_progress, write_problems

    settings = load_settings(settings_path)
    run = with_progress(folder, "读取一周小记", lambda on_file: run_week(
        folder, roster=roster, settings=settings, skip=problems, on_file=on_file))
    con = console()
    con.print(f"[bold]一周小记检查[/]：{escape(str(folder))}　共 {len(run.logs)} 份一周小记，"
              f"{run.people} 人")
    table = Table(title="各单位汇总")
    for col in ("单位", "一周小记", "错误", "警告", "提示"):
        table.add_column(col, justify="left" if col == "单位" else "right")
    for t in run.tallies():
        table.add_row(escape(t.unit), str(t.received), f"[bold red]{t.errors}[/]" if t.errors else "0",
                      str(t.warnings), str(t.infos))
    con.print(table)
    print_findings(run.findings, title="一周小记问题")
    write_problems(run.findings, problems, force=force, title="一周小记问题清单",
                   inputs=run_inputs(folder, roster, settings_path=settings_path, own=run.own))
    raise typer.Exit(exit_code(run.findings))
