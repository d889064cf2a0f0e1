"""kaoping halfyear check: the console side (table per unit, progress)."""

from __future__ import annotations

from pathlib import Path


def run_with_progress(roster: Path, folder: Path, half: str | None, *, quiet: bool = False):
    from ..periods import parse_half
    from ..pipeline.talks import run_talks
    from .common import with_progress

    h = parse_half(half) if half else None
    return with_progress(folder, "读取记实表", lambda on_file: run_talks(
        roster, folder, half=h, on_file=on_file), quiet=quiet)


def print_talks(run) -> None:
    """Per unit: who should have a record, how many are signed, who has none."""
    from .common import console
    from .tables import Column, print_table

    check = run.check
    missing = {p.staff_id for p in check.missing()}
    rows = []
    for unit, people in check.by_unit().items():
        absent = [p for p in people if p.staff_id in missing]
        names = "、".join(p.name + ("（未签字）" if p.staff_id in check.unsigned else "（未交）")
                         for p in absent)
        rows.append([unit, str(len(people)), str(len(people) - len(absent)), names or "—"])
    columns = [Column("单位", "name"), Column("应谈话", justify="right"),
               Column("已签字", justify="right"), Column("未签字/未交", "text")]
    con = console()
    print_table(con, columns, rows, title=f"{check.half.label}个别谈话记实表（§四(四)1）")
    con.print(f"读取文件 {run.files} 个；应谈话 {len(check.expected)} 人，已签字 {len(check.signed)} 人，"
              f"未签字或未交 {len(missing)} 人。")
