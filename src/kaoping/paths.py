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


_SURROGATES = re.compile(r"[\ud800-\udfff]")


def shown(text: str) -> str:
    """`text` (a path, or a message quoting one) safe to print and to store in a workbook: a
    file name that was not valid UTF-8 (a GBK zip extracted on Linux reaches Python with
    lone surrogates) shows its undecodable bytes escaped, 张三.xlsx in GBK as
    \\xd5\\xc5\\xc8\\xfd.xlsx. Every message and every writer goes through this."""
    if not _SURROGATES.search(text):
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that stands for no byte: its code point
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def require_file(path: Path | str, what: str) -> Path:
    """`path`, an input file the user named (花名册, 考勤表, 台账…), or a Chinese
    `KaopingError` that says what is wrong: missing, a folder, or no regular file."""
    from .errors import KaopingError

    path = Path(path)
    if path.is_dir():
        raise KaopingError(f"这是一个文件夹，不是{what}文件；请指定{what}文件本身（.xlsx）", file=str(path))
    if not path.exists():
        raise KaopingError(f"找不到{what}文件；请检查路径和文件名", file=str(path))
    if not path.is_file():
        raise KaopingError(f"这不是普通文件（设备、管道等），不能作为{what}；请指定{what}文件（.xlsx）",
                           file=str(path))
    return path


def safe_filename(name: str, *, fallback: str = "未命名", limit: int = MAX_NAME) -> str:
    """Make one path component safe: no separators, no '..', no reserved Windows names,
    no trailing dots or spaces, no control or zero-width characters."""
    text = unicodedata.normalize("NFKC", str(name))
    text = _BAD_CHARS.sub("_", text).strip().strip(".").strip()
    text = re.sub(r"\s+", " ", text)
    if not text or set(text) <= {"_", "."}:
        text = fallback
    if text.split(".")[0].strip().upper() in _RESERVED:  # Windows ignores "CON .xlsx"'s space
        text = "_" + text
    text = text[:limit]
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
    to convert them, and so are the entries that are no file to read (a pipe, a device, a
    broken link with a workbook's name; a folder that cannot be opened): the reader lists
    each (`entry_problem`) without opening it.

    The same entries, in the same order, as `sorted(folder.rglob("*"))` filtered by
    `is_ignored` and the suffix, non-folders and unopenable folders (pinned by tests): see
    `scan_workbook_names`.
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
        except (NotADirectoryError, FileNotFoundError):
            continue  # gone since it was listed
        except OSError:
            if rel:  # no permission, path too long: the reader names the folder
                yield rel
            continue
        for entry in entries:
            name = entry.name
            if name.startswith((".", "~$")):
                continue  # hidden or an Office lock file, folder or file (see is_ignored)
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, (*rel, name)))
                    continue
            except OSError:
                continue
            # Files, and anything else with a workbook's name (a pipe, a device, a broken
            # link): never opened here.
            if not name.endswith("~") and os.path.splitext(name)[1].lower() in WORKBOOK_SUFFIXES:
                yield (*rel, name)


def shipped_templates() -> Path:
    """The xlsx templates kaoping ships (package `kaoping.templates`: templates/xlsx/ in the
    repository, kaoping/templates/xlsx/ in an installed wheel)."""
    return Path(str(files("kaoping.templates") / "xlsx"))


def entry_problem(path: Path | str) -> tuple[bool, str] | None:
    """Why a listed entry is no file to read, from stat() alone (nothing is opened): (is an
    error, Chinese message), or None for a regular file (or one stat() cannot judge: the
    reader says why). A folder that cannot be opened is an error (its forms are not read);
    a pipe, a device or a broken link is not a form someone sent (a 提示)."""
    import errno
    import stat

    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            return False, "这是一个快捷方式（符号链接），指向的文件不存在，已跳过"
        return None
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            return True, ("路径过长（超过操作系统的限制），无法打开，其中的表格未读取；请把文件夹移到"
                          "路径较短的位置（如 D:\\考评），或缩短文件夹名后重试")
        return None
    except ValueError:
        return None
    if stat.S_ISDIR(st.st_mode):
        return True, ("无法打开这个文件夹（没有读取权限或路径过长），其中的表格未读取；请检查文件夹权限，"
                      "或把它移到路径较短的位置后重试")
    if not stat.S_ISREG(st.st_mode):
        return False, "这不是普通文件（管道、设备等），未打开，已跳过"
    return None
