"""kaoping explain: why one person got their quarterly outcome, in plain Chinese."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .examples import epilog
from .common import SettingsOpt, guarded


def register(app: typer.Typer) -> None:
    """Add `kaoping explain` to the main app (a single command, not a group)."""
    app.command("explain", epilog=epilog("explain"), help="说明某人本季度为什么是这个结果：读了哪些表、出勤怎么算、是否不定档、"
                                "勾选、所在单位（考核组）的名额，以及每个问题的条款和改法。")(explain)


@guarded
def explain(
    folder: Annotated[Path, typer.Argument(metavar="文件夹", help="收回的季度评价表（及当季月度小结）所在文件夹")],
    roster: Annotated[Path, typer.Option("--roster", "-r", help="花名册文件（.xlsx）")],
    person: Annotated[str, typer.Option("--person", help="工号（或花名册中唯一的姓名）")],
    period: Annotated[Optional[str], typer.Option(
        "--period", "-p", help="季度，如 2026Q3；不给时按表格中的季度（须一致）")] = None,
    settings_path: SettingsOpt = None,
) -> None:
    """说明某人本季度的结果。退出码：0 此人没有错误，1 有关于此人的错误，2 无法运行。"""
    from rich.text import Text

    from ..config import load_settings
    from ..periods import parse_quarter
    from ..pipeline.explain import run_explain
    from ..report.explain import outcome_line, sections
    from .common import console, exit_code, with_progress

    settings = load_settings(settings_path)
    quarter = parse_quarter(period) if period else None
    e = with_progress(folder, "读取表格", lambda on_file: run_explain(
        roster, folder, person, quarter=quarter, settings=settings, on_file=on_file))
    con = console()
    con.print(Text(outcome_line(e), style="bold"))
    for title, lines in sections(e):
        con.print(Text(f"\n【{title}】", style="bold"))
        for line in lines:
            con.print(Text(f"  · {line}"))
    raise typer.Exit(exit_code(e.findings))
