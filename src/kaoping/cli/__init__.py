"""kaoping 命令行: a thin Typer layer over the library.

Each command group lives in its own module; modules import only typer at load time and
import the library inside the command functions, so `kaoping --help` stays fast.
"""

from __future__ import annotations

import typer

from . import (
    annual,
    calendar,
    chinese,
    examples,
    explain,
    forms,
    halfyear,
    month,
    profile,
    quarter,
    roster,
    rules,
    week,
)

chinese.install()  # help screens and usage errors in Chinese

app = typer.Typer(
    name="kaoping",
    help="干部日常考评（公务员平时考核）工具：生成表格、检查收回的表格、定档核比例、输出备案表。",
    epilog=examples.epilog(""),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(roster.app, name="roster")
app.add_typer(forms.app, name="forms")
app.add_typer(week.app, name="week")
app.add_typer(month.app, name="month")
app.add_typer(quarter.app, name="quarter")
app.add_typer(annual.app, name="annual")
app.add_typer(halfyear.app, name="halfyear")
calendar.register(app)
explain.register(app)
profile.register(app)
rules.register(app)


def main() -> None:
    app()
