"""Checks run on every input workbook BEFORE any parser touches it.

People send forms by e-mail and chat: many files are broken, mislabelled or (rarely) hostile.
`preflight(path, limits)` sniffs the file by its magic bytes (never by its extension) and
raises `UnreadableWorkbookError` with a Chinese message that says what the file really is
and how to fix it. Everything is bounded:

- the file size is checked first (`max_file_bytes`);
- a zip is checked from its central directory before anything is inflated: member count,
  total declared uncompressed size (`max_uncompressed_bytes`), per-member compression ratio
  (`max_compression_ratio`), encrypted or exotic members, duplicate names;
- every XML/.rels/.vml part is then inflated by our own bounded inflation that never
  produces more than the member's declared size + 1 byte (a member that inflates to more
  than it declares is refused; the CRC is checked) — parts up to 1 MiB in one zlib call on
  the bytes in memory, bigger ones by a streaming loop, which also names the fault of any
  part the one call declines — and scanned for `<!DOCTYPE`/`<!ENTITY` (XML bombs and
  external entities are refused, never expanded);
- worksheets (found through workbook.xml's relationships, wherever they live in the zip) are
  scanned for the real extent of the cells that hold something (row/cell
  references, counted even when the `r` attributes are missing) and refused as soon as they
  pass `max_rows`/`max_columns`, so a 1,000,000-row sheet costs only the first few thousand
  rows of reading. `<dimension>` is recorded but not trusted either way: calamine ignores it,
  and Excel widens it for cells that are only formatted. All sheets together must also fit in
  2 × max_rows × max_columns cells and never more than 10 million, because calamine
  materialises each sheet densely (a register's 200,000 rows × 200 columns would be ~2 GB);
- the same pass records formulas that carry no cached value (calamine would read them as
  blank), exposed to readers through `kaoping.excel.book.Grid.uncached_formulas`.

`load_book` reads each file once (`read_workbook_bytes`) and hands the checked bytes to
calamine, so a file swapped between check and parse cannot slip through.

Decisions (documented in README "限制与退出码"): legacy .xls/.et and OpenDocument .ods are
NOT read even though calamine could: their records cannot be bounded before parsing (an
.ods row can say "repeat 1,048,000 times"), and the fix — 另存为 .xlsx — is one step.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import io
import operator
import os
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from xml.parsers import expat

from ..errors import UnreadableWorkbookError
from ..rules.settings import LimitSettings

# Fixed limits that need no setting (documented in README).
MAX_ZIP_MEMBERS = 10_000  # an .xlsx of kaoping forms has ~15–60 parts
RATIO_MIN_BYTES = 1 << 20  # the ratio rule applies to members declaring more than 1 MiB
MAX_TAG_BYTES = 1 << 20  # the streaming scan refuses one XML tag longer than this (bounded carry)
MAX_TOTAL_CELLS_FACTOR = 2  # all sheets together: at most 2 × max_rows × max_columns cells,
MAX_INDEX_BYTES = 8 << 20  # workbook.xml / its rels larger than this are not parsed into a tree
MAX_TOTAL_CELLS = 10_000_000  # and never more than this (~500 MB once calamine and Python hold it)
# Members declaring more than this together are not kept for `Inspection.checked_zip` (the
# parser then gets the file itself); also keeps the repacked zip far from zip64 sizes
# (names come from the file, so they add at most 2 × max_file_bytes).
MAX_KEPT_BYTES = 32 << 20
CHUNK = 64 * 1024
SNIFF_BYTES = 4096

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

SAVE_AS = "请在 Excel 或 WPS 中打开，点“文件 → 另存为”，保存类型选“Excel 工作簿(*.xlsx)”，再交回新文件"
RESEND = "请让填表人重新发送原文件（不要截图、不要转发压缩后的预览）"


def _fail(path: Path, what: str, fix: str | None = None) -> UnreadableWorkbookError:
    message = what if fix is None else f"{what}。{fix}。"
    return UnreadableWorkbookError(message, file=str(path))


# ------------------------------------------------------------------ result of inspection


@dataclass
class PartInfo:
    """What the streaming scan learned about one worksheet part."""

    max_row: int = 0  # extent of the cells that hold a value, inline string or formula
    max_col: int = 0
    declared: tuple[int, int] | None = None  # <dimension>'s last row and column (advisory)
    uncached_formulas: set[tuple[int, int]] = field(default_factory=set)


@dataclass
class Inspection:
    """Facts gathered by `inspect_workbook` (used by `load_book`)."""

    path: Path
    kind: str  # "xlsx"
    sheets: dict[str, PartInfo] = field(default_factory=dict)  # part name → info
    sheet_parts: dict[str, str] = field(default_factory=dict)  # sheet name → part name
    # Every member's checked bytes (inflated whole, size/CRC/DTD checked), in central-directory
    # order, when the directory was the plain kind read with struct and every member is an XML
    # part inflated whole; else None. A sheet the fast analysis accepted is kept with its
    # content cells only (`_content_only`), paired with a `_Repacked` member giving their CRC.
    # `checked_zip()` packs them for the parser.
    checked_parts: list | None = field(default=None, repr=False, compare=False)

    def checked_zip(self) -> bytes | None:
        """A STORED zip of exactly the checked members (same names; the same bytes and CRCs,
        but for sheets reduced to their content cells), or None when not every member was
        kept (the parser then gets the original bytes)."""
        parts = self.checked_parts
        return None if parts is None else _stored_zip(parts)


# ------------------------------------------------------------------ public API


def preflight(path: Path | str, limits: LimitSettings | None = None) -> None:
    """Raise `UnreadableWorkbookError` unless `path` is an .xlsx/.xlsm within `limits`.

    Safe to call on anything (a folder, a missing file, a PDF, a zip bomb): it never raises
    anything else for a bad file and never inflates more than the limits allow.
    """
    inspect_workbook(path, limits)


def inspect_workbook(path: Path | str, limits: LimitSettings | None = None, *,
                     data: bytes | None = None) -> Inspection:
    """`preflight`, returning what the scan found (sheet extents, uncached formulas).

    With `data` (the file's bytes from `read_workbook_bytes`), the checks run on exactly the
    bytes the parser will get, so a file replaced in between cannot slip past them."""
    path = path if isinstance(path, Path) else Path(path)
    limits = limits or LimitSettings()
    with _clear_errors(path):
        if data is None:
            data = read_workbook_bytes(path, limits)  # at most max_file_bytes
        return _inspect_bytes(path, data, limits)


def read_workbook_bytes(path: Path | str, limits: LimitSettings | None = None) -> bytes:
    """The whole file (at most `max_file_bytes`), read once through a read-only handle."""
    path = path if isinstance(path, Path) else Path(path)
    limits = limits or LimitSettings()
    with _clear_errors(path):
        size = _checked_size(path, limits)
        # size + 1: a file that grew since stat() reads as truncated and is refused as such;
        # never read(max_file_bytes), which would allocate that much for every file. Plain
        # os.read (no buffered file object): what `open(path, "rb").read(size + 1)` returns.
        fd = os.open(path, _READ_FLAGS)
        try:
            data = os.read(fd, size + 1)
            while len(data) <= size:
                more = os.read(fd, size + 1 - len(data))
                if not more:
                    break
                data += more
        finally:
            os.close(fd)
        _check_size(path, len(data), limits)
        return data


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


@contextlib.contextmanager
def _clear_errors(path: Path) -> Iterator[None]:
    """Every OS or zip error becomes an `UnreadableWorkbookError` with a Chinese message."""
    try:
        yield
    except UnreadableWorkbookError:
        raise
    except PermissionError:
        raise _fail(path, "没有读取该文件的权限",
                    "请检查文件权限（或文件是否正被其他程序独占打开），复制一份可读的副本后重试") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, struct.error):
        raise _fail(path, "文件已损坏，无法按 .xlsx 解压", RESEND) from None
    except NotImplementedError:  # zipfile: "zip file version 7.0" and other unsupported features
        raise _fail(path, "文件使用了 Excel 不使用的 zip 压缩格式或功能，无法按 .xlsx 读取", SAVE_AS) from None
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise _fail(path, "没有读取该文件的权限", "请检查文件权限后重试") from None
        raise _fail(path, f"无法读取文件（{exc.strerror or exc}）", RESEND) from None


# ------------------------------------------------------------------ sniffing


# What pathlib's exists()/is_dir()/is_file() take for "no such file" (they return False).
_MISSING_ERRNOS = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)
_MISSING_WINERRORS = (21, 123, 1921)


def _checked_size(path: Path, limits: LimitSettings) -> int:
    """The size of a regular file, from one stat() (a FIFO or device is never opened)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        if exc.errno in _MISSING_ERRNOS or getattr(exc, "winerror", None) in _MISSING_WINERRORS:
            raise _fail(path, "文件不存在") from None
        raise
    except ValueError:  # a name the OS cannot encode
        raise _fail(path, "文件不存在") from None
    if stat.S_ISDIR(st.st_mode):
        raise _fail(path, "这是一个文件夹，不是 Excel 文件")
    if not stat.S_ISREG(st.st_mode):
        raise _fail(path, "这不是普通文件（可能是设备或管道）")
    _check_size(path, st.st_size, limits)
    return st.st_size


def _check_size(path: Path, size: int, limits: LimitSettings) -> None:
    if size == 0:
        raise _fail(path, "文件是空的（0 字节），多半是保存或传输时出错", RESEND)
    if size > limits.max_file_bytes:
        raise _fail(path, f"文件过大（{_mb(size)}，上限 {_mb(limits.max_file_bytes)}），不像一份考评表",
                    "请确认发来的是考评表；如确实是，请删除其中的图片和多余工作表后另存")


def _inspect_bytes(path: Path, data: bytes, limits: LimitSettings) -> Inspection:
    _check_size(path, len(data), limits)
    head = data[:SNIFF_BYTES]
    if head.startswith(_OLE_MAGIC):
        _ole(path, data)
    if not head.startswith(_ZIP_MAGICS):
        _not_zip(path, head, len(data))
    return _zip(path, data, limits)


def _mb(n: int | float) -> str:
    return f"{n / (1 << 20):.1f} MB"


def _ole(path: Path, data: bytes) -> None:
    """An OLE2 compound file: encrypted OOXML, or legacy .xls/.et, or something else."""

    def has_stream(name: str) -> bool:
        return name.encode("utf-16-le") in data

    if has_stream("EncryptedPackage") or has_stream("EncryptionInfo"):
        raise _fail(path, "文件已设置打开密码，kaoping 无法读取",
                    "请去掉密码后另存为 .xlsx：在 Excel 中“文件 → 信息 → 保护工作簿 → 用密码进行加密”，"
                    "清空密码后保存（WPS：“文件 → 文档加密 → 密码加密”）")
    if has_stream("WordDocument"):
        raise _fail(path, "这是 Word 文档 (.doc)，不是 Excel 表格", "请用 kaoping 生成的 .xlsx 表格填写")
    if has_stream("PowerPoint Document"):
        raise _fail(path, "这是 PowerPoint 文件 (.ppt)，不是 Excel 表格", "请用 kaoping 生成的 .xlsx 表格填写")
    raise _fail(path, "这是旧版 Excel (.xls) / WPS (.et) 文件，kaoping 只读取 .xlsx",
                "请在 Excel/WPS 中“另存为” Excel 工作簿(.xlsx)：" + SAVE_AS.removeprefix("请"))


def _not_zip(path: Path, head: bytes, size: int) -> None:
    """Not a zip at all: name what it is when we can."""
    if head.startswith(b"%PDF"):
        raise _fail(path, "这是 PDF 文件，不是 Excel 表格", "请交回可编辑的 .xlsx 表格")
    bmp = head.startswith(b"BM") and len(head) >= 6 and int.from_bytes(head[2:6], "little") == size
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")) or bmp or head[8:12] == b"WEBP":
        raise _fail(path, "这是图片（照片或截图），不是 Excel 表格", "请交回可编辑的 .xlsx 表格")
    if head.startswith((b"Rar!", b"7z\xbc\xaf")):
        raise _fail(path, "这是压缩包 (RAR/7z)，不是 Excel 表格", "请解压后把其中的 .xlsx 文件放进文件夹")
    if head.startswith(b"{\\rtf"):
        raise _fail(path, "这是 RTF 文档，不是 Excel 表格", "请交回 .xlsx 表格")
    text = _decode(head)
    suffix = path.suffix.lower()
    if text is not None and suffix in (".csv", ".txt"):
        raise _fail(path, f"这是 CSV/文本文件（{suffix}），kaoping 只读取 .xlsx", SAVE_AS)
    if text is not None and suffix in (".htm", ".html"):
        raise _fail(path, f"这是网页文件（{suffix}），kaoping 只读取 .xlsx", SAVE_AS)
    if text is not None:
        probe = text.lstrip("\ufeff \t\r\n").lower()
        if probe.startswith("<"):
            if "urn:schemas-microsoft-com:office:spreadsheet" in probe or "<workbook" in probe:
                raise _fail(path, "这是“XML 电子表格 2003”格式的文件，只是扩展名被改成了 .xlsx", SAVE_AS)
            if "<html" in probe or "<table" in probe or "<!doctype html" in probe or "<meta" in probe:
                raise _fail(path, "这是网页 (HTML) 文件，只是扩展名被改成了 .xlsx（常见于从网页或系统“导出”）",
                            SAVE_AS)
            raise _fail(path, "这是 XML/文本文件，只是扩展名被改成了 .xlsx", SAVE_AS)
        if "," in probe or "\t" in probe:
            raise _fail(path, "这是 CSV/文本表格文件，只是扩展名被改成了 .xlsx", SAVE_AS)
        raise _fail(path, "这是纯文本文件，不是 Excel 表格", SAVE_AS)
    raise _fail(path, "不是 Excel 工作簿（既不是 .xlsx 也不是其他可识别的格式），文件可能已损坏", RESEND)


def _decode(head: bytes) -> str | None:
    """The first bytes as text when they look like text (UTF-8/16, GB18030), else None."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return head.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in head:
        return None
    for enc in ("utf-8", "gb18030"):
        try:
            text = head.decode(enc)
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # a multibyte character cut at the end of the sniff
                text = head[: exc.start].decode(enc, errors="ignore")
            else:
                continue
        control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
        return text if control <= len(text) // 100 else None
    return None


# ------------------------------------------------------------------ zip checks


def _eocd_entries(path: Path, data: bytes) -> int:
    """The member count from the end-of-central-directory record, read before zipfile does."""
    size = len(data)
    tail_start = size - min(size, 22 + 65535 + 20 + 56)
    at = data.rfind(b"PK\x05\x06", tail_start)
    if at < 0 or size - at < 22:
        raise _fail(path, "文件不完整（zip 结尾缺失），多半是下载或传输中断", RESEND)
    total = struct.unpack_from("<H", data, at + 10)[0]
    if total == 0xFFFF:
        z64 = data.rfind(b"PK\x06\x06", tail_start)
        if z64 < 0 or size - z64 < 40:
            raise _fail(path, "文件不完整（zip64 目录缺失）", RESEND)
        total = struct.unpack_from("<Q", data, z64 + 32)[0]
    return total


class _Member:
    """One central-directory entry: the fields of `zipfile.ZipInfo` this module reads."""

    __slots__ = ("filename", "orig_filename", "flag_bits", "compress_type", "compress_size",
                 "file_size", "CRC", "header_offset", "raw_name")

    def __init__(self, filename: str, orig_filename: str, flag_bits: int, compress_type: int,
                 compress_size: int, file_size: int, crc: int, header_offset: int,
                 raw_name: bytes = b"") -> None:
        self.filename = filename
        self.orig_filename = orig_filename
        self.flag_bits = flag_bits
        self.compress_type = compress_type
        self.compress_size = compress_size
        self.file_size = file_size
        self.CRC = crc
        self.header_offset = header_offset
        self.raw_name = raw_name  # the name's bytes as the central directory holds them


_EOCD = struct.Struct("<4s4H2LH")
_CDIR = struct.Struct("<4s4B4HL2L5H2L")  # a central-directory file header (46 bytes)
_LOCAL_LENGTHS = struct.Struct("<HH")  # name and extra lengths, at offset 26 of a local header


def _central_directory(data: bytes) -> list[_Member] | None:
    """The members exactly as `zipfile.ZipFile(...).infolist()` lists them, read with `struct`
    for the plain zips Excel, WPS, openpyxl and LibreOffice write (no archive comment, no
    zip64, nothing prepended, no zip64 extra fields). None for anything else: zipfile then
    reads the directory (and raises what it raises)."""
    size = len(data)
    end = size - 22
    if end < 42 or data[end:end + 4] != b"PK\x05\x06" or data[-2:] != b"\x00\x00":
        return None  # a comment (or no record) at the very end: zipfile searches for it
    if data[end - 20:end - 16] == b"PK\x06\x07":
        return None  # a zip64 locator: zipfile reads the zip64 record
    size_cd, offset_cd = _EOCD.unpack_from(data, end)[5:7]
    if offset_cd + size_cd != end:
        return None  # data prepended ("concat") or a damaged directory
    members: list[_Member] = []
    pos = offset_cd
    while pos < end:
        if pos + 46 > end:
            return None  # zipfile: "Truncated central directory"
        (sig, _cv, _cs, extract_version, _es, flags, method, _t, _d, crc, csize, usize,
         name_len, extra_len, comment_len, _disk, _ia, _ea, offset) = _CDIR.unpack_from(data, pos)
        name_end = pos + 46 + name_len
        extra_end = name_end + extra_len
        nxt = extra_end + comment_len
        if sig != b"PK\x01\x02" or extract_version > 63 or nxt > end:
            return None
        raw = data[pos + 46:name_end]
        if b"\x00" in raw:
            return None  # zipfile cuts the name at the NUL
        if raw.isascii():  # ASCII reads the same in UTF-8 and cp437, and decodes in C
            name = raw.decode("ascii")
        else:
            try:
                name = raw.decode("utf-8" if flags & 0x800 else "cp437")
            except UnicodeDecodeError:
                return None
        if extra_len:
            extra = data[name_end:extra_end]
            while len(extra) >= 4:
                tp, ln = _LOCAL_LENGTHS.unpack_from(extra)
                if ln + 4 > len(extra) or tp == 0x0001:
                    return None  # corrupt extra field, or zip64 sizes: zipfile decides
                extra = extra[ln + 4:]
        filename = name.replace(os.sep, "/") if os.sep != "/" else name
        members.append(_Member(filename, name, flags, method, csize, usize, crc, offset, raw))
        pos = nxt
    return members


def _zip(path: Path, data: bytes, limits: LimitSettings) -> Inspection:
    entries = _eocd_entries(path, data)
    if entries > MAX_ZIP_MEMBERS:
        raise _fail(path, f"压缩包内文件数过多（{entries} 个，上限 {MAX_ZIP_MEMBERS}），疑似恶意文件，已拒绝读取")
    infos = _central_directory(data)
    plain = infos is not None
    if infos is None:
        try:
            infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
        except zipfile.BadZipFile:
            raise _fail(path, "文件不完整或已损坏（不是有效的 .xlsx 压缩包）", RESEND) from None
    names = [i.filename for i in infos]
    # Part names are case-insensitive (OPC) and some zip readers take '\\' for '/': two names
    # that differ only so would let a parser read a part this scan did not check.
    normed = [n.replace("\\", "/").lstrip("/").lower() for n in names]  # _norm_part
    if len(set(normed)) != len(names):
        raise _fail(path, "压缩包内有重名的部件，疑似被篡改的文件，已拒绝读取", RESEND)
    by_name = dict(zip(names, infos))
    _classify_zip(path, data, by_name)

    declared = sum(i.file_size for i in infos)
    if declared > limits.max_uncompressed_bytes:
        raise _fail(path, f"解压后总大小 {_mb(declared)} 超过上限 {_mb(limits.max_uncompressed_bytes)}，"
                          "疑似“压缩炸弹”，已拒绝读取（未解压任何内容）")
    for i in infos:
        if i.flag_bits & 0x1:
            raise _fail(path, f"压缩包部件 {i.filename} 已加密，无法读取", "请去掉密码后另存为 .xlsx")
        if i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _fail(path, f"压缩包部件 {i.filename} 使用了 Excel 不使用的压缩方式，文件可能已被篡改", SAVE_AS)
        if i.file_size > RATIO_MIN_BYTES:
            ratio = i.file_size / max(i.compress_size, 1)
            if ratio > limits.max_compression_ratio:
                raise _fail(path, f"部件 {i.filename} 压缩比 {ratio:.0f}:1 超过上限 "
                                  f"{limits.max_compression_ratio:.0f}:1，疑似“压缩炸弹”，已拒绝读取（未解压任何内容）")

    insp = Inspection(path=path, kind="xlsx")
    # Each part small enough is inflated in one call, once: workbook.xml and its rels are
    # read for the sheet map and then scanned from the same bytes.
    cache: dict[object, bytes] = {}
    # The checked bytes of each member, kept for `Inspection.checked_zip` (plain zips whose
    # members declare at most MAX_KEPT_BYTES together: memory stays bounded as before).
    keep: dict[object, bytes] | None = {} if plain and declared <= MAX_KEPT_BYTES else None
    slimmed: dict[object, _Repacked] = {}  # sheets kept with their content cells only
    # Worksheets are wherever workbook.xml's relationships point (calamine follows them), not
    # only under xl/worksheets/. When those parts cannot be parsed, every XML part gets the
    # full worksheet scan, so no sheet escapes the limits.
    sheet_map = _sheet_map(path, data, by_name, cache)
    if sheet_map is None:
        sheet_parts = {n for n in normed if n.endswith(".xml")}
    else:
        sheet_parts = {_norm_part(n) for n in sheet_map.values()} | {
            n for n in normed if n.startswith("xl/worksheets/") and "/_rels/" not in n
        }
    for info, norm in zip(infos, normed):
        if norm in sheet_parts:
            insp.sheets[info.filename] = (_scan_sheet_fast(path, data, info, limits, cache, keep,
                                                           slimmed)
                                          or _scan_sheet(path, data, info, limits))
        elif norm.endswith((".xml", ".rels", ".vml")):
            _scan_xml(path, data, info, cache, keep)
        else:
            keep = None  # a member left unchecked (image, printer settings): not repacked
    # calamine materialises each sheet densely from A1 to its last cell: bound the sum too,
    # or 5,000 tiny sheets each with one cell at GR5000 would need billions of cells.
    budget = min(MAX_TOTAL_CELLS_FACTOR * limits.max_rows * limits.max_columns, MAX_TOTAL_CELLS)
    total = sum(p.max_row * p.max_col for p in insp.sheets.values())
    if total > budget:
        raise _fail(path, f"各工作表的数据范围合计 {total:,} 个单元格，超过上限 {budget:,}，"
                          "已拒绝读取（不像一份考评表）", "请删除多余的工作表、行和列后另存为 .xlsx")
    insp.sheet_parts = sheet_map or {}
    if keep is not None and len(keep) == len(infos):
        insp.checked_parts = [(slimmed.get(i, i), keep[i]) for i in infos]
    return insp


_LOCAL_HEADER = struct.Struct("<4s5H3L2H").pack  # 30 bytes, then the name
_CENTRAL_HEADER = struct.Struct("<4s6H3L5H2L").pack  # 46 bytes, then the name
_END_RECORD = struct.Struct("<4s4H2LH").pack  # 22 bytes


def _stored_zip(parts: list) -> bytes:
    """A zip holding `parts` ((member, bytes) pairs) STORED, in the given order: each
    member's name bytes and UTF-8 flag as in the original directory, its CRC (checked
    against these bytes during inspection, or computed from them for a `_Repacked` sheet),
    no extra fields, no comments, no data
    descriptors, version 2.0, DOS date 1980-01-01."""
    local: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for info, body in parts:
        name = info.raw_name
        flags = info.flag_bits & 0x800
        n = len(body)
        k = len(name)
        local += (_LOCAL_HEADER(b"PK\x03\x04", 20, flags, 0, 0, 0x21, info.CRC, n, n, k, 0),
                  name, body)
        central += (_CENTRAL_HEADER(b"PK\x01\x02", 20, 20, flags, 0, 0, 0x21, info.CRC, n, n, k,
                                    0, 0, 0, 0, 0, offset), name)
        offset += 30 + k + n
    directory = b"".join(central)
    local += (directory, _END_RECORD(b"PK\x05\x06", 0, 0, len(parts), len(parts),
                                     len(directory), offset, 0))
    return b"".join(local)


def _classify_zip(path: Path, data: bytes, members: dict) -> None:
    """A zip that is not an .xlsx: say what it is."""
    if "xl/workbook.xml" in members:
        return
    if "mimetype" in members:
        mime = b""
        if members["mimetype"].file_size <= 200:
            mime = zipfile.ZipFile(io.BytesIO(data)).read("mimetype")
        if b"opendocument.spreadsheet" in mime:
            raise _fail(path, "这是 OpenDocument 表格 (.ods) 文件，kaoping 只读取 .xlsx",
                        "请在 WPS 或 LibreOffice 中“另存为” Excel 工作簿(.xlsx)")
        if b"opendocument" in mime:
            raise _fail(path, "这是 OpenDocument 文档，不是表格", "请用 kaoping 生成的 .xlsx 表格填写")
    if "xl/workbook.bin" in members:
        raise _fail(path, "这是 Excel 二进制工作簿 (.xlsb)，kaoping 只读取 .xlsx", SAVE_AS)
    if "word/document.xml" in members:
        raise _fail(path, "这是 Word 文档 (.docx)，不是 Excel 表格", "请用 kaoping 生成的 .xlsx 表格填写")
    if "ppt/presentation.xml" in members:
        raise _fail(path, "这是 PowerPoint 文件 (.pptx)，不是 Excel 表格", "请用 kaoping 生成的 .xlsx 表格填写")
    if any(n.lower().endswith((".xlsx", ".xls", ".xlsm", ".et")) for n in members):
        raise _fail(path, "这是一个 zip 压缩包（里面装着表格文件），不是表格本身",
                    "请解压后把其中的 .xlsx 文件放进文件夹")
    raise _fail(path, "是 zip 压缩包但缺少 xl/workbook.xml，不是 Excel 工作簿（或已损坏）", RESEND)


def _norm_part(name: str) -> str:
    """A part name as a lenient zip reader would look it up."""
    return name.replace("\\", "/").lstrip("/").lower()


_WORKBOOK = "xl/workbook.xml"
_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"


def _sheet_map(path: Path, data: bytes, members: dict, cache: dict) -> dict[str, str] | None:
    """Sheet name → worksheet part, from workbook.xml and its rels. None when they are
    missing, too big, damaged (where `zipfile` would fail to read them) or cannot be parsed."""
    if _WORKBOOK_RELS not in members or _WORKBOOK not in members:
        return None
    wb_info, rels_info = members[_WORKBOOK], members[_WORKBOOK_RELS]
    if max(wb_info.file_size, rels_info.file_size) > MAX_INDEX_BYTES:
        return None  # not parsed into a tree (memory); the caller then scans every part
    wb = _peek(data, wb_info)
    rels = _peek(data, rels_info)
    if wb is None or rels is None:
        return None
    cache[wb_info] = wb
    cache[rels_info] = rels
    return _sheet_map_from(wb, rels)


# Forms generated from one template share workbook.xml and its rels byte for byte: the map
# of bytes already read is remembered (keyed by the exact bytes, a pure function; bounded).
_SHEET_MAP_MEMO: dict[tuple[bytes, bytes], dict[str, str] | None] = {}
_SHEET_MAP_MEMO_SIZE = 64


def _sheet_map_from(wb: bytes, rels: bytes) -> dict[str, str] | None:
    """`_sheet_map` of the two parts' bytes: the strict regex reading when both are in the
    plain form spreadsheet writers produce, else the defusedxml parse (same answer)."""
    key = (wb, rels)
    if key in _SHEET_MAP_MEMO:
        found = _SHEET_MAP_MEMO[key]
        return None if found is None else dict(found)
    pairs = _sheet_pairs_plain(wb, rels)
    if pairs is None:
        pairs = _sheet_pairs_defused(wb, rels)
    found = None if pairs is None else _resolve_sheets(*pairs)
    if len(_SHEET_MAP_MEMO) >= _SHEET_MAP_MEMO_SIZE:
        _SHEET_MAP_MEMO.clear()
    _SHEET_MAP_MEMO[key] = found
    return None if found is None else dict(found)


def _sheet_pairs_defused(wb_bytes: bytes, rels_bytes: bytes
                         ) -> tuple[list[tuple[str | None, str | None]], list[tuple[str | None, str | None]]] | None:
    """(relationships as (Id, Target), sheets as (name, relationship id)) parsed with
    defusedxml (no DTDs, no entities); None when either part cannot be parsed."""
    from defusedxml import ElementTree as DET

    try:
        wb = DET.fromstring(wb_bytes)
        rels = DET.fromstring(rels_bytes)
    except Exception:  # ParseError, DTDForbidden…: the caller scans every part as a sheet
        return None
    rel_pairs = [(rel.get("Id"), rel.get("Target")) for rel in rels]
    sheet_pairs = []
    for el in wb.iter():
        if el.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
        sheet_pairs.append((el.get("name"), rid))
    return rel_pairs, sheet_pairs


# The plain form: UTF-8, no DTD/comment/CDATA (no "<!"), no processing instruction but the
# XML declaration, no character or entity reference (no "&"), well-formed (expat says so,
# with namespaces, and without any handler: nothing is expanded); the rels part is exactly a
# <Relationships> root holding <Relationship …/> children with plain attributes, and every
# <sheet> tag of workbook.xml is unprefixed with double-quoted attributes holding no tab or
# line break (a parser would turn those into spaces). In such documents every '<' starts a
# tag, so those tags read with regexes give what a parser gives.
_XML_DECL = re.compile(rb"""<\?xml version=["']1\.0["'](?: encoding=["'](?i:utf-?8)["'])?"""
                       rb"""(?: standalone=["'](?:yes|no)["'])?[ \t\r\n]*\?>""")
