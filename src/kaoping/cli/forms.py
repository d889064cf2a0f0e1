"""kaoping forms monthly|quarterly: blank forms per person, pre-filled from the roster."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from .common import TemplatesOpt, guarded
from .examples import epilog

if TYPE_CHECKING:
    from ..pipeline.forms import FormsKind

app = typer.Typer(help="生成空白表格（按花名册每人一份，已预填姓名、单位、职务和期间）",
                  no_args_is_help=True)

_ROSTER = typer.Option(..., "--roster", "-r", help="花名册 .xlsx（见 kaoping roster template）")  # checked in Chinese (paths.require_file)
_OUT = typer.Option(..., "--out", "-o", help="输出目录；文件写到 目录/单位/科室/姓名-期间.xlsx")  # a file there: a Chinese refusal (output.files)
_BLANK_OUT = typer.Option(..., "--out", "-o", help="输出目录")
_UNIT = typer.Option(None, "--unit", "-u", help="只生成该单位（处室或分支机构）的表格")
_FORCE = typer.Option(False, "--force", help="覆盖已存在的同名文件（默认一个也不覆盖）")
_PDF = typer.Option(False, "--pdf", help="同时用 LibreOffice 为每份表格输出 PDF（放在 .xlsx 旁），便于打印")


def _run(kind: FormsKind, roster: Path, period: str, out: Path, unit: str | None, force: bool,
         pdf: bool = False, templates: Path | None = None) -> None:
    from ..config import load_settings, settings_file
    from ..models import Severity
    from ..periods import parse_month, parse_quarter
    from ..pipeline import run_forms
    from ..rules.settings import LimitSettings
    from .common import LateProgress, console, print_findings, template_dir
    from .seats import print_seats

    if pdf:
        from ..output.pdf import require_soffice

        require_soffice()  # say so before any work when LibreOffice is missing
    per = parse_month(period) if kind == "monthly" else parse_quarter(period)
    settings = load_settings(None)
    folder = template_dir(templates, settings)  # --templates, else kaoping.toml [templates] dir
    what = "月度小结表（含各周一周小记表）" if kind == "monthly" else "季度评价表"
    with LateProgress(f"生成{what}") as bar:

        def on_roster(ros, findings) -> None:
            errors = [f for f in findings if f.severity == Severity.ERROR]
            if errors:
                print_findings(errors, title="花名册中的错误（对应人员可能缺表）")
            bar.start(len(ros.people), counted=False)  # the forms' number comes with each one

        def on_progress(i: int, total: int, path: Path) -> None:
            bar.update(i, total)

        # kaoping.toml's [limits] do not apply to the forms' roster (docs/设置.md). The
        # kaoping.toml (the template folder, the quarterly forms' seats) is never written over,
        # nor are the roster and the templates.
        run = run_forms(kind, roster, per, out, unit=unit, force=force, pdf=pdf, template_dir=folder,
                        settings=settings.model_copy(update={"limits": LimitSettings()}),
                        inputs=[settings_file(None)], on_roster=on_roster, on_progress=on_progress)
    con = console()
    con.print(f"[green]已生成 {len(run.written)} 份{what}[/]（{per}，{run.units} 个单位），输出目录：{out}")
    if run.centre is not None:  # quarterly: the 好 seats of each unit / 考核组 (as `quarter quota`)
        print_seats(run.seats, run.centre, per, settings)
    if pdf and run.written:
        con.print(f"[green]已用 LibreOffice 输出 {len(run.written)} 个 PDF[/]（与同名 .xlsx 放在一起）。")


@app.command("monthly", epilog=epilog("forms monthly"))
@guarded
def monthly(
    roster: Path = _ROSTER,
    period: str = typer.Option(..., "--period", "-p", help="月份，如 2026-07"),
    out: Path = _OUT,
    unit: str | None = _UNIT,
    force: bool = _FORCE,
    pdf: bool = _PDF,
    templates: TemplatesOpt = None,
) -> None:
    """生成每人一份的月度小结表（附件2），同一工作簿内附该月各周的一周小记表（附件1）。"""
    _run("monthly", roster, period, out, unit, force, pdf, templates)


@app.command("quarterly", epilog=epilog("forms quarterly"))
@guarded
def quarterly(
    roster: Path = _ROSTER,
    period: str = typer.Option(..., "--period", "-p", help="季度，如 2026Q3"),
    out: Path = _OUT,
    unit: str | None = _UNIT,
    force: bool = _FORCE,
    pdf: bool = _PDF,
    templates: TemplatesOpt = None,
) -> None:
    """生成每人一份的季度评价表（附件3），并列出各单位（考核组）本季度可定“好”等次的名额
    （同 kaoping quarter quota）。"""
    _run("quarterly", roster, period, out, unit, force, pdf, templates)


@app.command("blank", epilog=epilog("forms blank"))
@guarded
def blank(
    out: Path = _BLANK_OUT,
    force: bool = _FORCE,
    templates: TemplatesOpt = None,
) -> None:
    """输出空白的附件1 一周小记表、附件2 月度小结表、附件3 季度评价表（不预填人员，供手工分发）。"""
    from ..config import load_settings
    from ..pipeline import run_blank_forms
    from .common import console, template_dir

    folder = template_dir(templates, load_settings(None))  # --templates, else kaoping.toml [templates] dir
    paths = run_blank_forms(out, force=force, template_dir=folder)
    console().print(f"[green]已输出 {len(paths)} 份空白表格[/]：" + "、".join(p.name for p in paths))
