"""kaoping annual …"""

from __future__ import annotations

from pathlib import Path

import typer

from .common import TemplatesOpt, guarded
from .examples import epilog

app = typer.Typer(help="年度：优秀候选、附件6、年度综评名单（§五 结果运用）", no_args_is_help=True)

_LEDGERS = typer.Argument(..., metavar="台账.xlsx...", help="本年度各季度的季度结果台账（quarter report 生成），可多个", show_default=False)
_ROSTER = typer.Option(..., "--roster", "-r", help="花名册 .xlsx", show_default=False)
_YEAR = typer.Option(None, "--year", "-y", help="年度；不填时取台账的年度")
_SETTINGS = typer.Option(None, "--settings", "-c", help="配置文件 kaoping.toml")
_PROBLEMS = typer.Option(None, "--problems", help="同时输出问题清单 .xlsx")
_FORCE = typer.Option(False, "--force", help="覆盖已存在的输出文件")


def _inputs(roster: Path, ledgers: list[Path], settings: Path | None, *more: Path | None):
    """What `annual` reads: no output may be written over it, --force or not."""
    from .common import run_inputs

    return run_inputs(roster, *ledgers, *more, settings_path=settings)


def _write_problems(findings, problems: Path | None, force: bool, ledgers: list[Path], inputs,
                    templates: Path | None = None) -> None:
    from .common import common_folder, write_problems

    write_problems(findings, problems, force=force, title="年度综评问题清单", announce=False,
                   base=common_folder(ledgers), inputs=inputs, templates=templates)


@app.command("eligible", epilog=epilog("annual eligible"))
@guarded
def eligible(
    ledgers: list[Path] = _LEDGERS,
    roster: Path = _ROSTER,
    year: int | None = _YEAR,
    settings: Path | None = _SETTINGS,
    json_path: Path | None = typer.Option(
        None, "--json", metavar="路径", help="同时把结果（优秀候选和问题）写成 JSON 报告，供其他程序读取"
                                            "（- 表示输出到标准输出，此时不显示表格）；格式见 docs/JSON报告.md"),
    problems: Path | None = _PROBLEMS,
    force: bool = _FORCE,
    templates: TemplatesOpt = None,
) -> None:
    """列出年度考核“优秀”候选人：当年季度考核好等次2个以上且无一般、较差等次（§五(一)）。"""
    from ..config import load_settings, settings_file
    from ..pipeline import run_year
    from ..pipeline.report_json import year_report
    from .common import console, exit_code, print_findings, problems_templates, write_json

    conf = load_settings(settings)
    layouts = problems_templates(templates, conf, problems)
    outcome = run_year(roster, ledgers, year=year, settings=conf).outcome
    read = _inputs(roster, ledgers, settings)
    _write_problems(outcome.findings, problems, force, ledgers, read, layouts)
    inputs = {"ledgers": ledgers, "roster": roster}
    if write_json(lambda: year_report(outcome, inputs=inputs, settings=conf,
                                      settings_file=settings_file(settings)),
                  json_path, force=force, inputs=read):
        raise typer.Exit(exit_code(outcome.findings))

    _print_candidates(outcome)
    con = console()
    con.print(f"共 {len(outcome.candidates)} 人；另：原则上基本称职或不称职 {len(outcome.basic_or_incompetent)} 人，"
              f"可直接定不称职 {len(outcome.may_be_incompetent)} 人，确定不称职 {len(outcome.incompetent)} 人"
              "（详见 kaoping annual report）。")
    if outcome.findings:
        print_findings(outcome.findings)
    raise typer.Exit(exit_code(outcome.findings))


def _candidate_cells(p) -> list:
    from rich.text import Text

    from ..rules.annual import QUARTERS

    note = p.remark() or ""
    if p.provisional and "暂定" not in note:
        note = "暂定"
    return [p.unit, p.name, p.section or "", p.rank or "", *(p.quarter_text(q) for q in QUARTERS),
            str(p.good), Text(note, style="yellow" if p.provisional else "")]