_RELS_PLAIN = re.compile(r"""[ \t\r\n]*<Relationships(?: xmlns="[^"]*")?[ \t\r\n]*>"""
                         r"""(?:[ \t\r\n]*<Relationship(?: [A-Za-z]+="[^"\t\n\r]*")*[ \t\r\n]*/>)*"""
                         r"""[ \t\r\n]*</Relationships>[ \t\r\n]*""")
_REL_TAG = re.compile(r"""<Relationship((?: [A-Za-z]+="[^"]*")*)[ \t\r\n]*/>""")
_SHEET_TAG = re.compile(r"""<sheet((?: [^\s="'<>/]+="[^"\t\n\r]*")*)[ \t\r\n]*/?>""")
_SHEET_START = re.compile(r"<sheet[\s/>]")
_DQ_ATTR = re.compile(r' ([^\s="\'<>/]+)="([^"]*)"')


def _plain_xml(doc: bytes) -> str | None:
    """`doc` decoded, without its XML declaration, when it is in the plain form, else None."""
    if b"<!" in doc or b"&" in doc:
        return None
    body = doc
    if doc.startswith(b"<?"):
        decl = _XML_DECL.match(doc)
        if decl is None:
            return None
        body = doc[decl.end():]
    if b"<?" in body:
        return None
    try:
        expat.ParserCreate(None, "}").Parse(doc, True)
        return body.decode("utf-8")
    except Exception:  # ExpatError (not well-formed, unbound prefix, bad UTF-8…)
        return None


