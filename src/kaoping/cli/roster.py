"""kaoping roster …"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import (
    EXIT_OK,
    ForceProblemsOpt,
    JsonOpt,
    ProblemsOpt,
    TemplatesOpt,
    guarded,
)
from .examples import epilog

app = typer.Typer(help="花名册：生成空白花名册、检查花名册", no_args_is_help=True)


@app.command("template", epilog=epilog("roster template"))
@guarded
def template(
    out: Annotated[Path, typer.Argument(metavar="花名册.xlsx", help="输出的空白花名册，如 花名册.xlsx")],
    units: Annotated[str | None, typer.Option(
        "--units", "-u", help="单位下拉框的选项，用逗号分隔，如 办公室,财务处,鹿城分中心")] = None,
    force: Annotated[bool, typer.Option("--force", help="输出文件已存在时覆盖")] = False,
) -> None:
    """生成空白花名册（带下拉框和填写说明）。"""
    import re

    from ..forms.roster import roster_template_workbook
    from ..output.workbook import save_workbook
    from .common import console

    unit_list = [u.strip() for u in re.split(r"[,，、;；]", units or "") if u.strip()]
    path = save_workbook(roster_template_workbook(unit_list or None), out, force=force)
    msg = f"已生成空白花名册：{path}"
    if unit_list:
        msg += f"（单位下拉框 {len(unit_list)} 项：{'、'.join(unit_list)}）"
    console().print(msg)
    raise typer.Exit(EXIT_OK)


@app.command("check", epilog=epilog("roster check"))
@guarded
def check(
    roster: Annotated[Path, typer.Argument(metavar="花名册.xlsx", help="花名册文件（.xlsx）")],
    problems: ProblemsOpt = None,
    json_path: JsonOpt = None,
    force: ForceProblemsOpt = False,
    templates: TemplatesOpt = None,
) -> None:
    """检查花名册：工号重复、必填项为空、职级类别、日期、特殊情形等，并汇总人数。"""
    from ..pipeline import run_roster_check
    from ..pipeline.report_json import roster_report
    from .common import (
        console,
        exit_code,
        print_findings,
        problems_templates,
        write_json,
        write_problems,
    )

    layouts = problems_templates(templates, None, problems)
    run = run_roster_check(roster)
    findings, s = run.findings, run.summary
    if write_json(lambda: roster_report(run, inputs={"roster": roster}), json_path,
                  force=force, inputs=[roster]):
        write_problems(findings, problems, force=force, title="花名册问题清单", announce=False,
                       inputs=[roster], base=roster.parent, templates=layouts)
        raise typer.Exit(exit_code(findings))
    con = console()
    con.print(f"[bold]花名册[/]：{roster}　共 {s.total} 人，其中在编 {s.on_establishment} 人")
    _print_units_and_ranks(s)
    if s.cases or s.probation or s.not_on_establishment or s.refused:
        _print_cases(s)

    print_findings(findings, title="花名册问题")
    write_problems(findings, problems, force=force, title="花名册问题清单", inputs=[roster], base=roster.parent,
                   templates=layouts)
    raise typer.Exit(exit_code(findings))


def _print_units_and_ranks(s) -> None:
    from .common import console
    from .tables import Column, print_table

    con = console()
    print_table(con, [Column("单位", "name"), Column("考核组", "name"), Column("人数", justify="right")],
                [[unit, group or "（自成一组）", str(n)] for unit, group, n in s.by_unit],
                title="各单位在编人数")
    print_table(con, [Column("职级类别", "name"), Column("人数", justify="right")],
                [[cat.value, str(n)] for cat, n in s.by_rank], title="职级类别（附件4）")


def _print_cases(s) -> None:
    """§二 特殊情形 and the other marks of the roster, one row per person and case."""
    from .common import console
    from .tables import Column, print_table

    rows = []
    for p in s.probation:
        until = f"~{p.probation_until}" if p.probation_until else ""
        rows.append([p.name, p.staff_id, p.unit, until, "§二 第1类 新录用公务员（试用期）"])
    for p, c in s.cases:
        span = (f"{c.start or ''}~{c.end or ''}" if (c.start or c.end) else "")
        rows.append([p.name, p.staff_id, p.unit, span, f"§二 第{c.category.number}类 {c.category.value}"])
    for p in s.not_on_establishment:
        rows.append([p.name, p.staff_id, p.unit, "", "不在编（不参加考评）"])
    for p in s.refused:
        when = p.refused_or_falsified_on or p.refused_or_falsified_year
        rows.append([p.name, p.staff_id, p.unit, str(when) if when else "未写年份",
                     "拒不参加或弄虚作假（§五(一) 该年度不称职）"])
    columns = [Column("姓名", "name"), Column("工号", "name"), Column("单位", "name"),
               Column("起止", "name"), Column("情形", "text")]
    print_table(console(), columns, rows, title="特殊情形及其他标记")
