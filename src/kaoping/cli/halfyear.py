"""kaoping halfyear …"""

from __future__ import annotations

import typer

app = typer.Typer(help="半年考核", no_args_is_help=True)
