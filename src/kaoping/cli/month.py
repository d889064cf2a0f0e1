"""kaoping month …"""

from __future__ import annotations

import typer

app = typer.Typer(help="月度小结", no_args_is_help=True)
