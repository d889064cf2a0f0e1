"""kaoping followup check: the returned 谈话提醒和批评教育名单 (§五(二))."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import JsonOpt, ProblemsOpt, SettingsOpt, guarded
from .examples import epilog

app = typer.Typer(help="谈话提醒、批评教育（§五(二)）：读回各单位填好的名单，列出逾期未落实的",
                  no_args_is_help=True)


_STATUS_STYLE = {"逾期未落实": "bold red", "无法判断": "bold red", "逾期落实": "yellow"}


def _print(run) -> None:
    from rich.text import Text

    from .common import console
    from .tables import Column, print_table

    columns = [Column("姓名", "name"), Column("单位", "name"), Column("季度"), Column("措施"),
               Column("期限"), Column("落实日期"), Column("状态")]
    rows = [[i.person.name, i.person.unit, i.label, i.action, str(i.due), str(i.entry.done_on or ""),
             Text(i.status, style=_STATUS_STYLE.get(i.status, ""))] for i in run.check.items]
    con = console()
    print_table(con, columns, rows, title=f"谈话提醒和批评教育落实情况（§五(二)，截至 {run.today}）")
    counts = "，".join(f"{s} {len(run.check.of(s))} 人次"
                      for s in ("已落实", "逾期落实", "逾期未落实", "未到期", "无法判断"))
    con.print(f"读取文件 {run.files} 个，名单 {run.lists} 份；{counts}。")


@app.command("check", epilog=epilog("followup check"))
@guarded
def check(
    folder: Annotated[Path, typer.Argument(
        metavar="文件夹", help="各单位交回的谈话提醒和批评教育名单所在文件夹（含子文件夹）")],
    roster: Annotated[Path, typer.Option("--roster", "-r", help="花名册文件（.xlsx）")],
    on: Annotated[Optional[str], typer.Option(
        "--date", help="按哪一天判断是否逾期，如 2026-12-31；默认今天")] = None,
    settings_path: SettingsOpt = None,
    problems: ProblemsOpt = None,
    json_path: JsonOpt = None,
    force: Annotated[bool, typer.Option("--force", help="问题清单、JSON 报告文件已存在时覆盖")] = False,
) -> None:
    """读回各单位填好“落实情况”“落实日期”的谈话提醒和批评教育名单（quarter report 每季度输出），
    逐人列出已落实、逾期落实、逾期未落实、未到期。期限：季度结束后次月 20 日（备案截止日）再加
    [followup] days 天（默认 30 天）。退出码：0 无错误，1 有无法判断的名单（错误），2 无法运行。"""
    import datetime as dt

    from ..config import load_settings, settings_file
    from ..errors import KaopingError
    from ..pipeline.followups import run_followups
    from ..pipeline.report_json import followups_report
    from .common import (exit_code, json_to_stdout, print_findings, refuse_existing, run_inputs,
                         with_progress, write_json, write_problems)

    try:
        today = dt.date.fromisoformat(on.strip()) if on else None
    except ValueError:
        raise KaopingError(f"无法识别的日期「{on}」，请写成 2026-12-31") from None
    settings = load_settings(settings_path)
    refuse_existing(problems, json_path, force=force, files=[roster])
    run = with_progress(folder, "读取名单", lambda on_file: run_followups(
        roster, folder, today=today, settings=settings, on_file=on_file), quiet=json_to_stdout(json_path))
    inputs = run_inputs(roster, folder, settings_path=settings_path)
    title = "谈话提醒和批评教育问题清单"
    if write_json(lambda: followups_report(run, inputs={"folder": folder, "roster": roster},
                                           settings_file=settings_file(settings_path)),
                  json_path, force=force, inputs=inputs):
        write_problems(run.findings, problems, force=force, inputs=inputs, base=folder, announce=False,
                       title=title)
        raise typer.Exit(exit_code(run.findings))
    _print(run)
    print_findings(run.findings, title="谈话提醒和批评教育问题")
    # run_inputs: with the kaoping.toml actually read (./kaoping.toml without -c)
    write_problems(run.findings, problems, force=force, inputs=inputs, base=folder, title=title)
    raise typer.Exit(exit_code(run.findings))
