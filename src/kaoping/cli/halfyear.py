"""kaoping halfyear …"""

from __future__ import annotations

from pathlib import Path

import typer

from .common import JsonOpt, SettingsOpt, TemplatesOpt, guarded
from .examples import epilog

app = typer.Typer(help="半年考核（§四(四)）：成长考核考察记实表、集中测评票、计票", no_args_is_help=True)

_FORCE = typer.Option(False, "--force", help="覆盖已存在的输出文件")
_PROBLEMS = typer.Option(None, "--problems", help="同时输出问题清单 .xlsx")
_ROSTER = typer.Option(..., "--roster", "-r", help="花名册 .xlsx", show_default=False)
_LEDGERS = typer.Option([], "--ledger", "-l", help="该半年两个季度的季度结果台账（可多次给出），用于预填季度结果")
_FORMS_OUT = typer.Option(..., "--out", "-o", help="输出文件夹", show_default=False)
_BALLOTS = typer.Argument(..., metavar="测评票.xlsx...", help="收回的集中测评票（文件或文件夹）",
                          show_default=False)
_TALLY_OUT = typer.Option(..., "--out", "-o", help="计票结果 .xlsx", show_default=False)
_RECORDS = typer.Argument(..., metavar="文件夹", help="收回的干部成长考核考察记实表所在文件夹（含子文件夹）",
                          show_default=False)


@app.command("forms", epilog=epilog("halfyear forms"))
@guarded
def forms(
    roster: Path = _ROSTER,
    half: str = typer.Option(..., "--half", help="半年：2026H1（上半年）或 2026H2（下半年）",
                             show_default=False),
    ledger: list[Path] = _LEDGERS,
    out: Path = _FORMS_OUT,
    unit: str | None = typer.Option(None, "--unit", "-u", help="只生成该单位的表格"),
    max_ticks: int | None = typer.Option(None, "--max-ticks",
                                         help="每张测评票最多推荐人数（办法未规定，须给出此项或 --ratio）"),
    ratio: float | None = typer.Option(None, "--ratio",
                                       help="按本单位名单人数的比例确定最多推荐人数（向下取整，至少1人），如 0.3"),
    settings_path: SettingsOpt = None,
    force: bool = _FORCE,
) -> None:
    """生成每人一份《干部成长考核考察记实表》（个别谈话用）和每个单位一张集中测评票（推荐“优秀”）。"""
    from rich.markup import escape

    from ..config import load_settings, settings_file
    from ..periods import parse_half
    from ..pipeline import run_halfyear_forms
    from ..rules.settings import Settings
    from .common import LateProgress, console, exit_code, print_findings

    h = parse_half(half)
    settings: Settings | None = None
    read: list[Path | None] = []
    if max_ticks is None and ratio is None:  # the options first, else kaoping.toml's [halfyear]
        read = [settings_file(settings_path)]
        # Only its [halfyear]: the roster and the ledgers are read with the default limits.
        settings = Settings(halfyear=load_settings(settings_path).halfyear)
    with LateProgress("生成半年考核表格", room=50) as bar:
        run = run_halfyear_forms(roster, h, out, ledgers=ledger, unit=unit, max_ticks=max_ticks,
                                 ratio=ratio, settings=settings, force=force, inputs=read,
                                 on_start=bar.start, on_progress=bar.advance)
    result = run.forms
    con = console()
    con.print(f"{h.label}：记实表 {len(result.records)} 份，集中测评票 {len(result.ballots)} 张，"
              f"写入 {escape(str(out))}")
    for u, n in result.max_ticks.items():
        con.print(f"  {escape(u)}：最多推荐 {n} 人")
    if run.findings:
        print_findings(run.findings)
    raise typer.Exit(exit_code(run.findings))


