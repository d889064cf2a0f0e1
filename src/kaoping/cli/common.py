"""Shared CLI plumbing: console, error handling, exit codes, findings output."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional, Self, TypeVar

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
JsonOpt = Annotated[Optional[Path], typer.Option(
    "--json", metavar="路径", help="同时把检查结果写成 JSON 报告，供其他程序读取（- 表示输出到标准输出，"
                                 "此时不显示表格）；格式见 docs/JSON报告.md")]
TemplatesOpt = Annotated[Optional[Path], typer.Option(
    "--templates", "-t", help="改过版式的模板文件夹（kaoping templates export 导出后修改）；不给时按 "
    "kaoping.toml 的 \\[templates] dir（读取设置的命令），都没有则用内置模板", file_okay=False)]


def template_dir(option: Path | None, settings: Any = None) -> Path | None:
    """--templates, else kaoping.toml [templates] dir (commands that read settings), else None
    (the shipped templates)."""
    if option is not None:
        return option
    folder = settings.templates.dir if settings is not None else None
    return Path(folder) if folder else None


def problems_templates(option: Path | None, settings: Any, problems: Path | None) -> Path | None:
    """The template folder for the 问题清单; checked before the slow read when one is written."""
    folder = template_dir(option, settings)
    if problems is not None and folder is not None:
        from ..report.annex_templates import PROBLEMS_SPEC, check_templates

        check_templates([PROBLEMS_SPEC], folder)
    return folder

def tolerate_console_encoding() -> None:
    """A console that cannot show every character (a Chinese Windows console is GBK, code page
    936) gets a replacement mark for the few it cannot show (✔ in a quoted cell, an emoji in
    a file name) instead of a crash half-way through the report."""
    import sys

    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


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
    """A table of findings, errors first (one block a finding when the console is narrow);
    long lists are cut with a pointer to --problems."""
    from rich.text import Text

    from ..models import Severity
    from .tables import Column, print_table

    con = console()
    if not findings:
        con.print("[green]未发现问题。[/]")
        return
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    rows = sorted(findings, key=lambda f: (order[f.severity], f.unit or "", f.file or "", f.rule))
    style = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
    columns = [Column("级别", "name"), Column("规则", "name"), Column("单位", "name"),
               Column("姓名", "name"), Column("位置", "name"), Column("说明", "text")]
    cells = []
    for f in rows[:limit]:
        where = " ".join(x for x in (Path(f.file).name if f.file else None, f.sheet, f.cell) if x)
        # Text: units, names, file names and messages quote user input, never markup.
        cells.append([Text(f.severity.value, style=style[f.severity]), f.rule,
                      *(Text(x) for x in (f.unit or "", f.person or "", where, f.message))])
    print_table(con, columns, cells, title=title)
    if len(rows) > limit:
        con.print(f"……另有 {len(rows) - limit} 条未显示，请用 --problems 输出完整问题清单。")
    counts = {s: sum(1 for f in findings if f.severity == s) for s in Severity}
    con.print("合计：" + "，".join(f"{s.value} {n} 条" for s, n in counts.items()))


def common_folder(paths: Sequence[Path]) -> Path | None:
    """The folder the given files (or folders) share, for showing their paths below it."""
    import os

    parents = [str(p if p.is_dir() else p.parent) for p in paths]
    try:
        return Path(os.path.commonpath(parents)) if parents else None
    except ValueError:  # different drives on Windows, or absolute beside relative
        return None


def _write_utf8(text: str) -> None:
    """Machine-readable output is UTF-8 whatever the console's encoding (GBK would lose what
    it cannot show)."""
    import sys

    stdout = sys.stdout
    if hasattr(stdout, "buffer"):
        stdout.flush()
        stdout.buffer.write(text.encode("utf-8"))
        stdout.buffer.flush()
    else:  # a stream without bytes underneath (some test runners): text as it is
        stdout.write(text)


def json_to_stdout(path: Path | None) -> bool:
    """`--json -`: the report is all that goes to stdout."""
    return path is not None and str(path) == "-"


def write_json(report: Callable[[], dict[str, Any]], path: Path | None, *, force: bool,
               inputs: Iterable[Path | None] = ()) -> bool:
    """Write the --json report (built by `report()` only when asked for) to `path`, or to
    stdout for "-"; True when it went to stdout, so the caller prints nothing else."""
    if path is None:
        return False
    from ..pipeline.report_json import report_text

    text = report_text(report())
    if json_to_stdout(path):
        _write_utf8(text)
        return True
    from rich.markup import escape

    from ..output.workbook import atomic_write_bytes

    written = atomic_write_bytes(path, text.encode("utf-8"), force=force, inputs=inputs)
    console().print(f"JSON 报告已写入：{escape(str(written))}")
    return False


def progress(total: int, description: str, *, quiet: bool = False):
    """A rich progress bar for long batches (transient, so reports stay readable); none when
    `quiet` (stdout carries a JSON report)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn(description), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console(), transient=True, disable=quiet or total < 2)


