"""File names that are safe on Windows, macOS and Linux, and scanning of input folders."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

_BAD_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*\u200b-\u200f\u2028-\u202e\ufeff]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}
MAX_NAME = 100  # characters
# UTF-8 bytes (50 Chinese characters): Linux and macOS allow 255 bytes a name, and kaoping
# adds up to about 90 around a unit's or a person's name ("附件6-…-2026年度-<单位>.xlsx").
MAX_NAME_BYTES = 150


def safe_filename(name: str, *, fallback: str = "未命名") -> str:
    """Make one path component safe: no separators, no '..', no reserved Windows names,
    no trailing dots or spaces, no control or zero-width characters."""
    text = unicodedata.normalize("NFKC", str(name))
    text = _BAD_CHARS.sub("_", text).strip().strip(".").strip()
    text = re.sub(r"\s+", " ", text)
    if not text or set(text) <= {"_", "."}:
        text = fallback
    if text.split(".")[0].strip().upper() in _RESERVED:  # Windows ignores "CON .xlsx"'s space
        text = "_" + text
    text = text[:MAX_NAME]
    while len(text.encode("utf-8")) > MAX_NAME_BYTES:
        text = text[:-1]
    # Windows drops a trailing dot or space, so the cut must not end on one.
    return text.rstrip(". ") or fallback


def is_ignored(path: Path) -> bool:
    """Office lock files (~$x.xlsx), hidden files and folders, and temp files are skipped."""
    return any(part.startswith((".", "~$")) for part in path.parts) or path.name.endswith("~")


WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".et", ".ods", ".csv", ".htm", ".html"}


def scan_workbooks(folder: Path) -> Iterator[Path]:
    """Every candidate workbook below `folder`, sorted, skipping ignored files.

    Other spreadsheet formats (.xls/.et/.ods/.xlsb) are yielded too so the reader can say how
    to convert them.

    The same files, in the same order, as `sorted(folder.rglob("*"))` filtered by
    `is_ignored` and the suffix (pinned by tests): see `scan_workbook_names`.
    """
    for name in scan_workbook_names(folder):
        yield Path(name)


def scan_workbook_names(folder: Path | str) -> list[str]:
    """`scan_workbooks` as text paths (spelled as `str(Path(folder).joinpath(*parts))`), for
    batches where building a `Path` per file costs more than the scan itself.

    Directories are walked with `os.scandir` without following symlinked directories,
    unreadable ones are skipped, hidden and `~$` folders are not entered (everything in them
    is ignored anyway). Paths are sorted by their parts, as `Path` objects compare."""
    base = str(Path(folder))
    prefix = "" if base == "." else base if base.endswith(os.sep) else base + os.sep
    return [prefix + os.sep.join(parts) for parts in sorted(_workbook_parts(folder))]


def count_workbook_names(folder: Path | str) -> int:
    """How many paths `scan_workbook_names` gives, without holding them: ~330 bytes each
    (20,000 files: ~6.5 MB) that a process forked meanwhile would count as its own too."""
    return sum(1 for _ in _workbook_parts(folder))


def _workbook_parts(folder: Path | str) -> Iterator[tuple[str, ...]]:
    """The workbooks below `folder` as path parts relative to it, in no particular order
    (see `scan_workbook_names`)."""
    root = os.fspath(folder)
    stack: list[tuple[str, tuple[str, ...]]] = [(root, ())]
    while stack:
        directory, rel = stack.pop()
        try:
            with os.scandir(directory) as it:
                entries = list(it)
        except (PermissionError, NotADirectoryError, FileNotFoundError):
            continue
        for entry in entries:
            name = entry.name
            if name.startswith((".", "~$")):
                continue  # hidden or an Office lock file, folder or file (see is_ignored)
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, (*rel, name)))
                    continue
                is_file = entry.is_file()  # follows a symlink to a file, like Path.is_file
            except OSError:
                continue
            if (is_file and not name.endswith("~")
                    and os.path.splitext(name)[1].lower() in WORKBOOK_SUFFIXES):
                yield (*rel, name)


def shipped_templates() -> Path:
    """The xlsx templates kaoping ships (package `kaoping.templates`: templates/xlsx/ in the
    repository, kaoping/templates/xlsx/ in an installed wheel)."""
    return Path(str(files("kaoping.templates") / "xlsx"))