def _sheet_pairs_plain(wb_bytes: bytes, rels_bytes: bytes
                       ) -> tuple[list[tuple[str | None, str | None]], list[tuple[str | None, str | None]]] | None:
    """What `_sheet_pairs_defused` returns, read with regexes from plain documents; None
    (use the parser) for anything else."""
    if b":sheet" in wb_bytes:
        return None  # a prefixed <x:sheet>, perhaps
    rels = _plain_xml(rels_bytes)
    if rels is None or not _RELS_PLAIN.fullmatch(rels):
        return None
    wb = _plain_xml(wb_bytes)
    if wb is None:
        return None
    rel_pairs: list[tuple[str | None, str | None]] = []
    for raw in _REL_TAG.findall(rels):
        attrs = dict(_DQ_ATTR.findall(raw))  # no duplicates: expat refuses them
        rel_pairs.append((attrs.get("Id"), attrs.get("Target")))
    tags = _SHEET_TAG.findall(wb)
    if len(tags) != len(_SHEET_START.findall(wb)):
        return None
    sheet_pairs: list[tuple[str | None, str | None]] = []
    for raw in tags:
        name = rid = None
        for key, value in _DQ_ATTR.findall(raw):
            if key == "name":
                name = value
            elif rid is None and key.rpartition(":")[2] == "id" and key != "xmlns:id":
                rid = value  # (xmlns:id declares a namespace, it is not an attribute)
        sheet_pairs.append((name, rid))
    return rel_pairs, sheet_pairs


