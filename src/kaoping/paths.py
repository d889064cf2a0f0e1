"""File names that are safe on Windows, macOS and Linux, and scanning of input folders."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

_BAD_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*\u200b-\u200f\u2028-\u202e\ufeff]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}
MAX_NAME = 100  # characters; leaves room under the 255-byte limit for UTF-8 Chinese


def safe_filename(name: str, *, fallback: str = "未命名") -> str:
    """Make one path component safe: no separators, no '..', no reserved Windows names,
    no trailing dots or spaces, no control or zero-width characters."""
    text = unicodedata.normalize("NFKC", str(name))
    text = _BAD_CHARS.sub("_", text).strip().strip(".").strip()
    text = re.sub(r"\s+", " ", text)
    if not text or set(text) <= {"_", "."}:
        text = fallback
    if text.split(".")[0].upper() in _RESERVED:
        text = "_" + text
    return text[:MAX_NAME]


def is_ignored(path: Path) -> bool:
    """Office lock files (~$x.xlsx), hidden files and folders, and temp files are skipped."""
    return any(part.startswith((".", "~$")) for part in path.parts) or path.name.endswith("~")


WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".et", ".ods", ".csv", ".htm", ".html"}


def scan_workbooks(folder: Path) -> Iterator[Path]:
    """Every candidate workbook below `folder`, sorted, skipping ignored files.

    Other spreadsheet formats (.xls/.et/.ods/.xlsb) are yielded too so the reader can say how
    to convert them.
    """
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_file() and not is_ignored(rel) and path.suffix.lower() in WORKBOOK_SUFFIXES:
            yield path
