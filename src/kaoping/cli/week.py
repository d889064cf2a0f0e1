"""kaoping week …"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import ForceProblemsOpt, JsonOpt, ProblemsOpt, SettingsOpt, TemplatesOpt, guarded
from .examples import epilog

app = typer.Typer(help="一周小记（附件1）", no_args_is_help=True)


@app.command("check", epilog=epilog("week check"))
@guarded
def check(
    folder: Annotated[Path, typer.Argument(metavar="文件夹", help="一周小记所在文件夹：单独的附件1表格和月度小结工作簿均可")],
    roster: Annotated[Optional[Path], typer.Option(
        "--roster", "-r", help="花名册文件（可选）；给出时按花名册确定每人的单位")] = None,
    settings_path: SettingsOpt = None,
    problems: ProblemsOpt = None,
    json_path: JsonOpt = None,
    force: ForceProblemsOpt = False,
    templates: TemplatesOpt = None,
) -> None:
    """检查一周小记：完成情况（进行中/已完成/无法完成）、完成时间、无法完成的原因、完成时限、日期。

    退出码：0 无错误，1 有错误，2 无法运行。
    """
    from rich.markup import escape
    from rich.text import Text

    from ..config import load_settings
    from ..pipeline import run_week
    from ..config import settings_file
    from ..pipeline.report_json import week_report
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
    from .tables import Column, print_table

    settings = load_settings(settings_path)
    layouts = problems_templates(templates, settings, problems)
    refuse_existing(problems, json_path, force=force, files=[roster])
    run = with_progress(folder, "读取一周小记", lambda on_file: run_week(
        folder, roster=roster, settings=settings, skip=problems, on_file=on_file),
        quiet=json_to_stdout(json_path))
    inputs = run_inputs(folder, roster, settings_path=settings_path, own=run.own)
    if write_json(lambda: week_report(run, inputs={"folder": folder, "roster": roster},
                                      settings_file=settings_file(settings_path)),
                  json_path, force=force, inputs=inputs):
        write_problems(run.findings, problems, force=force, title="一周小记问题清单", announce=False,
                       base=folder, inputs=inputs)
        raise typer.Exit(exit_code(run.findings))
    con = console()
    con.print(f"[bold]一周小记检查[/]：{escape(str(folder))}　共 {len(run.logs)} 份一周小记，"
              f"{run.people} 人")
    columns = [Column("单位", "name"), *(Column(c, justify="right") for c in ("一周小记", "错误", "警告", "提示"))]
    print_table(con, columns, [[t.unit, str(t.received), Text(str(t.errors), style="bold red" if t.errors else ""),
                                str(t.warnings), str(t.infos)] for t in run.tallies()], title="各单位汇总")
    print_findings(run.findings, title="一周小记问题")
    write_problems(run.findings, problems, force=force, title="一周小记问题清单", base=folder, inputs=inputs,
                   templates=layouts)
    raise typer.Exit(exit_code(run.findings))
