"""Parse a kaoping command line as the CLI would, running nothing (docs pages, help examples)."""

from __future__ import annotations

import shlex

import typer.main

from kaoping.cli import app


def parse_error(line: str) -> str | None:
    """Why `line` (arguments after `kaoping`) would not run: the usage error's message, or
    that it names a group, not a command; None when it parses (or is a request for help)."""
    args = shlex.split(line)
    command = typer.main.get_command(app)
    name = "kaoping"
    while getattr(command, "commands", None) and args and args[0] in command.commands:
        name = args.pop(0)
        command = command.commands[name]
    try:
        command.make_context(name, args, help_option_names=["-h", "--help"])
    except Exception as exc:  # click's UsageError, or Exit(0) after --help
        if getattr(exc, "exit_code", None) == 0:
            return None
        return exc.format_message() if hasattr(exc, "format_message") else str(exc)
    return f"'{line}' names no command" if getattr(command, "commands", None) else None
