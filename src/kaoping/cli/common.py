"""Shared CLI plumbing: console, error handling, exit codes, findings output."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional, TypeVar

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from ..models import Finding

# Exit codes (documented in README): 0 no 错误; 1 at least one 错误; 2 could not run.
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_CANNOT_RUN = 2

F = TypeVar("F", bound=Callable[..., Any])
R = TypeVar("R")

# Options shared by the check commands (same flag, same help everywhere).
SettingsOpt = Annotated[Optional[Path], typer.Option("--settings", "-c", help="配置文件 kaoping.toml")]
ProblemsOpt = Annotated[Optional[Path], typer.Option("--problems", help="把问题清单写入此 Excel 文件")]
ForceProblemsOpt = Annotated[bool, typer.Option("--force", help="问题清单文件已存在时覆盖")]

def console() -> Console:
    """The console commands print to (rich is imported on first use: `kaoping --help` stays
    fast). One per call: nothing is kept between commands."""
    from rich.console import Console

    import sys

    con = Console(highlight=False, file=_Shown(sys.stdout))
    con.on_broken_pipe = _broken_pipe  # type: ignore[method-assign]  # exit 2 (guarded), not rich's 1
    return con


class _Shown:
    """stdout for rich: every text written passes `paths.shown` (a file name that is not
    valid UTF-8 prints with its bytes escaped, never raw or as an encoding error)."""

    def __init__(self, file: Any) -> None:
        self._file = file

    def write(self, text: str) -> int:
        from ..paths import shown

        return self._file.write(shown(text))

    def __getattr__(self, name: str) -> Any:  # isatty, encoding, flush, fileno…
        return getattr(self._file, name)


def _broken_pipe() -> None:
    import errno

    raise BrokenPipeError(errno.EPIPE, "the output pipe was closed")


def guarded(func: F) -> F:
    """Turn a `KaopingError` into a Chinese message and exit code 2, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..errors import KaopingError

        try:
            try:
                return func(*args, **kwargs)
            except KaopingError as exc:
                from rich.markup import escape  # messages may contain "[section]" text

                console().print(f"[bold red]错误[/]：{escape(exc.where() + exc.message)}")
                raise typer.Exit(EXIT_CANNOT_RUN) from None
            except KeyboardInterrupt:
                console().print("[yellow]已中断。[/]")
                raise typer.Exit(130) from None
        except OSError as exc:  # the console itself failed, or an OS error nothing named
            stop_on_os_error(exc)

    return wrapper  # type: ignore[return-value]


def stop_on_os_error(exc: OSError) -> None:
    """Exit 2 after an OS error no layer turned into a message, most often the console's own:
    stdout redirected to a full disk, or a pipe closed (`kaoping … | head`). The message
    goes to stderr in Chinese; stdout is pointed at the null device first, so Python's flush
    at exit cannot print "Exception ignored … Traceback" after it."""
    import os
    import sys

    from ..output.errors import reason
    from ..paths import shown

    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # no real stdout (a test runner's buffer)
    if not isinstance(exc, BrokenPipeError):  # the reader went away: nothing to say
        where = shown(str(exc.filename)) if exc.filename else "屏幕输出（或重定向输出的文件）"
        try:
            sys.stderr.write(f"错误：{where}：{reason(exc)}\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
    raise typer.Exit(EXIT_CANNOT_RUN) from None


def exit_code(findings: Iterable[Finding]) -> int:
    from ..models import Severity

    return EXIT_FINDINGS if any(f.severity == Severity.ERROR for f in findings) else EXIT_OK


def print_findings(findings: Sequence[Finding], *, title: str = "问题清单", limit: int = 200) -> None:
    """A rich table of findings, errors first; long lists are cut with a pointer to --problems."""
    from rich.table import Table
    from rich.text import Text

    from ..models import Severity

    con = console()
    if not findings:
        con.print("[green]未发现问题。[/]")
        return
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    rows = sorted(findings, key=lambda f: (order[f.severity], f.unit or "", f.file or "", f.rule))
    style = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
    table = Table(title=title, show_lines=False, expand=False)
    for col in ("级别", "规则", "单位", "姓名", "位置", "说明"):
        table.add_column(col, overflow="fold")
    for f in rows[:limit]:
        where = " ".join(x for x in (Path(f.file).name if f.file else None, f.sheet, f.cell) if x)
        # Text(): units, names, file names and messages quote user input, never markup.
        table.add_row(f"[{style[f.severity]}]{f.severity.value}[/]", f.rule,
                      *(Text(x) for x in (f.unit or "", f.person or "", where, f.message)))
    con.print(table)
    if len(rows) > limit:
        con.print(f"……另有 {len(rows) - limit} 条未显示，请用 --problems 输出完整问题清单。")
    counts = {s: sum(1 for f in findings if f.severity == s) for s in Severity}
    con.print("合计：" + "，".join(f"{s.value} {n} 条" for s, n in counts.items()))


def progress(total: int, description: str):
    """A rich progress bar for long batches (transient, so reports stay readable)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn(description), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console(), transient=True, disable=total < 2)


def with_progress(folder: Path, description: str, run: Callable[[Callable[[Any], None]], R]) -> R:
    """`run(on_file)` with a progress bar over the workbooks below `folder`, shown from the
    first workbook read (a command that stops before reading shows none)."""
    from ..pipeline import count_workbooks

    total = count_workbooks(folder)
    bar = progress(total, description)
    task: list[Any] = []

    def advance(_file: Any) -> None:
        if not task:
            bar.start()
            task.append(bar.add_task(description, total=total))
        bar.advance(task[0])

    try:
        return run(advance)
    finally:
        if task:
            bar.stop()


def run_inputs(*paths: Path | None, settings_path: Path | None = None, own: Iterable[Path] = ()):
    """Everything a command reads (files and folders, with the kaoping.toml actually read):
    no output may be written over any of them, --force or not. `own`: the 问题清单 kaoping
    wrote inside an input folder, which a re-run may replace."""
    from ..config import settings_file
    from ..output.files import RunInputs

    return RunInputs([*paths, settings_file(settings_path)], own=own)


def write_problems(findings: Sequence[Finding], path: Path | None, *, force: bool, title: str,
                   announce: bool = True, inputs: Iterable[Path | None] = ()) -> None:
    """Write the 问题清单 to --problems when it was given (and say where)."""
    if path is None:
        return
    from rich.markup import escape

    from ..report.problems import write_problems as write

    written = write(findings, path, force=force, title=title, inputs=inputs)
    if announce:
        console().print(f"问题清单已写入：{escape(str(written))}")