def _resolve_sheets(rel_pairs, sheet_pairs) -> dict[str, str]:
    targets: dict[str, str] = {}
    for rid, target in rel_pairs:
        if not rid or not target:
            continue
        # (the segments are normalised below as PurePosixPath("xl") / target would, and more)
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        parts: list[str] = []
        for seg in part.split("/"):
            if seg == "..":
                if parts:
                    parts.pop()
            elif seg not in ("", "."):
                parts.append(seg)
        targets[rid] = "/".join(parts)
    out: dict[str, str] = {}
    for name, rid in sheet_pairs:
        if name and rid in targets:
            out[name] = targets[rid]
    return out


# ------------------------------------------------------------------ bounded inflation


def _member_start(path: Path, data: bytes, info) -> int:
    """Where the member's compressed bytes start (after its local header)."""
    if info.header_offset < 0:  # a damaged central directory (zipfile computes it from that)
        raise _fail(path, f"文件已损坏（部件 {info.filename} 的头部缺失）", RESEND)
    header = data[info.header_offset:info.header_offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise _fail(path, f"文件已损坏（部件 {info.filename} 的头部缺失）", RESEND)
    name_len, extra_len = _LOCAL_LENGTHS.unpack_from(header, 26)
    return info.header_offset + 30 + name_len + extra_len


def _member_chunks(path: Path, data: bytes, info) -> Iterator[bytes]:
    """Inflate one member ourselves, chunk by chunk, never producing more than it declares.

    A member that inflates beyond its declared size (a lying central directory) is refused;
    the CRC is checked at the end, so a corrupt member is reported as such. Used for
    members too big to hold whole, and to name the fault of one `_inflate_whole` declined.
    """
    pos = _member_start(path, data, info)
    view = memoryview(data)
    left_in = info.compress_size
    left_out = info.file_size
    crc = 0
    bomb = (f"部件 {info.filename} 实际解压后大于其声明的大小，疑似“压缩炸弹”或被篡改，已拒绝读取")
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise _fail(path, f"文件已损坏（部件 {info.filename} 大小不一致）", RESEND)
        while left_in > 0:
            raw = data[pos:pos + min(CHUNK, left_in)]
            if not raw:
                raise _fail(path, f"文件不完整（部件 {info.filename} 被截断），多半是下载或传输中断", RESEND)
            pos += len(raw)
            left_in -= len(raw)
            crc = zlib.crc32(raw, crc)
            yield raw
        left_out = 0
    else:
        inflater = zlib.decompressobj(-15)
        while not inflater.eof:
            chunk = inflater.unconsumed_tail
            if not chunk:
                if left_in <= 0:
                    raise _fail(path, f"文件已损坏（部件 {info.filename} 的压缩数据不完整）", RESEND)
                chunk = view[pos:pos + min(CHUNK, left_in)]
                if not chunk:
                    raise _fail(path, f"文件不完整（部件 {info.filename} 被截断），多半是下载或传输中断", RESEND)
                pos += len(chunk)
                left_in -= len(chunk)
            # At most left_out + 1 bytes: one byte more than declared proves the lie.
            out = inflater.decompress(chunk, min(CHUNK, left_out + 1))
            if len(out) > left_out:
                raise _fail(path, bomb)
            left_out -= len(out)
            crc = zlib.crc32(out, crc)
            if out:
                yield out
    if left_out != 0 or crc != info.CRC:
        raise _fail(path, f"文件已损坏（部件 {info.filename} 校验失败）", RESEND)


# Forms from one template (and files saved by one Excel/WPS version) share most non-sheet
# parts byte for byte (theme, styles, docProps/app.xml, rels, [Content_Types].xml): their
# inflation is remembered, keyed by the member's exact compressed bytes, method, sizes and
# CRC (the inflation and its checks are a pure function of these). Only successes are kept;
# bounded in entries and entry size (at most 64 × 2 × 128 KiB).
_INFLATE_MEMO: dict[tuple, bytes] = {}
_INFLATE_MEMO_SIZE = 64
_INFLATE_MEMO_MAX_BYTES = 128 << 10


def _inflate_whole(data: bytes, info, memo: bool = False) -> bytes | None:
    """The member inflated in one call, bounded the same way as `_member_chunks` (never more
    than declared + 1 bytes), or None when anything is wrong with it: a bad local header, a
    stream that inflates past its declared size, ends early, is corrupt or fails its CRC.
    Never raises; `_member_chunks` then names the fault. `memo`: look the member up in (and
    add it to) `_INFLATE_MEMO` (parts likely shared between files, not worksheets)."""
    offset = info.header_offset
    if offset < 0 or offset + 30 > len(data) or not data.startswith(b"PK\x03\x04", offset):
        return None
    name_len, extra_len = _LOCAL_LENGTHS.unpack_from(data, offset + 26)
    start = offset + 30 + name_len + extra_len
    size = info.file_size
    if memo and size <= _INFLATE_MEMO_MAX_BYTES and info.compress_size <= _INFLATE_MEMO_MAX_BYTES:
        key = (data[start:start + info.compress_size], info.compress_type, info.compress_size,
               size, info.CRC)
        out = _INFLATE_MEMO.get(key)
        if out is None:
            out = _inflate_at(data, info, start)
            if out is not None:
                if len(_INFLATE_MEMO) >= _INFLATE_MEMO_SIZE:
                    _INFLATE_MEMO.clear()
                _INFLATE_MEMO[key] = out
        return out
    return _inflate_at(data, info, start)


def _inflate_at(data: bytes, info, start: int) -> bytes | None:
    """`_inflate_whole` of the member whose data start at `start`."""
    size = info.file_size
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != size:
            return None
        out = data[start:start + size]
        if len(out) != size:
            return None
    else:
        inflater = zlib.decompressobj(-15)
        try:
            # max_length size + 1: one byte more than declared proves the lie, and bounds memory.
            out = inflater.decompress(memoryview(data)[start:start + info.compress_size], size + 1)
        except zlib.error:
            return None
        if not inflater.eof or len(out) != size:
            return None
    if zlib.crc32(out) != info.CRC:
        return None
    return out


def _peek(data: bytes, info) -> bytes | None:
    """The member's bytes when `zipfile` would read them too (local header names the same
    part, no unsupported flags, stream sound), else None. Never raises."""
    offset = info.header_offset
    if offset < 0 or offset + 30 > len(data) or info.flag_bits & 0x61:
        return None
    flags = _LOCAL_LENGTHS.unpack_from(data, offset + 6)[0]
    name_len = _LOCAL_LENGTHS.unpack_from(data, offset + 26)[0]
    raw = data[offset + 30:offset + 30 + name_len]
    try:
        local_name = raw.decode("ascii" if raw.isascii() else "utf-8" if flags & 0x800 else "cp437")
    except UnicodeDecodeError:
        return None
    if local_name != getattr(info, "orig_filename", info.filename):
        return None
    return _inflate_whole(data, info, memo=True)


def _read_part(path: Path, data: bytes, info, cache: dict | None = None, dtd: bool = True,
               keep: dict | None = None, memo: bool = False) -> bytes:
    """A member of at most FAST_MAX_BYTES inflated whole and checked (size, CRC, no DTD).

    A member `_inflate_whole` declines is streamed through `_member_chunks` with the DTD
    test on each chunk, exactly as before, so the refusal and its message are the same."""
    out = cache.pop(info, None) if cache else None
    if out is None:
        out = _inflate_whole(data, info, memo)
    if out is None:
        _scan_xml_stream(path, data, info)  # raises what the streaming scan finds
        raise _fail(path, f"文件已损坏（部件 {info.filename} 校验失败）", RESEND)  # not reached
    if dtd and _DTD.search(out):
        raise _hostile(path, info.filename)
    if keep is not None:
        keep[info] = out
    return out


_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def _scan_xml(path: Path, data: bytes, info, cache: dict | None = None,
              keep: dict | None = None) -> None:
    """Refuse any XML part with a DTD or entity declaration (billion laughs, XXE)."""
    if info.file_size <= FAST_MAX_BYTES:
        _read_part(path, data, info, cache, keep=keep, memo=True)
    else:
        _scan_xml_stream(path, data, info)


def _scan_xml_stream(path: Path, data: bytes, info) -> None:
    carry = b""
    for chunk in _member_chunks(path, data, info):
        buf = carry + chunk
        if _DTD.search(buf):
            raise _hostile(path, info.filename)
        carry = buf[-16:]


def _hostile(path: Path, part: str) -> UnreadableWorkbookError:
    return _fail(path, f"部件 {part} 含有 DTD/实体声明（<!DOCTYPE/<!ENTITY），正常的 Excel 文件不会有；"
                       "疑似“XML 炸弹”或外部实体攻击，已拒绝读取（未展开任何实体）",
                 "请让填表人在 Excel/WPS 中重新另存为 .xlsx")


# One regex over the tags a worksheet scan needs: row, c (cell), f (formula), v (value), is
# (inline string), dimension. Self-closing cells (<c r="Z9" s="3"/>: formatted, holding
# nothing) are deliberately NOT matched, so the regex engine skips them at C speed — a sheet
# with a million formatted-empty rows is scanned in a second or two, not in Python per cell.
_ATTRS = rb"""((?:[^>"']|"[^"]*"|'[^']*')*)"""
_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
_TAG = re.compile(
    rb"<(/?)" + _PREFIX + rb"(?:(c)(?=[\s/>])" + _ATTRS + rb"(?<!/)>"
    rb"|(row|f|v|is|dimension)(?=[\s/>])" + _ATTRS + rb">)"
)
_C_START = re.compile(rb"<" + _PREFIX + rb"c[\s/]")
_ATTR_R = re.compile(rb"""\sr\s*=\s*["']([^"']*)["']""")
_ATTR_T = re.compile(rb"""\st\s*=\s*["']([^"']*)["']""")
_ATTR_REF = re.compile(rb"""\sref\s*=\s*["']([^"']*)["']""")
_CELL_REF = re.compile(rb"^\$?([A-Za-z]{1,3})?\$?(\d{1,7})?$")


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


@functools.lru_cache(maxsize=4096)
def _col_number_reversed(letters: bytes) -> int:
    return _col_number(letters[::-1])


def _skipped_cells(buf: bytes, start: int, end: int) -> tuple[int, bytes | None]:
    """Self-closing cells in buf[start:end] (skipped by `_TAG`): walking back from the end,
    how many come after the last one that has an `r`, and that `r` (None when none has)."""
    count = 0
    at = end
    while True:
        close = buf.rfind(b"/>", start, at)
        if close < 0:
            return count, None
        lt = buf.rfind(b"<", start, close)
        if lt < 0:
            return count, None
        at = lt
        if not _C_START.match(buf, lt):
            continue
        r_attr = _ATTR_R.search(buf, lt, close)
        if r_attr:
            return count, r_attr.group(1).strip()
        count += 1


# Fast path for the sheets Excel, WPS and openpyxl write. Only the cells that hold something
# count, so only they are looked at: each must be exactly `<c r="B7" a="…"…><v>…</v></c>` or
# `…><is><t>…</t></is></c>` (a full reference, double-quoted plain attributes, preceded by
# '>'), and every value or inline-string tag of the part must belong to one such cell.
# Formatted-only cells (most of a form) are not matched at all. The cells are found by
# regexes run over the REVERSED sheet, where each starts with the literal `>c/<>v/<` or
# `>c/<>si/<` that the regex engine skips to at C speed. With no formula anywhere, the full
# scan then records exactly these cells (a cell's `<c` opening resets its state, and the
# preceding '>' plus the attribute form keep any earlier tag from swallowing this one).
# Anything else (formulas, prefixes, odd markup, a sheet past the limits so the error names
# the first cell over them) returns None and gets the full scan.
FAST_MAX_BYTES = 16 << 20  # parts up to this size are inflated whole (bounded, CRC-checked);
# 16 MiB takes in the sheet of a 5,000-row 花名册 (4.6 MB: full scan 0.48 s, fast 0.08 s)
# A content cell, reversed: `</c>`, then `</v>…<v>` or `</is></t>…<t…><is>`, then the cell
# tag's `>` and its attributes (single-spaced, double-quoted, values without quotes or angle
# brackets; the loop stops before the first one, `r`), then `r="B7"` and `<c`, which must
# follow a '>'. Groups: its row and its column (reversed); _CONTENT_CELL_REV_WHOLE also
# gives the whole cell first, for `_content_only`.
_CONTENT_CELL_REV_TEXT = (
    rb">c/<>(?:v/<[^<]*>v<|si/<>t/<[^<]*>(?:\"evreserp\"=ecaps:lmx )?t<>si<)>"
    rb'(?:"[^"\'<>]*+"=[A-Za-z]++ (?!c<))*+"([0-9]{0,6}[1-9])([A-Z]{1,3})"=r c<')
_CONTENT_CELL_REV = re.compile(_CONTENT_CELL_REV_TEXT + rb"(?=>)")
_CONTENT_CELL_REV_WHOLE = re.compile(rb"(" + _CONTENT_CELL_REV_TEXT + rb")(?=>)")
# Sheets up to this size are handed to calamine with their content cells only (a form's are
# ~2–10 KB); a register's sheet (a 5,000-row 花名册: 4.6 MB) is not: its cells' texts would
# all be held at once (~9 MB more at the peak) for a gain calamine makes once per command.
SLIM_MAX_BYTES = 1 << 20
_MARKS = re.compile(rb"<(?:v|is|f[\s/>]|!|dimension[\s/>])")
_PREFIXED_CONTENT = re.compile(rb"<[A-Za-z_][\w.-]*:(?:f|v|is|dimension)[\s/>]")
_DIMENSION = re.compile(rb"<" + _PREFIX + rb"dimension(?=[\s/>])" + _ATTRS + rb">")


_PREFIXED_HINT = re.compile(rb":(?:f|v|is|dimension)[\s/>]")  # in every _PREFIXED_CONTENT match
_DIMENSION_WORD = re.compile(rb"dimension")
_REVERSED = operator.itemgetter(slice(None, None, -1))


def _dimension_tags(data: bytes) -> Iterator[re.Match[bytes]]:
    """What `_DIMENSION.finditer(data)` yields, trying a match only at the last '<' before
    each occurrence of b"dimension" (a match is '<', an optional prefix without '<', then the
    word), in order and without overlaps, instead of at every '<' of the sheet."""
    pos = 0
    for word in _DIMENSION_WORD.finditer(data):
        k = word.start()
        if k < pos:
            continue
        start = data.rfind(b"<", pos, k)
        if start < 0:
            continue
        m = _DIMENSION.match(data, start)
        if m:
            yield m
            pos = m.end()


def _scan_sheet_fast(path: Path, data: bytes, info, limits: LimitSettings,
                     cache: dict | None = None, keep: dict | None = None,
                     slimmed: dict | None = None) -> PartInfo | None:
    """`_scan_sheet` for well-formed sheets without formulas; None means "use the full scan".

    The part is inflated whole (`_read_part`: bounded, CRC and DTD checked, any fault named
    as the streaming scan names it). With `keep` and `slimmed` given, a sheet the fast
    analysis accepts is kept as `_content_only` gives it, and `slimmed[info]` names the
    member it is packed as (its CRC is that of the bytes kept)."""
    if info.file_size > FAST_MAX_BYTES:
        return None
    # The DTD test is in the analysis, or in the full scan it declines to (which re-reads the
    # part from `data`; the bytes kept are the same, CRC-checked, and pass that scan too).
    sheet = _read_part(path, data, info, cache, dtd=False, keep=keep)
    content: list[bytes] | None = [] if keep is not None and slimmed is not None else None
    part = _sheet_extent_fast(sheet, limits, content)
    if part is None and _DTD.search(sheet):
        raise _hostile(path, info.filename)
    if content:  # the parser is handed the sheet with only its content cells
        body = keep[info] = content[0]  # type: ignore[index]
        slimmed[info] = _Repacked(info.filename, info.raw_name, info.flag_bits,  # type: ignore[index]
                                  zlib.crc32(body))
    return part


def _sheet_extent_fast(sheet: bytes, limits: LimitSettings,
                       content: list[bytes] | None = None) -> PartInfo | None:
    """The fast analysis of one inflated worksheet (see above); None to decline, which it
    does for any sheet with a formula, a '<!' (DTD, comment, CDATA) or a prefixed
    value/formula/inline-string/dimension tag. When it accepts the sheet and `content` is a
    list, the sheet as `_content_only` gives it is appended (unless it has no plain
    `<sheetData>…</sheetData>` or is larger than SLIM_MAX_BYTES)."""
    # Guarded by a pattern with a literal prefix that every one of its matches contains (the
    # guard skips through the text; the full pattern tries a match at every '<').
    if _PREFIXED_HINT.search(sheet) and _PREFIXED_CONTENT.search(sheet):
        return None
    # Only <sheetData> is reversed and searched (cells elsewhere are not found, so the counts
    # below differ and the sheet is declined).
    start = sheet.find(b"<sheetData")
    end = sheet.rfind(b"</sheetData>")
    whole = not 0 <= start < end
    slim = content is not None and not whole and len(sheet) <= SLIM_MAX_BYTES
    cells = (_CONTENT_CELL_REV_WHOLE if slim else _CONTENT_CELL_REV).findall(
        (sheet if whole else sheet[start:end])[::-1])
    # Every '<v…', '<is…', '<f ', '<f>', '<f/', '<!' and '<dimension…': besides the plain
    # `<dimension ` tags, equal to the cells found only when each is a plain cell's value or
    # inline string (each such cell holds exactly one).
    marks = _MARKS.findall(sheet)
    dimensions = marks.count(b"<dimension ")
    if len(cells) + dimensions != len(marks):
        return None
    max_row = max_col = 0
    texts: tuple[bytes, ...] = ()
    if cells:
        if slim:
            texts, rows, cols = zip(*cells)
        else:
            rows, cols = zip(*cells)
        max_row = max(map(int, map(_REVERSED, set(rows))))
        max_col = max(map(_col_number_reversed, set(cols)))
        if max_row > limits.max_rows or max_col > limits.max_columns:
            return None  # the full scan raises, naming the first cell past the limits
    part = PartInfo(max_row, max_col)
    if dimensions == 1:  # the only <dimension> tag, so the only match _dimension_tags yields
        found = _DIMENSION.match(sheet, sheet.find(b"<dimension "))
        tags: Iterator[re.Match[bytes]] | list = [found] if found else []
    else:
        tags = _dimension_tags(sheet) if dimensions else []
    for m in tags:
        ref = _ATTR_REF.search(m.group(1))
        if ref:
            cm = _CELL_REF.match(ref.group(1).split(b":")[-1].strip())
            if cm:
                part.declared = (int(cm.group(2)) if cm.group(2) else 1_048_576,
                                 _col_number(cm.group(1)) if cm.group(1) else 16_384)
    if slim:
        reduced = _content_only(sheet, start, end, texts)
        if reduced is not None:
            content.append(reduced)  # type: ignore[union-attr]
    return part


class _Repacked(NamedTuple):
    """A member packed with other bytes than the original's (`_stored_zip` reads these)."""

    filename: str
    raw_name: bytes
    flag_bits: int
    CRC: int


def _content_only(sheet: bytes, start: int, end: int, cells: tuple[bytes, ...]
                  ) -> bytes | None:
    """What calamine is handed of `sheet`: its `<sheetData>` (sheet[start:end]) holding only
    the content cells `_sheet_extent_fast` found (`cells`: each reversed, last first, as found
    in the reversed text), each byte for byte and in order, in one `<row>`, with the sheet's
    `<mergeCells>` element (`_merge_cells_after`) just before it. When the root and its
    `<dimension>` are plain (`_plain_root_and_dimension`), only the root tag, that tag,
    `<mergeCells>` and `<sheetData>` are kept; else everything else stays where it was, and
    an odd `<mergeCells>` (prefixed, misplaced, unclosed) is not moved either. None for a
    self-closing `<sheetData/>`.

    Why: calamine reads every cell of a sheet, twice (its values, then again looking for
    `<mergeCells>`), and most cells of a form are formatted-only (`<c r="B7" s="4"/>`), which
    give it nothing; its second pass ends at `</mergeCells>`, so placed first it reads no
    cell at all. The rest of a sheet (column widths, views, validations, print setup) it does
    not read. On the benchmark forms this is ~60 % of calamine's work. What it reads is the
    same: every cell holding a value or inline string has a full `r` reference (its position
    does not depend on rows or on the cells left out), and formula sheets are never accepted
    here. Pinned against the original bytes (calamine's whole output) and a forward-reading
    oracle in tests/test_book_handoff.py."""
    open_end = sheet.find(b">", start) + 1
    if open_end <= start or sheet[open_end - 2:open_end] == b"/>":
        return None
    # the reversed cells, last first, joined and turned round: the cells in order
    data = (sheet[start:open_end], b"<row>", b"".join(cells)[::-1], b"</row>")
    merges = _merge_cells_after(sheet, start, end)
    if merges is None:
        return b"".join((sheet[:start], *data, sheet[end:]))
    m_start, m_end = merges
    root = _plain_root_and_dimension(sheet, start)
    if root is not None:  # only what calamine reads: <dimension>, <mergeCells>, the cells
        root_end, dimension = root
        return b"".join((sheet[:root_end], dimension, sheet[m_start:m_end], *data,
                         b"</sheetData></worksheet>"))
    return b"".join((sheet[:start], sheet[m_start:m_end], *data, sheet[end:m_start],
                     sheet[m_end:]))


def _plain_root_and_dimension(sheet: bytes, start: int) -> tuple[int, bytes] | None:
    """Where the plain `<worksheet …>` tag before `<sheetData>` (at `start`) ends, and the
    one plain `<dimension …>` tag between them (b"" when there is none); None when the root
    is not plain or the head names `dimension` otherwise or more than once."""
    root = sheet.rfind(b"<worksheet", 0, start)
    if root < 0:
        return None
    root_end = sheet.find(b">", root) + 1
    if not 0 < root_end <= start or sheet[root_end - 2:root_end] == b"/>" \
            or sheet[root + 10:root + 11] not in (b" ", b">", b"\t", b"\n", b"\r"):
        return None
    words = sheet.count(b"dimension", root_end, start)
    if words == 0:
        return root_end, b""
    tag = _DIMENSION.search(sheet, root_end, start)
    if words != 1 or tag is None or sheet[tag.start() + 1:tag.start() + 10] != b"dimension":
        return None
    return root_end, tag.group(0)


_MERGE_CELLS_OPEN = re.compile(rb"<mergeCells(?=[\s/>])")


def _merge_cells_after(sheet: bytes, start: int, end: int) -> tuple[int, int] | None:
    """The span of the one plain `<mergeCells …>…</mergeCells>` (or self-closing) element after
    `</sheetData>` (sheet[end:]), when no other text outside sheet[start:end] names
    `mergeCell`; an empty span (end, end) when none does at all; else (a prefixed, misplaced
    or unclosed one) None: then nothing is moved."""
    m = _MERGE_CELLS_OPEN.search(sheet, end)
    if m is None:
        m_start = m_end = end
    else:
        m_start, tag_end = m.start(), sheet.find(b">", m.end()) + 1
        if tag_end <= 0:
            return None
        if sheet[tag_end - 2:tag_end] == b"/>":
            m_end = tag_end
        else:
            close = sheet.find(b"</mergeCells>", tag_end)
            if close < 0:
                return None
            m_end = close + len(b"</mergeCells>")
    word = b"mergeCell"
    if (sheet.count(word, 0, start) or sheet.count(word, end, m_start)
            or sheet.count(word, m_end)):
        return None
    return m_start, m_end


def _scan_sheet(path: Path, data: bytes, info, limits: LimitSettings) -> PartInfo:
    """Stream one worksheet: refuse DTDs and sheets whose data pass the row/column limits
    (stopping at the first such cell); record formulas without a cached value.

    Positions follow calamine: a cell's `r` gives its row and column; a cell without `r` is
    one column right of the previous cell (formatted-only ones included); a row without `r`
    is one below the previous row."""
    part = PartInfo()
    row = 0
    col = 0
    in_cell = False
    cell_rc = (0, 0)
    cell_t = b""
    has_f = has_v = has_is = v_open = v_text = False
    carry = b""

    def too_big(r: int, c: int) -> UnreadableWorkbookError:
        return _fail(path, f"工作表部件 {info.filename} 的数据已达到第 {r} 行、第 {c} 列，超过上限 "
                           f"{limits.max_rows} 行 × {limits.max_columns} 列，已拒绝读取（不像一份考评表）",
                     "请删除多余的行和列（或整张多余的工作表）后另存为 .xlsx")

    def catch_up(buf: bytes, start: int, end: int) -> None:
        """Account for the self-closing cells the regex skipped in buf[start:end]."""
        nonlocal row, col
        if start >= end:
            return
        count, ref = _skipped_cells(buf, start, end)
        if ref is not None:
            cm = _CELL_REF.match(ref)
            if cm and cm.group(1):
                col = _col_number(cm.group(1))
                if cm.group(2):
                    row = int(cm.group(2))
            else:
                col += 1
        col += count

    for chunk in _member_chunks(path, data, info):
        buf = carry + chunk
        if _DTD.search(buf):
            raise _hostile(path, info.filename)
        pos = 0
        for m in _TAG.finditer(buf):
            start = m.start()
            if v_open and not v_text and buf[pos:start].strip():
                v_text = True
            closing = m.group(1)
            if m.group(2):
                tag, attrs = b"c", m.group(3)
            else:
                tag, attrs = m.group(4), m.group(5)
            catch_up(buf, pos, start)
            pos = m.end()
            selfclose = attrs.endswith(b"/")
            if tag == b"c":
                if closing:
                    if in_cell and (has_f or has_v or has_is):
                        r_eff, c_eff = cell_rc
                        part.max_row = max(part.max_row, r_eff)
                        part.max_col = max(part.max_col, c_eff)
                        if part.max_row > limits.max_rows or part.max_col > limits.max_columns:
                            raise too_big(part.max_row, part.max_col)
                    if in_cell and has_f and not (has_v and (v_text or cell_t == b"str")):
                        part.uncached_formulas.add(cell_rc)
                    in_cell = False
                    continue
                r_attr = _ATTR_R.search(attrs)
                cm = _CELL_REF.match(r_attr.group(1).strip()) if r_attr else None
                if cm and cm.group(1):
                    col = _col_number(cm.group(1))
                    if cm.group(2):
                        row = int(cm.group(2))
                else:
                    col += 1
                t_attr = _ATTR_T.search(attrs)
                cell_t = t_attr.group(1) if t_attr else b""
                cell_rc = (max(row, 1), col)
                in_cell = True
                has_f = has_v = has_is = v_open = v_text = False
            elif tag == b"row":
                if closing:
                    continue
                r_attr = _ATTR_R.search(attrs)
                row = int(r_attr.group(1)) if r_attr and r_attr.group(1).strip().isdigit() else row + 1
                col = 0
            elif tag == b"dimension" and not closing:
                # Advisory only: calamine ignores <dimension>, and Excel widens it for cells that
                # are merely formatted (borders down to row 10000), so a big one is not refused;
                # the cells that hold something are counted instead.
                ref = _ATTR_REF.search(attrs)
                if ref:
                    cm = _CELL_REF.match(ref.group(1).split(b":")[-1].strip())
                    if cm:
                        part.declared = (int(cm.group(2)) if cm.group(2) else 1_048_576,
                                         _col_number(cm.group(1)) if cm.group(1) else 16_384)
            elif not in_cell or closing and tag != b"v":
                continue
            elif tag == b"f":
                has_f = True
            elif tag == b"is":
                has_is = True
            elif tag == b"v":
                if closing:
                    v_open = False
                elif selfclose:
                    has_v = True  # <v/>: present but empty
                else:
                    has_v = v_open = True
                    v_text = False
        tail = buf[pos:]
        lt = tail.rfind(b"<")
        # Carry from the last '<' (possibly an incomplete tag) into the next chunk.
        text, carry = (tail, b"") if lt < 0 else (tail[:lt], tail[lt:])
        if v_open and not v_text and text.strip():
            v_text = True
        catch_up(buf, pos, len(buf) - len(carry))
        if len(carry) > MAX_TAG_BYTES:
            raise _fail(path, f"工作表部件 {info.filename} 中有超长的 XML 标签，文件可能已被篡改，已拒绝读取", RESEND)
    return part
