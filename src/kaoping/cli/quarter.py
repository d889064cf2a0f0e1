"""kaoping quarter …"""

from __future__ import annotations

import typer

app = typer.Typer(help="季度评价", no_args_is_help=True)
