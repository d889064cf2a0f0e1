"""kaoping annual …"""

from __future__ import annotations

import typer

app = typer.Typer(help="年度", no_args_is_help=True)
