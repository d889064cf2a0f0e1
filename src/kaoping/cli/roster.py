"""kaoping roster …"""

from __future__ import annotations

import typer

app = typer.Typer(help="花名册", no_args_is_help=True)
