"""kaoping templates …: the xlsx templates every filing is filled into."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import guarded
from .examples import epilog

app = typer.Typer(help="模板：导出内置的附件1–6、台账、问题清单 Excel 模板以修改版式，检查改过的模板",
                  no_args_is_help=True)

DirArg = Annotated[Path, typer.Argument(help="模板文件夹", show_default=False)]


@app.command("export", epilog=epilog("templates export"))
@guarded
def export(
    folder: DirArg,
    force: Annotated[bool, typer.Option("--force", help="文件夹中已有同名模板时覆盖")] = False,
) -> None:
    """把内置模板导出到文件夹。在 Excel/WPS 中修改字体、行高、列宽、标题等版式后，
    用 --templates 文件夹（或 kaoping.toml 的 \\[templates] dir）让 forms monthly/quarterly/blank、
    quarter report、annual report 和各检查命令的 --problems 使用。

    单元格中的 {{ 呈报单位 }} 等占位符由 kaoping 填写，须保留；{{ 行.姓名 }} 所在行按名单每人重复一行，
    一周小记表的 {{ 行.事项 }} 所在行按任务每条一行。
    """
    from rich.markup import escape

    from ..forms.routine import FORM_SPECS
    from ..report.annex_templates import SPECS
    from ..report.template import export_templates
    from .common import console

    names = [spec.file for spec in FORM_SPECS.values()] + list(SPECS)
    paths = export_templates(folder, names, force=force)
    con = console()
    con.print(f"[green]已导出 {len(paths)} 个模板[/]到 {escape(str(folder))}：")
    for p in paths:
        con.print(f"  {escape(p.name)}")


@app.command("check", epilog=epilog("templates check"))
@guarded
def check(folder: DirArg) -> None:
    """检查改过的模板：占位符是否都认识、是否缺少（出错时指出模板和单元格，退出码 2）。"""
    from rich.markup import escape

    from ..forms.routine import FORM_SPECS, check_form_templates
    from ..report.annex_templates import SPECS, check_templates
    from .common import console

    check_form_templates(folder)
    check_templates(SPECS.values(), folder)
    count = len(FORM_SPECS) + len(SPECS)
    console().print(f"[green]模板可用[/]：{escape(str(folder))} 中的 {count} 个模板均已检查。")