def _print_candidates(outcome) -> None:
    """The 优秀 candidates, by unit (a block a person when the console is narrow)."""
    from rich.markup import escape

    from ..periods import CN_QUARTER
    from .common import console
    from .tables import Column, print_table

    title = f"{outcome.year}年度优秀候选（好≥{outcome.min_good}次且无一般、较差）"
    if outcome.provisional:
        from ..rules.annual import quarter_list

        title += f" —— 暂定：缺{quarter_list(outcome.missing_quarters)}台账"
    if not outcome.candidates:
        console().print(f"{escape(title)}：[yellow]无[/]")
        return
    columns = [Column("单位", "name"), Column("姓名", "name"), Column("科室", "name"),
               Column("职务职级", "name"), *(Column(f"{q}季度") for q in CN_QUARTER.values()),
               Column("好", justify="right"), Column("备注", "text")]
    rows = [_candidate_cells(p) for unit in outcome.units()
            for p in outcome.candidates if p.unit == unit]
    print_table(console(), columns, rows, title=title)


@app.command("report", epilog=epilog("annual report"))
@guarded
def report(
    ledgers: list[Path] = _LEDGERS,
    roster: Path = _ROSTER,
    out: Path = typer.Option(..., "--out", "-o", help="输出文件夹", show_default=False),
    year: int | None = _YEAR,
    settings: Path | None = _SETTINGS,
    tally: list[Path] = typer.Option([], "--tally",
                                     help="halfyear tally 输出的测评结果 .xlsx（可多次给出，上、下半年各一份），"
                                          "推荐结果列在优秀候选旁（§四(四)2）"),
    problems: Path | None = _PROBLEMS,
    centre_name: str | None = typer.Option(
        None, "--centre-name", help="全中心附件6 的呈报单位名称；不给时取 kaoping.toml 的 [centre] name（默认“全中心”）"),
    force: bool = _FORCE,
    records: Path | None = typer.Option(
        None, "--records", help="各单位交回的谈话提醒和批评教育名单所在文件夹：填入落实情况、落实日期"),
    templates: TemplatesOpt = None,
) -> None:
    """输出附件6（各单位及全中心）和年度综评工作簿（优秀候选、基本称职或不称职、不称职名单，
    谈话提醒/批评教育名单及其落实情况，后备干部，登记表平时考核结果）。"""
    from rich.markup import escape

    from ..config import load_settings
    from ..pipeline import run_year
    from ..report.annex_templates import ANNEX6_SPEC, check_templates
    from ..report.annual import annual_targets, write_annual_report
    from ..rules.annual import quarter_list
    from .common import console, exit_code, print_findings, problems_templates, progress

    conf = load_settings(settings)
    layouts = problems_templates(templates, conf, problems)
    check_templates([ANNEX6_SPEC], layouts)  # a wrong template stops before the ledgers are read
    run = run_year(roster, ledgers, year=year, settings=conf, tallies=tally,
                   records=records)
    outcome = run.outcome
    inputs = _inputs(roster, ledgers, settings, *tally, records, layouts)
    if problems is not None:  # refused before the set is written, not after
        from ..output.workbook import check_writable

        check_writable(problems, force=force, inputs=inputs)
    con = console()
    total = len(annual_targets(outcome, out, run.votes, template_dir=layouts))
    with progress(total, "写入年度报表") as bar:
        task = bar.add_task("", total=total)
        paths = write_annual_report(outcome, out, force=force, votes=run.votes, template_dir=layouts,
                                    on_progress=lambda _p: bar.advance(task),
                                    inputs=inputs,
                                    centre_name=centre_name or conf.centre.name)
    _write_problems(run.findings, problems, force, ledgers, inputs, layouts)
    for p in paths:
        con.print(f"已写入 {escape(str(p))}")
    if outcome.provisional:
        con.print(f"[yellow]注意：缺{quarter_list(outcome.missing_quarters)}台账，以上结果均为暂定。[/]")
    con.print(f"{outcome.year}年度：{len(outcome.people)} 人，好等次{outcome.min_good}次以上 "
              f"{len(outcome.good_repeatedly)} 人，优秀候选 {len(outcome.candidates)} 人，"
              f"谈话提醒 {sum(1 for f in outcome.follow_ups if f.action.value == '谈话提醒')} 人次，"
              f"批评教育 {sum(1 for f in outcome.follow_ups if f.action.value == '批评教育')} 人次。")
    if run.findings:
        print_findings(run.findings)
    raise typer.Exit(exit_code(run.findings))
