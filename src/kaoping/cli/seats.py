"""kaoping quarter quota: the 好 seats of each unit / 考核组 (§四(三)3), also printed by
`kaoping forms quarterly`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import SettingsOpt, guarded


def print_seats(seats, centre, quarter, settings) -> None:
    """The figures of `report.seats.seat_lines`: one column per quota key (they read down, as on
    the printed notice) when that fits the console with labels and unit names whole, else one
    block per unit (`cli.tables`)."""
    from rich.text import Text

    from ..report.seats import NOTE, quarter_label, scope_label, seat_lines
    from .common import console
    from .tables import Column, print_table, wide, widths

    scopes = [*seats, centre]
    lines = [seat_lines(s, settings) for s in scopes]
    labels = [label for label, _ in lines[0]]
    title = f"{quarter_label(quarter)}各单位（考核组）“好”等次名额（§四(三)3）"
    con = console()
    across = [Column(""), *(Column(s.key, "name", "right") for s in scopes)]
    rows = [[Text(label), *(Text(str(figures[i][1])) for figures in lines)]
            for i, label in enumerate(labels)]
    sizes = widths(across, rows, con.width)
    if sizes is not None:
        con.print(wide(across, rows, sizes, Text(title)))
    else:  # one unit a block: 单位, then its 标签：数 pairs
        print_table(con, [Column("单位", "name"), *(Column(label) for label in labels)],
                    [[s.key, *(str(v) for _, v in figures)] for s, figures in zip(scopes, lines)],
                    title=title)
    for s in seats:
        if s.not_graded:
            who = "、".join(f"{n.person.name}（{n.reason}）" for n in s.not_graded)
            con.print(Text(f"{scope_label(s)} 不定档：{who}"))
    con.print(NOTE)


@guarded
def quota(
    roster: Annotated[Path, typer.Option("--roster", "-r", help="花名册文件（.xlsx）")],
    folder: Annotated[Optional[Path], typer.Argument(
        metavar="文件夹", help="（可选）已收回的季度评价表所在文件夹：给出时另算已用、剩余名额")] = None,
    period: Annotated[Optional[str], typer.Option(
        "--period", "-p", help="季度，如 2026Q3；给出文件夹时可省略（按表格中的季度）")] = None,
    out: Annotated[Optional[Path], typer.Option(
        "--out", "-o", help="输出文件夹：每个单位或考核组一张可打印的名额通知单")] = None,
    settings_path: SettingsOpt = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的名额通知单")] = False,
) -> None:
    """定档前的“好”等次名额：按花名册应参加考核人员（减去花名册已知的不定档人员）算出每个单位
    或考核组本季度最多可定几个“好”；给出收回表格的文件夹时，另列已定“好”人数和剩余名额。

    输出（--out）：OUT/好等次名额-<单位或考核组>-2026Q3.xlsx，每个一页 A4。
    退出码：0 无错误，1 收回的表格中有错误，2 无法运行。
    """
    from ..config import DEFAULT_NAME as DEFAULT_SETTINGS
    from ..config import load_settings
    from ..periods import parse_quarter
    from ..pipeline.quota import run_quota
    from ..report.seats import write_seats
    from .common import console, exit_code, with_progress

    settings = load_settings(settings_path)
    quarter = parse_quarter(period) if period else None
    if folder is None:
        run = run_quota(roster, quarter, settings=settings)
    else:
        run = with_progress(folder, "读取表格", lambda on_file: run_quota(
            roster, quarter, folder, settings=settings, on_file=on_file))
    print_seats(run.seats, run.centre, run.quarter, settings)
    if run.errors:
        console().print(f"[yellow]收回的表格中有 {run.errors} 条错误，已用、剩余名额可能变化；"
                        "请用 kaoping quarter check 查看。[/]")
    if out is not None:
        inputs = [roster, folder, settings_path or Path(DEFAULT_SETTINGS)]
        written = write_seats(run.seats, run.quarter, settings, out, force=force, inputs=inputs)
        console().print(f"[bold]已输出 {len(written)} 张名额通知单[/]：{out}")
    raise typer.Exit(exit_code(run.findings))
