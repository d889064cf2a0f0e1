"""Writing workbooks: strict, atomic, never replacing an output without --force, never
writing over an input (the mechanism is `output.files`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.workbook import Workbook

from ..errors import OutputExistsError
from ..paths import shown
from .files import OutputSet, RunInputs, refuse_input, write_file

Inputs = RunInputs | Iterable[Path | str | None]  # RunInputs: one memo for a command's writers


def check_writable(path: Path, *, force: bool, inputs: Inputs = ()) -> None:
    """Refuse early (before slow work) an output that is an input, or that exists without
    `force`; the write itself checks again."""
    path = Path(path)
    if path.exists() or path.is_symlink():
        refuse_input(path, RunInputs.of(inputs))
        if not force:
            raise OutputExistsError("输出文件已存在；如确需覆盖，请加 --force", file=str(path))


def atomic_write_bytes(path: Path, data: bytes, *, force: bool = False, inputs: Inputs = ()) -> Path:
    """Write `data` to `path` atomically (see `output.files.write_file`)."""
    return write_file(path, lambda tmp: tmp.write_bytes(data), force=force, inputs=inputs)


def save_workbook(wb: Workbook, path: Path, *, force: bool = False, inputs: Inputs = ()) -> Path:
    """Save `wb` to a temporary file beside `path`, then rename it into place atomically."""
    return write_file(path, wb.save, force=force, inputs=inputs)


def put(cell: Cell, value: Any) -> Cell:
    """Write a value taken from user input. Text is always stored as text, never as a
    formula: '=HYPERLINK(...)' or '+1' appears literally in the output. Control characters
    that XML cannot hold (e.g. \x07 in a file name) are dropped instead of failing the save,
    and the undecodable bytes of a file name are escaped (`paths.shown`): a lone surrogate
    would make a workbook that openpyxl cannot open and LibreOffice loses the row of."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", shown(value))
    cell.value = value
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell


__all__ = ["Inputs", "OutputSet", "atomic_write_bytes", "check_writable", "put", "save_workbook"]
