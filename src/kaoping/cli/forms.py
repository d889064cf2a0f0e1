"""kaoping forms …"""

from __future__ import annotations

import typer

app = typer.Typer(help="生成空白表格", no_args_is_help=True)