class LateProgress:
    """A progress bar opened once the pipeline says how much there is to do (`start`), and
    closed on leaving the `with`: a command that stops before (a refusal, a roster that
    cannot be read) shows none. `room`: steps added to the total given."""

    def __init__(self, description: str, *, room: int = 0) -> None:
        self._description, self._room = description, room
        self._bar: Any = None
        self._task: Any = None

    def start(self, total: int, *, counted: bool = True) -> None:
        """Open the bar for `total` items; `counted=False`: the steps' total comes with
        `update` (the bar runs without one until then)."""
        self._bar = progress(total, self._description)
        self._bar.start()
        self._task = self._bar.add_task("", total=total + self._room if counted else None)

    def advance(self, _done: object = None) -> None:
        if self._bar is not None:
            self._bar.advance(self._task)

    def update(self, completed: int, total: int) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=completed, total=total)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def with_progress(folder: Path, description: str, run: Callable[[Callable[[Any], None]], R], *,
                  quiet: bool = False) -> R:
    """`run(on_file)` with a progress bar over the workbooks below `folder`, shown from the
    first workbook read (a command that stops before reading shows none)."""
    from ..pipeline import count_workbooks

    total = count_workbooks(folder)
    bar = progress(total, description, quiet=quiet)
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


def refuse_existing(*paths: Path | None, force: bool, files: Iterable[Path | None] = ()) -> None:
    """Before the slow reading: an output file (--problems, --json) that is one of the input
    `files` (the roster, an attendance sheet: --force or not), or that already exists
    without --force, is refused now, not after the whole folder was read. (Whether it lies in
    the checked folder is asked when it is written: only the run knows which 问题清单 there
    are kaoping's own.)"""
    from ..errors import OutputExistsError
    from ..output.files import RunInputs, refuse_input

    inputs = RunInputs(files)
    for path in paths:
        if path is None or json_to_stdout(path) or not (path.exists() or path.is_symlink()):
            continue
        refuse_input(path, inputs)
        if not force:
            raise OutputExistsError("输出文件已存在；如确需覆盖，请加 --force", file=str(path))


def run_inputs(*paths: Path | None, settings_path: Path | None = None, own: Iterable[Path] = ()):
    """Everything a command reads (files and folders, with the kaoping.toml actually read):
    no output may be written over any of them, --force or not. `own`: the 问题清单 kaoping
    wrote inside an input folder, which a re-run may replace."""
    from ..config import settings_file
    from ..output.files import RunInputs

    return RunInputs([*paths, settings_file(settings_path)], own=own)


def write_problems(findings: Sequence[Finding], path: Path | None, *, force: bool, title: str,
                   announce: bool = True, inputs: Iterable[Path | None] = (),
                   base: Path | None = None, templates: Path | None = None) -> None:
    """Write the 问题清单 to --problems when it was given (and say where); paths in it are
    shown below `base`, the folder checked; `templates`: a restyled template set."""
    if path is None:
        return
    from rich.markup import escape

    from ..report.problems import write_problems as write

    from ..output.files import RunInputs

    written = write(findings, path, force=force, title=title, inputs=RunInputs.of(inputs).plus(templates),
                    base=base, template_dir=templates)
    if announce:
        console().print(f"问题清单已写入：{escape(str(written))}")
