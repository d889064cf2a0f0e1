"""kaoping calendar YEAR"""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add `kaoping calendar` to the main app (a single command, not a group)."""

