"""kaoping halfyear …"""

from __future__ import annotations

from pathlib import Path

import typer

from .common import guarded

app = typer.Typer(help="半年考核（§四(四)）：成长考核考察记实表、集中测评票、计票", no_args_is_help=True)

_FORCE = typer.Option(False, "--force", help="覆盖已存在的输出文件")
_PROBLEMS = typer.Option(None, "--problems", help="同时输出问题清单 .xlsx")


@app.command("forms")
@guarded
def forms(
    roster: Path = typer.Option(..., "--roster", "-r", help="花名册 .xlsx", show_default=False),
    half: str = typer.Option(..., "--half", help="半年：2026H1（上半年）或 2026H2（下半年）",
                             show_default=False),
    ledger: list[Path] = typer.Option([], "--ledger", "-l",
                                      help="该半年两个季度的季度结果台账（可多次给出），用于预填季度结果"),
    out: Path = typer.Option(..., "--out", "-o", help="输出文件夹", show_default=False),
    unit: str | None = typer.Option(None, "--unit", "-u", help="只生成该单位的表格"),
    max_ticks: int | None = typer.Option(None, "--max-ticks",
                                         help="每张测评票最多推荐人数；不填时按本单位人数×比例（向下取整，至少1人）"),
    ratio: float | None = typer.Option(None, "--ratio", help="未给 --max-ticks 时的推荐比例（默认 40%，同§四(三)3）"),
    force: bool = _FORCE,
) -> None:
    """生成每人一份《干部成长考核考察记实表》（个别谈话用）和每个单位一张集中测评票（推荐“优秀”）。"""
    from rich.markup import escape

    from ..excel.roster import read_roster
    from ..forms.halfyear import generate_halfyear_forms, half_staff, parse_half
    from ..report.annual import read_ledgers
    from ..rules.settings import Settings
    from .common import console, exit_code, print_findings, progress

    h = parse_half(half)
    ros, roster_findings = read_roster(roster)
    ledgers, ledger_findings = read_ledgers(ledger)
    total = len([p for p in half_staff(ros, h) if unit is None or p.unit == unit])
    with progress(total, "生成半年考核表格") as bar:
        task = bar.add_task("", total=total + 50)
        result = generate_halfyear_forms(ros, h, out, ledgers=ledgers, unit=unit, max_ticks=max_ticks,
                                         ratio=Settings().quota.good_ratio if ratio is None else ratio,
                                         force=force, on_progress=lambda _p: bar.advance(task),
                                         inputs=[roster, *ledger])
    con = console()
    con.print(f"{h.label}：记实表 {len(result.records)} 份，集中测评票 {len(result.ballots)} 张，"
              f"写入 {escape(str(out))}")
    for u, n in result.max_ticks.items():
        con.print(f"  {escape(u)}：最多推荐 {n} 人")
    findings = [*roster_findings, *ledger_findings, *result.findings]
    if findings:
        print_findings(findings)
    raise typer.Exit(exit_code(findings))


@app.command("tally")
@guarded
def tally(
    ballots: list[Path] = typer.Argument(..., metavar="测评票.xlsx...",
                                         help="收回的集中测评票（文件或文件夹）", show_default=False),
    out: Path = typer.Option(..., "--out", "-o", help="计票结果 .xlsx", show_default=False),
    problems: Path | None = _PROBLEMS,
    force: bool = _FORCE,
) -> None:
    """统计集中测评票：有效票计票，无效票（超过最多推荐人数、名单外人员、无法识别的标记、无法读取）
    列出原因、不计票；按单位输出推荐“优秀”得票排名。"""
    from rich.markup import escape
    from rich.table import Table

    from ..excel.ballots import tally_ballots
    from ..output.files import RunInputs
    from ..output.workbook import check_writable
    from ..paths import scan_workbooks
    from ..report.tally import write_tally
    from .common import console, exit_code, print_findings, progress

    # The ballots are read, never written over; an earlier result or 问题清单 among them (no
    # ballot) is this command's own output: not counted, and replaced with --force.
    own = _own_outputs(out, problems)
    inputs = RunInputs(ballots, own=own)
    check_writable(out, force=force, inputs=inputs)
    if problems is not None:
        check_writable(problems, force=force, inputs=inputs)
    files: list[Path] = []
    for p in ballots:
        files.extend(scan_workbooks(p) if p.is_dir() else [p])
    skipped = {p.resolve() for p in own}
    files = [f for f in files if f.resolve() not in skipped]
    if not files:
        from ..errors import KaopingError

        raise KaopingError("没有找到要统计的测评票（.xlsx 文件）")
    with progress(len(files), "读取测评票") as bar:
        task = bar.add_task("", total=len(files))
        result = tally_ballots(files, on_file=lambda _p: bar.advance(task))
    write_tally(result, out, force=force, inputs=inputs)
    if problems is not None:
        from ..report.problems import write_problems

        write_problems(result.findings, problems, force=force, title="集中测评问题清单", inputs=inputs)
    con = console()
    for t in result.units:
        table = Table(title=f"{escape(t.unit)}（{escape(t.half or '')}）有效票 {t.valid} 张，无效票 {t.invalid} 张，"
                            f"每票最多推荐 {t.max_ticks} 人")
        for col in ("名次", "姓名", "工号", "得票", "得票率"):
            table.add_column(col)
        for row in t.ranking:
            table.add_row(str(row.rank), escape(row.name), escape(row.staff_id), str(row.votes),
                          f"{row.share:.1%}")
        con.print(table)
    con.print(f"共读取 {len(result.ballots)} 个文件：有效票 {result.valid} 张，无效票 {result.invalid} 张，"
              f"无法读取或不是测评票 {result.skipped} 个。结果已写入 {escape(str(out))}")
    if result.findings:
        print_findings(result.findings, title="无效票及问题")
    raise typer.Exit(exit_code(result.findings))


def _own_outputs(*paths: Path | None) -> list[Path]:
    """Of the outputs named, the existing files that are no ballot (an earlier 推荐结果 or
    问题清单): they may be replaced. An output path that is a ballot stays an input."""
    from ..excel.ballots import read_ballot

    return [p for p in paths if p is not None and p.is_file() and not read_ballot(p).is_ballot]
