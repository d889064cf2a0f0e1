"""kaoping forms monthly|quarterly: blank forms per person, pre-filled from the roster."""

from __future__ import annotations

from pathlib import Path

import typer

from .common import TemplatesOpt, guarded
from .examples import epilog

app = typer.Typer(help="生成空白表格（按花名册每人一份，已预填姓名、单位、职务和期间）",
                  no_args_is_help=True)

_ROSTER = typer.Option(..., "--roster", "-r", help="花名册 .xlsx（见 kaoping roster template）")  # checked in Chinese (paths.require_file)
_OUT = typer.Option(..., "--out", "-o", help="输出目录；文件写到 目录/单位/科室/姓名-期间.xlsx")  # a file there: a Chinese refusal (output.files)
_UNIT = typer.Option(None, "--unit", "-u", help="只生成该单位（处室或分支机构）的表格")
_FORCE = typer.Option(False, "--force", help="覆盖已存在的同名文件（默认一个也不覆盖）")
_PDF = typer.Option(False, "--pdf", help="同时用 LibreOffice 为每份表格输出 PDF（放在 .xlsx 旁），便于打印")


def _templates(option: Path | None) -> Path | None:
    """--templates, else kaoping.toml's [templates] dir (the forms read ./kaoping.toml)."""
    from ..config import load_settings
    from .common import template_dir

    return template_dir(option, load_settings(None))


def _run(kind: str, roster: Path, period: str, out: Path, unit: str | None, force: bool,
         pdf: bool = False, templates: Path | None = None) -> None:
    from ..config import settings_file
    from ..excel.roster import read_roster
    from ..forms.routine import generate_forms
    from ..paths import require_file
    from ..periods import parse_month, parse_quarter
    from .common import console, print_findings, progress

    if pdf:
        from ..output.pdf import require_soffice

        require_soffice()  # say so before any work when LibreOffice is missing
    per = parse_month(period) if kind == "monthly" else parse_quarter(period)
    folder = _templates(templates)
    require_file(roster, "花名册")
    ros, findings = read_roster(roster)
    from ..models import Severity

    errors = [f for f in findings if f.severity == Severity.ERROR]
    if errors:
        print_findings(errors, title="花名册中的错误（对应人员可能缺表）")
    what = "月度小结表（含各周一周小记表）" if kind == "monthly" else "季度评价表"
    con = console()
    with progress(len(ros.people), f"生成{what}") as bar:
        task = bar.add_task("", total=None)

        def on_progress(i: int, total: int, path: Path) -> None:
            bar.update(task, completed=i, total=total)

        # The PDFs are part of the same all-or-nothing set; the roster, the kaoping.toml (the
        # template folder, the quarterly forms' seats) and the templates are never written over.
        read = [roster, settings_file(None), folder]
        written = generate_forms(ros, per, out, unit=unit, force=force, on_progress=on_progress,
                                 inputs=read, pdf=pdf, template_dir=folder)
    units = len({p.relative_to(out).parts[0] for p in written})
    con.print(f"[green]已生成 {len(written)} 份{what}[/]（{per}，{units} 个单位），输出目录：{out}")
    if kind == "quarterly":
        _print_seats(ros, per, unit)
    if pdf and written:
        con.print(f"[green]已用 LibreOffice 输出 {len(written)} 个 PDF[/]（与同名 .xlsx 放在一起）。")


def _print_seats(ros, quarter, unit: str | None) -> None:
    """The 好 seats of each unit / 考核组 for the quarter (as `kaoping quarter quota`)."""
    from ..config import load_settings
    from ..pipeline.quota import seats_of
    from .seats import print_seats

    settings = load_settings(None)
    seats, centre = seats_of(ros, quarter, settings)
    if unit is not None:
        seats = [s for s in seats if unit in s.units]
    print_seats(seats, centre, quarter, settings)


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
    out: Path = typer.Option(..., "--out", "-o", help="输出目录"),
    force: bool = _FORCE,
    templates: TemplatesOpt = None,
) -> None:
    """输出空白的附件1 一周小记表、附件2 月度小结表、附件3 季度评价表（不预填人员，供手工分发）。"""
    from ..errors import OutputExistsError
    from ..forms.routine import TEMPLATE_NAMES, write_templates
    from .common import console

    targets = [out / name for name in TEMPLATE_NAMES.values()]
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        raise OutputExistsError("以下文件已存在：" + "、".join(p.name for p in existing)
                                + "；未写入任何文件。如确需覆盖，请加 --force", file=str(out))
    paths = write_templates(out, force=force, template_dir=_templates(templates))
    console().print(f"[green]已输出 {len(paths)} 份空白表格[/]：" + "、".join(p.name for p in paths))
