"""kaoping week …"""

from __future__ import annotations

import typer

app = typer.Typer(help="一周小记", no_args_is_help=True)
