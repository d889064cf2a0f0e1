"""Writing workbooks: strict, atomic, never replacing an output without --force."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.workbook import Workbook

from ..errors import KaopingError, OutputExistsError


def check_writable(path: Path, *, force: bool) -> None:
    """Refuse to replace an existing output unless `force` (so nothing is lost by accident)."""
    if path.exists() and not force:
        raise OutputExistsError("输出文件已存在；如确需覆盖，请加 --force", file=str(path))


def atomic_write_bytes(path: Path, data: bytes, *, force: bool) -> None:
    check_writable(path, force=force)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~kaoping-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_workbook(wb: Workbook, path: Path, *, force: bool = False) -> Path:
    """Save `wb` to a temporary file beside `path`, then rename it into place atomically."""
    path = Path(path)
    check_writable(path, force=force)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~kaoping-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise KaopingError(f"无法写入文件：{exc.strerror or exc}", file=str(path)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


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