@app.command("tally", epilog=epilog("halfyear tally"))
@guarded
def tally(
    ballots: list[Path] = _BALLOTS,
    out: Path = _TALLY_OUT,
    problems: Path | None = _PROBLEMS,
    force: bool = _FORCE,
    templates: TemplatesOpt = None,
) -> None:
    """统计集中测评票：有效票计票，无效票（超过最多推荐人数、名单外人员、无法识别的标记、无法读取）
    列出原因、不计票；按单位输出推荐“优秀”得票排名。"""
    from rich.markup import escape

    from ..output.files import RunInputs
    from ..output.workbook import check_writable
    from ..pipeline import run_tally
    from ..report.tally import write_tally
    from .common import (
        LateProgress,
        common_folder,
        console,
        exit_code,
        print_findings,
        problems_templates,
    )
    from .tables import Column, print_table

    layouts = problems_templates(templates, None, problems)
    inputs = RunInputs()
    bar = LateProgress("读取测评票")

    def before_read(files: list[Path], own: list[Path]) -> None:
        # The ballots are read, never written over; an earlier result or 问题清单 among them
        # (no ballot) is this command's own output: not counted, and replaced with --force.
        nonlocal inputs
        inputs = RunInputs([*ballots, layouts], own=own)
        check_writable(out, force=force, inputs=inputs)
        if problems is not None:
            check_writable(problems, force=force, inputs=inputs)
        if files:
            bar.start(len(files))

    with bar:
        result = run_tally(ballots, outputs=(out, problems), before_read=before_read,
                           on_file=bar.advance).tally
    write_tally(result, out, force=force, inputs=inputs)
    if problems is not None:
        from ..report.problems import write_problems

        write_problems(result.findings, problems, force=force, title="集中测评问题清单", inputs=inputs,
                       base=common_folder(ballots), template_dir=layouts)
    con = console()
    columns = [Column("名次", justify="right"), Column("姓名", "name"), Column("工号", "name"),
               Column("得票", justify="right"), Column("得票率", justify="right")]
    for t in result.units:
        title = (f"{t.unit}（{t.half or ''}）有效票 {t.valid} 张，无效票 {t.invalid} 张，"
                 f"每票最多推荐 {t.max_ticks} 人")
        print_table(con, columns, [[str(row.rank), row.name, row.staff_id, str(row.votes), f"{row.share:.1%}"]
                                   for row in t.ranking], title=title)
    con.print(f"共读取 {len(result.ballots)} 个文件：有效票 {result.valid} 张，无效票 {result.invalid} 张，"
              f"无法读取或不是测评票 {result.skipped} 个。结果已写入 {escape(str(out))}")
    if result.findings:
        print_findings(result.findings, title="无效票及问题")
    raise typer.Exit(exit_code(result.findings))


@app.command("check", epilog=epilog("halfyear check"))
@guarded
def check(
    folder: Path = _RECORDS,
    roster: Path = _ROSTER,
    half: str | None = typer.Option(None, "--half", help="半年：2026H1 或 2026H2；不给时按记实表上的半年"),
    problems: Path | None = _PROBLEMS,
    json_path: JsonOpt = None,
    force: bool = _FORCE,
) -> None:
    """检查收回的《干部成长考核考察记实表》（§四(四)1 个别谈话）：按单位列出应谈话人数、已签字人数，
    以及没有已签字记实表的人（缺谈话记录、谈话人或被谈话人签字、谈话日期，或根本没交）。
    退出码：0 无错误，1 有错误，2 无法运行。"""
    from ..pipeline.report_json import talks_report
    from .common import (
        exit_code,
        json_to_stdout,
        print_findings,
        refuse_existing,
        write_json,
        write_problems,
    )
    from .talks import print_talks, run_with_progress

    refuse_existing(problems, json_path, force=force, files=[roster])
    run = run_with_progress(roster, folder, half, quiet=json_to_stdout(json_path))
    if write_json(lambda: talks_report(run, inputs={"folder": folder, "roster": roster}), json_path,
                  force=force, inputs=[roster, folder]):
        write_problems(run.findings, problems, force=force, inputs=[roster, folder], base=folder,
                       announce=False, title=f"{run.check.half.label}干部成长考核考察记实表问题清单")
        raise typer.Exit(exit_code(run.findings))
    print_talks(run)
    print_findings(run.findings, title="记实表问题")
    write_problems(run.findings, problems, force=force, inputs=[roster, folder], base=folder,
                   title=f"{run.check.half.label}干部成长考核考察记实表问题清单")
    raise typer.Exit(exit_code(run.findings))
