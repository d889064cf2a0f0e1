"""kaoping week …"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from .common import ForceProblemsOpt, ProblemsOpt, SettingsOpt, guarded

if TYPE_CHECKING:
    from ..models import Finding

app = typer.Typer(help="一周小记（附件1）", no_args_is_help=True)


def read_forms(folder: Path, description: str, *, skip: Path | None = None,
               limits=None) -> tuple[list[object], list[Finding]]:
    """Read every workbook below `folder` with a progress bar: (forms, reader findings).

    `skip` is this run's own 问题清单 when it is written inside `folder`: a previous run's copy
    is not a form (its messages quote form titles, which would fool kind detection)."""
    from ..errors import KaopingError
    from ..excel.read import read_folder
    from ..pipeline import count_workbooks
    from .common import progress

    if not folder.is_dir():
        raise KaopingError("找不到文件夹（或不是文件夹）", file=str(folder))
    total = count_workbooks(folder)
    if not total:
        raise KaopingError("文件夹中没有 Excel 表格（.xlsx）", file=str(folder))
    forms: list[object] = []
    findings: list[Finding] = []
    with progress(total, description) as bar:
        task = bar.add_task(description, total=total)
        for result in read_folder(folder, on_file=lambda _path: bar.advance(task), limits=limits):
            if skip is not None and result.path.resolve() == skip.resolve():
                continue
            forms.extend(result.forms)
            findings.extend(result.findings)
    return forms, findings


def load_roster(path: Path | None, limits=None):
    """(Roster, findings) from --roster, or (None, []) when it was not given."""
    if path is None:
        return None, []
    from ..errors import KaopingError
    from ..excel.roster import read_roster

    if not path.is_file():
        raise KaopingError("找不到花名册文件", file=str(path))
    return read_roster(path, limits=limits)


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
    from ..report.problems import write_problems
    from ..rules.month import check_week_batch, resolve_logs, week_unit_tallies, weekly_logs_of
    from .common import console, exit_code, print_findings

    con = console()
    settings = load_settings(settings_path)
    people, roster_findings = load_roster(roster, settings.limits)
    forms, findings = read_forms(folder, "读取一周小记", skip=problems, limits=settings.limits)
    findings[:0] = roster_findings
    logs = resolve_logs(weekly_logs_of(forms), people)
    findings.extend(check_week_batch(logs, settings))

    persons = {(log.identity.staff_id or log.identity.name) for log in logs}
    con.print(f"[bold]一周小记检查[/]：{escape(str(folder))}　共 {len(logs)} 份一周小记，{len(persons)} 人")
    table = Table(title="各单位汇总")
    for col in ("单位", "一周小记", "错误", "警告", "提示"):
        table.add_column(col, justify="left" if col == "单位" else "right")
    for t in week_unit_tallies(logs, findings):
        table.add_row(escape(t.unit), str(t.received), f"[bold red]{t.errors}[/]" if t.errors else "0",
                      str(t.warnings), str(t.infos))
    con.print(table)
    print_findings(findings, title="一周小记问题")
    if problems is not None:
        path = write_problems(findings, problems, force=force, title="一周小记问题清单")
        con.print(f"问题清单已写入：{escape(str(path))}")
    raise typer.Exit(exit_code(findings))
