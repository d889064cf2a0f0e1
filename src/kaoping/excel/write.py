"""Writing workbooks: strict, atomic, never replacing an output without --force."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.workbook import Workbook

from ..errors import KaopingError, OutputExistsError


def check_writable(path: Path, *, force: bool) -> None:
    """Refuse to replace an existing output unless `force` (so nothing is lost by accident)."""
    if path.exists() and not force:
        raise OutputExistsError("输出文件已存在；如确需覆盖，请加 --force", file=str(path))


def _replace_atomically(path: Path, write: Callable[[str], Any], *, force: bool) -> Path:
    """Run `write(tmp)` on a temporary file beside `path`, then rename it into place, so a
    reader never sees a half-written output and a failure leaves the old file untouched."""
    path = Path(path)
    check_writable(path, force=force)
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".~kaoping-", suffix=path.suffix or ".tmp",
                                   dir=path.parent)
        os.close(fd)
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise KaopingError(f"无法写入文件：{exc.strerror or exc}", file=str(path)) from None
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_bytes(path: Path, data: bytes, *, force: bool = False) -> Path:
    """Write `data` to `path` atomically (see `_replace_atomically`)."""
    return _replace_atomically(path, lambda tmp: Path(tmp).write_bytes(data), force=force)


def save_workbook(wb: Workbook, path: Path, *, force: bool = False) -> Path:
    """Save `wb` to a temporary file beside `path`, then rename it into place atomically."""
    return _replace_atomically(path, wb.save, force=force)


def put(cell: Cell, value: Any) -> Cell:
    """Write a value taken from user input. Text is always stored as text, never as a
    formula: '=HYPERLINK(...)' or '+1' appears literally in the output. Control characters
    that XML cannot hold (e.g. \x07 in a file name) are dropped instead of failing the save."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell
