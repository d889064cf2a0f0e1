"""Checks run on every input workbook before calamine reads it.

People send forms by e-mail and chat: many files are broken, mislabelled or (rarely) hostile.
`inspect_workbook` sniffs the bytes (never the extension) and raises `UnreadableWorkbookError`
with a Chinese message that says what the file really is and how to fix it, or returns what
the scan found. The bounds, in the order they are checked (README 防护上限, 能读什么文件):

1. the file: a regular file, not empty, at most `max_file_bytes`, read once, read-only;
2. what it is, when it is no .xlsx (`kaoping.excel.filetype`: .xls/.et, password, .ods,
   .xlsb, CSV, HTML, PDF, images, Word, zip of workbooks…);
3. the zip directory, before anything is inflated: at most 10,000 parts, no two names equal
   up to case or '\\' vs '/', declared total at most `max_uncompressed_bytes`, no encrypted
   part, only stored or deflate, per-part ratio at most `max_compression_ratio` (parts
   declaring more than 1 MiB);
4. every XML part (.xml, .rels, .vml and every worksheet), inflated chunk by chunk and never
   beyond its declared size + 1 byte, CRC-checked, refused at `<!DOCTYPE`/`<!ENTITY` (XML
   bombs, external entities: nothing is ever expanded);
5. worksheets, wherever workbook.xml's relationships put them (calamine follows them): the
   extent of the cells holding a value, inline string or formula (formatted-only cells do
   not count), refused at the first cell past `max_rows` / `max_columns` so a 1,000,000-row
   sheet costs only its first rows; one tag at most 1 MiB; formulas without a cached value
   are recorded (`kaoping.excel.book.Grid.uncached_formulas`). Where the sheet declares its
   used range (`<dimension ref="A1:H19">`, as Excel, WPS, LibreOffice and kaoping write it),
   every cell tag names its place within it and no formula is written, that range bounds
   the extent from above and, within the limits, settles it (one search checks the claim);
   any other sheet, or one whose bound is over, gets the exact forward scan;
6. all sheets' extents together at most 2 × max_rows × max_columns cells, never more than 10
   million: calamine materialises each sheet densely from A1.

`load_book` hands calamine the very bytes checked here, so a file swapped between check and
parse cannot slip through.

.xls/.et and .ods are refused although calamine could read them: their records cannot be
bounded before parsing (an .ods row can say "repeat 1,048,000 times"), and the fix, 另存为
.xlsx, is one step.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import io
import os
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from ..errors import UnreadableWorkbookError
from ..rules.settings import LimitSettings
from .book import column_letter
from .filetype import RESEND, SAVE_AS, refuse_other_formats, refuse_zip_of_something_else
from .filetype import unreadable as _fail

MAX_ZIP_MEMBERS = 10_000  # an .xlsx of kaoping forms has ~15–60 parts
RATIO_MIN_BYTES = 1 << 20  # the ratio bound applies to parts declaring more than 1 MiB
MAX_TAG_BYTES = 1 << 20  # one XML tag of a worksheet (the scan's carry between chunks)
MAX_TOTAL_CELLS_FACTOR = 2  # all sheets together: at most 2 × max_rows × max_columns cells,
MAX_TOTAL_CELLS = 10_000_000  # and never more (~500 MB once calamine and Python hold them)
MAX_INDEX_BYTES = 8 << 20  # workbook.xml or its rels larger than this are not parsed
CHUNK = 64 * 1024  # inflated bytes per step
_XML_SUFFIXES = (".xml", ".rels", ".vml")
SHORTEN = "请删除多余的行和列（或整张多余的工作表）后另存为 .xlsx"
_WORKBOOK = "xl/workbook.xml"
_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"


@dataclass
class PartInfo:
    """What the scan learned about one worksheet part."""

    max_row: int = 0  # extent of the cells that hold a value, inline string or formula
    max_col: int = 0
    uncached_formulas: set[tuple[int, int]] = field(default_factory=set)
    # (row, col) → the Excel error value (#REF!, #N/A…) a cell holds: calamine reads it blank
    error_values: dict[tuple[int, int], str] = field(default_factory=dict)
    bound: bool = False  # max_row/max_col bound the extent from above (formatted cells count)


@dataclass
class Inspection:
    """What `inspect_workbook` found: each worksheet part's extent, and which sheet is where."""

    path: Path
    sheets: dict[str, PartInfo] = field(default_factory=dict)  # part name → its scan
    sheet_parts: dict[str, str] = field(default_factory=dict)  # sheet name → part name

    def uncached_formulas(self, sheet: str) -> set[tuple[int, int]]:
        """(row, col) of the formulas saved without a value in the sheet named `sheet`."""
        part = self.sheets.get(self.sheet_parts.get(sheet, ""))
        return set() if part is None else set(part.uncached_formulas)

    def error_values(self, sheet: str) -> dict[tuple[int, int], str]:
        """(row, col) → Excel error value (#REF!…) of the cells of the sheet named `sheet`."""
        part = self.sheets.get(self.sheet_parts.get(sheet, ""))
        return {} if part is None else dict(part.error_values)


# ------------------------------------------------------------------ public API


def preflight(path: Path | str, limits: LimitSettings | None = None) -> None:
    """Raise `UnreadableWorkbookError` unless `path` is an .xlsx/.xlsm within `limits`.

    Safe on anything (a folder, a missing file, a PDF, a zip bomb): it raises nothing else
    for a bad file and never inflates more than the limits allow."""
    inspect_workbook(path, limits)


def inspect_workbook(path: Path | str, limits: LimitSettings | None = None, *,
                     data: bytes | None = None) -> Inspection:
    """`preflight`, returning what the scan found. With `data` (the file's bytes from
    `read_workbook_bytes`) the checks run on exactly the bytes the parser will get."""
    path = Path(path)
    limits = limits or LimitSettings()
    with _clear_errors(path):
        if data is None:
            data = read_workbook_bytes(path, limits)
        _check_size(path, len(data), limits)
        refuse_other_formats(path, data)
        return _inspect_zip(path, data, limits)


def read_workbook_bytes(path: Path | str, limits: LimitSettings | None = None) -> bytes:
    """The whole file (at most `max_file_bytes`), read once through a read-only handle."""
    path = Path(path)
    limits = limits or LimitSettings()
    with _clear_errors(path):
        size = _regular_file_size(path, limits)
        # size + 1: a file that grew since stat() reads as too big or truncated, and a
        # read never allocates max_file_bytes for a small file.
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


# ------------------------------------------------------------------ 1. the file


# What pathlib's exists()/is_file() take for "no such file" (they return False).
_MISSING_ERRNOS = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)
_MISSING_WINERRORS = (21, 123, 1921)


def _regular_file_size(path: Path, limits: LimitSettings) -> int:
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
        raise _fail(path, f"文件过大（{_over(size, limits.max_file_bytes)}），不像一份考评表",
                    "请确认发来的是考评表；如确实是，请删除其中的图片和多余工作表后另存")


def _sizes(size: int | float, limit: int | float) -> tuple[str, str]:
    """A size and its limit in MB, or in bytes when the two would read the same in MB (a
    file just over the limit must not read "50.0 MB，上限 50.0 MB")."""
    if _mb(size) == _mb(limit):
        return f"{int(size)} 字节", f"{int(limit)} 字节"
    return _mb(size), _mb(limit)


def _over(size: int | float, limit: int | float) -> str:
    """「60.2 MB，上限 50.0 MB」 (see `_sizes`)."""
    return "{}，上限 {}".format(*_sizes(size, limit))


def _mb(n: int | float) -> str:
    return f"{n / (1 << 20):.1f} MB"


# ------------------------------------------------------------------ 3. the zip directory


def _inspect_zip(path: Path, data: bytes, limits: LimitSettings) -> Inspection:
    _check_member_count(path, data)
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile:
        raise _fail(path, "文件不完整或已损坏（不是有效的 .xlsx 压缩包）", RESEND) from None
    _check_unique_names(path, infos)
    members = {i.filename: i for i in infos}
    refuse_zip_of_something_else(path, data, members)
    _check_declared_total(path, infos, limits)
    for info in infos:
        _check_member(path, info, limits)
    sheet_map = _sheet_map(path, data, members)
    sheet_parts = _sheet_part_names(sheet_map, infos)
    sheets: dict[str, PartInfo] = {}
    sheet_infos: list[zipfile.ZipInfo] = []
    for info in infos:
        name = _norm_part(info.filename)
        if name in sheet_parts:
            sheets[info.filename] = _scan_sheet(path, data, info, limits)
            sheet_infos.append(info)
        elif name.endswith(_XML_SUFFIXES):
            _scan_xml(path, data, info)
    _check_cell_budget(path, data, sheets, sheet_infos, limits)
    return Inspection(path, sheets, sheet_map or {})


def _check_member_count(path: Path, data: bytes) -> None:
    """At most MAX_ZIP_MEMBERS parts, read from the end record before zipfile lists them all
    (a 50 MB directory would be a million entries)."""
    size = len(data)
    tail_start = size - min(size, 22 + 65535 + 20 + 56)
    at = data.rfind(b"PK\x05\x06", tail_start)
    if at < 0 or size - at < 22:
        raise _fail(path, "文件不完整（zip 结尾缺失），多半是下载或传输中断", RESEND)
    entries = struct.unpack_from("<H", data, at + 10)[0]
    if entries == 0xFFFF:  # the count is in the zip64 record
        z64 = data.rfind(b"PK\x06\x06", tail_start)
        if z64 < 0 or size - z64 < 40:
            raise _fail(path, "文件不完整（zip64 目录缺失）", RESEND)
        entries = struct.unpack_from("<Q", data, z64 + 32)[0]
    if entries > MAX_ZIP_MEMBERS:
        raise _fail(path, f"压缩包内文件数过多（{entries} 个，上限 {MAX_ZIP_MEMBERS}），疑似恶意文件，已拒绝读取")


def _norm_part(name: str) -> str:
    """A part name as a lenient zip reader would look it up (OPC names ignore case)."""
    return name.replace("\\", "/").lstrip("/").lower()


def _check_unique_names(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    # two names that differ only so would let a parser read a part this scan did not check
    if len({_norm_part(i.filename) for i in infos}) != len(infos):
        raise _fail(path, "压缩包内有重名的部件，疑似被篡改的文件，已拒绝读取", RESEND)


def _check_declared_total(path: Path, infos: list[zipfile.ZipInfo], limits: LimitSettings) -> None:
    declared = sum(i.file_size for i in infos)
    if declared > limits.max_uncompressed_bytes:
        shown, limit = _sizes(declared, limits.max_uncompressed_bytes)
        raise _fail(path, f"解压后总大小 {shown} 超过上限 {limit}，"
                          "疑似“压缩炸弹”，已拒绝读取（未解压任何内容）")


def _check_member(path: Path, info: zipfile.ZipInfo, limits: LimitSettings) -> None:
    """Not encrypted, stored or deflated, and within the compression ratio."""
    if info.flag_bits & 0x1:
        raise _fail(path, f"压缩包部件 {info.filename} 已加密，无法读取", "请去掉密码后另存为 .xlsx")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _fail(path, f"压缩包部件 {info.filename} 使用了 Excel 不使用的压缩方式，文件可能已被篡改", SAVE_AS)
    if info.file_size > RATIO_MIN_BYTES:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_compression_ratio:
            raise _fail(path, f"部件 {info.filename} 压缩比 {ratio:.0f}:1 超过上限 "
                              f"{limits.max_compression_ratio:.0f}:1，疑似“压缩炸弹”，已拒绝读取（未解压任何内容）")


def _cell_budget(limits: LimitSettings) -> int:
    # 5,000 tiny sheets, each with one cell at GR5000, would need billions of cells
    return min(MAX_TOTAL_CELLS_FACTOR * limits.max_rows * limits.max_columns, MAX_TOTAL_CELLS)


def _cells(sheets: Iterable[PartInfo]) -> int:
    return sum(p.max_row * p.max_col for p in sheets)


def _check_cell_budget(path: Path, data: bytes, sheets: dict[str, PartInfo],
                       sheet_infos: list[zipfile.ZipInfo], limits: LimitSettings) -> None:
    """All sheets' extents together within the budget; bounds over it are made exact first
    (they may count formatted cells), and the message names the exact figure."""
    budget = _cell_budget(limits)
    if _cells(sheets.values()) <= budget:
        return
    for info in sheet_infos:
        if sheets[info.filename].bound:
            sheets[info.filename] = _exact_scan(path, data, info, limits)
    total = _cells(sheets.values())
    if total > budget:
        raise _fail(path, f"各工作表的数据范围合计 {total:,} 个单元格，超过上限 {budget:,}，"
                          "已拒绝读取（不像一份考评表）", "请删除多余的工作表、行和列后另存为 .xlsx")


# ------------------------------------------------------------------ which parts are sheets


def _sheet_map(path: Path, data: bytes, members: dict) -> dict[str, str] | None:
    """Sheet name → worksheet part, from workbook.xml and its rels; None when they are
    missing, too big, damaged or unparsable (then every XML part is scanned as a sheet)."""
    wb_info, rels_info = members.get(_WORKBOOK), members.get(_WORKBOOK_RELS)
    if wb_info is None or rels_info is None:
        return None
    if max(wb_info.file_size, rels_info.file_size) > MAX_INDEX_BYTES:
        return None
    try:
        workbook = b"".join(_member_chunks(path, data, wb_info))
        rels = b"".join(_member_chunks(path, data, rels_info))
    except UnreadableWorkbookError:
        return None  # the fault is named when the part's own scan comes to it
    return _sheets_in(workbook, rels)


def _sheets_in(workbook: bytes, rels: bytes) -> dict[str, str] | None:
    """Sheet name → part from the two documents; None when either is not well-formed."""
    rel_attrs = _elements(rels, lambda tag, depth: depth == 2)  # the root's children
    sheet_attrs = _elements(workbook, lambda tag, depth: tag.rsplit("}", 1)[-1] == "sheet")
    if rel_attrs is None or sheet_attrs is None:
        return None
    targets = {a["Id"]: _part_of_target(a["Target"]) for a in rel_attrs
               if a.get("Id") and a.get("Target")}
    found: dict[str, str] = {}
    for attrs in sheet_attrs:
        # the relationship id is r:id, whatever prefix the namespace was given
        rid = next((v for k, v in attrs.items() if k.rsplit("}", 1)[-1] == "id"), None)
        name = attrs.get("name")
        if name and rid in targets:
            found[name] = targets[rid]
    return found


def _elements(doc: bytes, wanted) -> list[dict[str, str]] | None:
    """The attributes of the elements for which `wanted(tag, depth)` holds (tag as
    'namespace}local', the root at depth 1), read by expat; None when `doc` is not
    well-formed or declares an entity (which is then never expanded)."""
    found: list[dict[str, str]] = []
    depth = 0

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if wanted(tag, depth):
            found.append(attrs)

    def end(tag: str) -> None:
        nonlocal depth
        depth -= 1

    def refuse(*_args: object) -> None:
        raise ValueError("entity declared")

    parser = expat.ParserCreate(None, "}")
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.EntityDeclHandler = parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        parser.Parse(doc, True)
    except (expat.ExpatError, ValueError):
        return None
    return found


def _part_of_target(target: str) -> str:
    """A relationship target of workbook.xml as a part name ('worksheets/a.xml' is in xl/)."""
    part = target.lstrip("/") if target.startswith("/") else "xl/" + target
    parts: list[str] = []
    for seg in part.split("/"):
        if seg == "..":
            if parts:
                parts.pop()
        elif seg not in ("", "."):
            parts.append(seg)
    return "/".join(parts)


def _sheet_part_names(sheet_map: dict[str, str] | None, infos: list[zipfile.ZipInfo]) -> set[str]:
    """The (normalised) parts to scan as worksheets."""
    names = [_norm_part(i.filename) for i in infos]
    if sheet_map is None:
        return {n for n in names if n.endswith(".xml")}
    return {_norm_part(n) for n in sheet_map.values()} | {
        n for n in names if n.startswith("xl/worksheets/") and "/_rels/" not in n}


# ------------------------------------------------------------------ 4. bounded inflation


def _member_chunks(path: Path, data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes, chunk by chunk, never more than it declares (one byte more proves a
    lying directory and stops it); its size and CRC are checked at the end."""
    start = _member_start(path, data, info)
    if info.compress_type == zipfile.ZIP_STORED:
        chunks = _stored_chunks(path, data, info, start)
    else:
        chunks = _inflated_chunks(path, data, info, start)
    size = crc = 0
    for chunk in chunks:
        size += len(chunk)
        crc = zlib.crc32(chunk, crc)
        yield chunk
    if size != info.file_size or crc != info.CRC:
        raise _fail(path, f"文件已损坏（部件 {info.filename} 校验失败）", RESEND)


def _member_start(path: Path, data: bytes, info: zipfile.ZipInfo) -> int:
    """Where the part's compressed bytes start, after its local header (as calamine finds them)."""
    header = data[info.header_offset:info.header_offset + 30] if info.header_offset >= 0 else b""
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise _fail(path, f"文件已损坏（部件 {info.filename} 的头部缺失）", RESEND)
    name_len, extra_len = struct.unpack_from("<HH", header, 26)
    return info.header_offset + 30 + name_len + extra_len


def _truncated(path: Path, info: zipfile.ZipInfo) -> UnreadableWorkbookError:
    return _fail(path, f"文件不完整（部件 {info.filename} 被截断），多半是下载或传输中断", RESEND)


def _stored_chunks(path: Path, data: bytes, info: zipfile.ZipInfo, pos: int) -> Iterator[bytes]:
    if info.compress_size != info.file_size:
        raise _fail(path, f"文件已损坏（部件 {info.filename} 大小不一致）", RESEND)
    end = pos + info.compress_size
    while pos < end:
        raw = data[pos:min(pos + CHUNK, end)]
        if not raw:
            raise _truncated(path, info)
        pos += len(raw)
        yield raw


def _inflated_chunks(path: Path, data: bytes, info: zipfile.ZipInfo, pos: int) -> Iterator[bytes]:
    view = memoryview(data)
    left_in, left_out = info.compress_size, info.file_size
    inflater = zlib.decompressobj(-15)
    while not inflater.eof:
        chunk = inflater.unconsumed_tail
        if not chunk:
            if left_in <= 0:
                raise _fail(path, f"文件已损坏（部件 {info.filename} 的压缩数据不完整）", RESEND)
            chunk = view[pos:pos + min(CHUNK, left_in)]
            if not chunk:
                raise _truncated(path, info)
            pos += len(chunk)
            left_in -= len(chunk)
        out = inflater.decompress(chunk, min(CHUNK, left_out + 1))
        if len(out) > left_out:
            raise _fail(path, f"部件 {info.filename} 实际解压后大于其声明的大小，疑似“压缩炸弹”或被篡改，已拒绝读取")
        left_out -= len(out)
        if out:
            yield out


_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def _hostile(path: Path, part: str) -> UnreadableWorkbookError:
    return _fail(path, f"部件 {part} 含有 DTD/实体声明（<!DOCTYPE/<!ENTITY），正常的 Excel 文件不会有；"
                       "疑似“XML 炸弹”或外部实体攻击，已拒绝读取（未展开任何实体）",
                 "请让填表人在 Excel/WPS 中重新另存为 .xlsx")


def _scan_xml(path: Path, data: bytes, info: zipfile.ZipInfo) -> None:
    """Inflate an XML part (bounded, CRC-checked) and refuse it at a DTD or entity declaration."""
    carry = b""
    for chunk in _member_chunks(path, data, info):
        buf = carry + chunk
        if _DTD.search(buf):
            raise _hostile(path, info.filename)
        carry = buf[-16:]  # a declaration cut between two chunks


# ------------------------------------------------------------------ 5. worksheets


def _scan_sheet(path: Path, data: bytes, info: zipfile.ZipInfo, limits: LimitSettings) -> PartInfo:
    """The sheet's extent and uncached formulas: the extent it declares when that is checked
    to hold, else the exact scan from the start."""
    return _declared_bound(path, data, info, limits) or _exact_scan(path, data, info, limits)


def _exact_scan(path: Path, data: bytes, info: zipfile.ZipInfo, limits: LimitSettings) -> PartInfo:
    scan = _SheetScan(path, info.filename, limits)
    for chunk in _member_chunks(path, data, info):
        scan.feed(chunk)
    return scan.found


# The used range a writer declares (Excel, WPS, LibreOffice and kaoping write it before the
# cells): a claim only, which `_outside` checks against every cell tag.
_DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]{1,3}\d{1,7}:)?([A-Z]{1,3})(\d{1,7})"')
_PLAIN_FORMULA_TAG = re.compile(rb"<f[\s/>]")
# A cell the exact scan must look at (`_SheetScan._typed_cell`): an Excel error value
# (t="e"), or a shared-string cell whose <v> is no plain index (calamine reads "-1" or "x"
# as the first string). One search per chunk (a pass over the sheet: ~6% of the
# instructions of inspect_workbook on kaoping's forms; substring tests cost more, one pass
# each). A t attribute with spaces around its '=' (no writer's) is seen by the exact scan
# only (a sheet with formulas or without <dimension>).
_ODD_TYPED_CELL = re.compile(rb"""t=["'](?:e["']|s["'][^>]*(?<!/)>(?!<v>\d{1,9}</v>))""")
# The same for the exact scan's chunks (rarer: formulas, no <dimension>…), spaces allowed.
_ODD_TYPED_CELL_SPACED = re.compile(rb"""t\s*=\s*["'](?:e["']|s["'][^>]*(?<!/)>(?!<v>\d{1,9}</v>))""")


def _declared_bound(path: Path, data: bytes, info: zipfile.ZipInfo, limits: LimitSettings
                    ) -> PartInfo | None:
    """The extent the sheet's <dimension> declares, when every cell tag names its place
    (<c r="B7" …>) within it: then no cell, formatted-only or holding something, lies beyond
    it. None, and the exact scan reads the part, when the first chunk declares no extent or
    one past the limits, at the first chunk that holds a DTD, a formula, a prefixed cell tag
    or a cell tag that names no place or one outside the extent, or when more than
    MAX_TAG_BYTES have passed since the last cell the exact scan surely closed (its carry
    bound: a cell, like a tag, may not exceed it)."""
    extent: tuple[int, int] | None = None
    start = closed = 0  # offsets in the part: where buf starts, where the last closed cell ends
    carry = b""
    for chunk in _member_chunks(path, data, info):
        buf = carry + chunk
        cut = _unfinished_tag_start(buf)  # tags are checked whole, in the chunk they end in
        region, carry = buf[:cut], buf[cut:]
        if extent is None:
            if (extent := _declared_extent(region, limits)) is None:
                return None
            outside = _outside(*extent)
        if (_DTD.search(buf) or _has_formula(region) or _PREFIXED_CELL_TAG.search(region)
                or outside.search(region) or _ODD_TYPED_CELL.search(region)):
            return None
        if (end := _last_closed_cell_end(region)) is not None:
            closed = start + end
        start += cut
        if start + len(carry) - closed > MAX_TAG_BYTES:
            return None
    return None if extent is None else PartInfo(*extent, bound=True)


def _declared_extent(region: bytes, limits: LimitSettings) -> tuple[int, int] | None:
    """(last row, last column) of the <dimension> in `region`, when within the limits."""
    m = _DIMENSION.search(region)
    if m is None:
        return None
    rows, cols = int(m.group(2)), _col_number(m.group(1))
    if not (1 <= rows <= limits.max_rows and 1 <= cols <= limits.max_columns):
        return None
    return rows, cols


@functools.lru_cache(maxsize=256)
def _outside(rows: int, cols: int) -> re.Pattern[bytes]:
    """A cell tag that does not name a place within rows × cols in the plain form
    <c r="B7" (column letters, then at most 7 digits, leading zeros allowed). Memoised: a
    pure function of two numbers, and building the pattern was 8 % of the preflight."""
    within = _letters_up_to(column_letter(cols)) + rb'(?=\d{1,7}")0*' + _digits_up_to(str(rows))
    return re.compile(rb'<c(?=[\s/>])(?! r="' + within + rb'")')


def _letters_up_to(last: str) -> bytes:
    """Column letters (A–Z, at most as many as `last` has) naming a column up to `last`."""
    return _up_to(last, "A", "[A-Z]")


def _digits_up_to(last: str) -> bytes:
    """Digits without leading zeros naming a number up to `last`."""
    return _up_to(last, "0", r"\d")


def _up_to(last: str, lowest: str, any_one: str) -> bytes:
    """A regex for the strings of `any_one` symbols that sort up to `last` in (length,
    symbols) order: shorter ones, or `last`'s first i symbols, a lower one, any others."""
    k = len(last)
    alts = [f"{any_one}{{1,{k - 1}}}"] if k > 1 else []
    for i, ch in enumerate(last):
        if ch != lowest:
            lower = lowest if ord(ch) - ord(lowest) == 1 else f"[{lowest}-{chr(ord(ch) - 1)}]"
            alts.append(last[:i] + lower + (f"{any_one}{{{k - i - 1}}}" if i < k - 1 else ""))
    alts.append(last)
    return ("(?:" + "|".join(alts) + ")").encode()


def _last_closed_cell_end(region: bytes) -> int | None:
    """Where the last cell of `region` ends when it is one the exact scan matches (its start
    tag, no other cell tag, its end tag), else None."""
    end = region.rfind(b"</c>")
    begin = region.rfind(b"<c ", 0, end) if end >= 0 else -1
    if begin >= 0 and _CELL_NO_PREFIX.fullmatch(region, begin, end + 4):
        return end + 4
    return None


def _unfinished_tag_start(buf: bytes) -> int:
    """Where a tag still open at the end of `buf` starts, else len(buf)."""
    lt = buf.rfind(b"<")
    return lt if lt >= 0 and buf.find(b">", lt) < 0 else len(buf)


def _has_formula(text: bytes) -> bool:
    """A formula tag, <f> or prefixed (the ':f' test spares the prefix search elsewhere)."""
    return bool(_PLAIN_FORMULA_TAG.search(text) or (b":f" in text and _FORMULA.search(text)))


# The scan matches whole cell elements that are not self-closing (start tag, what the cell
# holds, end tag).
# Self-closing cells (<c r="Z9" s="3"/>: formatted, holding nothing; most cells of a form)
# and rows are not matched, so the regex engine passes them at C speed: they only matter
# for the position of a later cell whose `r` does not give it (`_SheetScan._walk`). A cell
# holding another cell's start tag is not matched; the inner one is.
_ATTRS = rb"""([^>"']*+(?:(?:"[^"]*+"|'[^']*+')[^>"']*+)*+)"""
_PREFIX = rb"(?:[A-Za-z_][\w.-]*+:)?"


def _cell_pattern(prefix: bytes) -> re.Pattern[bytes]:
    inner = rb"([^<]*+(?:<(?!" + prefix + rb"c[\s/>]|/" + prefix + rb"c\s*>)[^<]*+)*+)"
    return re.compile(rb"<" + prefix + rb"c(?=[\s/>])"
                      + _ATTRS + rb"(?<!/)>" + inner + rb"</" + prefix + rb"c\s*>")


# Any namespace prefix is matched (calamine reads <x:c> as <c>), but trying one at every '<'
# doubles the scan; a prefixed cell tag contains ':c' and a following space, '/' or '>', so a
# chunk without one gets the same matches from the pattern without prefixes.
_CELL_ANY_PREFIX = _cell_pattern(_PREFIX)
_CELL_NO_PREFIX = _cell_pattern(b"")
_PREFIXED_CELL_TAG = re.compile(rb":c[\s/>]")
_CELL_START = re.compile(rb"<" + _PREFIX + rb"c(?=[\s/>])" + _ATTRS + rb"(?<!/)>")  # not self-closing
_TAG = re.compile(rb"<" + _ATTRS + rb">")  # any complete tag
_ROW_OR_CELL_START = re.compile(rb"<" + _PREFIX + rb"(?:(row)|c)(?=[\s/>])" + _ATTRS + rb">")
# Inside a cell: it holds something when it has a value, inline string or formula tag; a
# formula's value is cached when a <v> holds text before the next tag of these kinds.
_CONTENT = re.compile(rb"<" + _PREFIX + rb"(?:f|v|is)(?=[\s/>])")
_FORMULA = re.compile(rb"<" + _PREFIX + rb"f(?=[\s/>])")
_VALUE = re.compile(rb"<" + _PREFIX + rb"v(?=[\s/>])")
_VALUE_TEXT = re.compile(rb"<" + _PREFIX + rb"v(?=[\s/>])" + _ATTRS + rb"(?<!/)>\s*"
                         rb"(?!</?" + _PREFIX + rb"(?:c|row|f|v|is)(?=[\s/>]))\S")
_ATTR_R = re.compile(rb"""\sr\s*=\s*["']([^"']*)["']""")
_ATTR_T = re.compile(rb"""\st\s*=\s*["']([^"']*)["']""")
_V_TEXT = re.compile(rb"<" + _PREFIX + rb"v(?:\s[^>]*)?>([^<]*)<")
_SHARED_INDEX = re.compile(rb"<" + _PREFIX + rb"v(?:\s[^>]*)?>\d{1,9}</" + _PREFIX + rb"v\s*>")  # as calamine reads it
_CELL_REF = re.compile(rb"^\$?([A-Za-z]{1,3})?\$?(\d{1,7})?$")
# Text after the last placed cell kept for the next chunk (instead of walked now) up to
# this size: the end of a sheet, after its last cell, is then never walked at all.
MAX_UNPLACED_BYTES = CHUNK


class _SheetScan:
    """The forward scan of one worksheet, fed its bytes chunk by chunk.

    Positions follow calamine: a cell's `r` gives its row and column; a cell without `r` is
    one column right of the previous cell (formatted-only ones included); a row without `r`
    is one below the previous row. `row`/`col` are the position after `buf[:mark]`; what
    follows `mark` is walked only when a cell needs it."""

    def __init__(self, path: Path, part: str, limits: LimitSettings) -> None:
        self.path, self.part, self.limits = path, part, limits
        self.found = PartInfo()
        self.row = self.col = 0
        self.carry = b""  # the text after `mark` at the end of the last chunk
        self.odd = False  # the chunk being fed may hold a cell for `_typed_cell`

    def feed(self, chunk: bytes) -> None:
        buf = self.carry + chunk
        if _DTD.search(buf):
            raise _hostile(self.path, self.part)
        self.odd = _ODD_TYPED_CELL_SPACED.search(buf) is not None  # else no cell needs `_typed_cell`
        mark = 0
        cells = _CELL_ANY_PREFIX if _PREFIXED_CELL_TAG.search(buf) else _CELL_NO_PREFIX
        for m in cells.finditer(buf):
            attrs, inner = m.groups()
            r_attr = _ATTR_R.search(attrs)
            ref = _CELL_REF.match(r_attr.group(1).strip()) if r_attr else None
            if ref and ref.group(1) and ref.group(2):  # a full reference places it, whatever came before
                self.col, self.row = _col_number(ref.group(1)), int(ref.group(2))
            else:
                self._walk(buf, mark, m.start())
                self._step(ref)
            mark = m.end()
            if _CONTENT.search(inner):
                self._content_cell(attrs, inner)
        self.carry = self._unplaced(buf, mark)

    def _unplaced(self, buf: bytes, mark: int) -> bytes:
        """What to carry into the next chunk: the text after `mark`, or (when that is long)
        only its unfinished end, the rest walked."""
        end = _carry_start(buf, mark)
        if len(buf) - mark > MAX_UNPLACED_BYTES:
            self._walk(buf, mark, end)
            mark = end
        if len(buf) - end > MAX_TAG_BYTES:
            raise _fail(self.path, f"工作表部件 {self.part} 中有超长的 XML 标签，文件可能已被篡改，已拒绝读取",
                        RESEND)
        return buf[mark:]

    def _walk(self, buf: bytes, start: int, end: int) -> None:
        """Move past the rows and the cells in buf[start:end], one by one."""
        for m in _ROW_OR_CELL_START.finditer(buf, start, end):
            r_attr = _ATTR_R.search(m.group(2))
            if m.group(1) is None:
                self._step(_CELL_REF.match(r_attr.group(1).strip()) if r_attr else None)
            elif r_attr and r_attr.group(1).strip().isdigit():
                self.row, self.col = int(r_attr.group(1)), 0
            else:
                self.row, self.col = self.row + 1, 0

    def _step(self, ref: re.Match[bytes] | None) -> None:
        """Move to the cell `ref` (a cell's `r` as `_CELL_REF` reads it), or one column right
        when it names no column."""
        if ref and ref.group(1):
            self.col = _col_number(ref.group(1))
            if ref.group(2):
                self.row = int(ref.group(2))
        else:
            self.col += 1

    def _content_cell(self, attrs: bytes, inner: bytes) -> None:
        """A cell holding a value, inline string or formula, at the current position."""
        found, limits = self.found, self.limits
        cell = (max(self.row, 1), self.col)
        if cell[0] > found.max_row:
            found.max_row = cell[0]
        if cell[1] > found.max_col:
            found.max_col = cell[1]
        if found.max_row > limits.max_rows or found.max_col > limits.max_columns:
            raise _fail(self.path, f"工作表部件 {self.part} 的数据已达到第 {found.max_row} 行、第 {found.max_col} 列，"
                                   f"超过上限 {limits.max_rows} 行 × {limits.max_columns} 列，已拒绝读取（不像一份考评表）",
                        SHORTEN)
        if b"f" in inner and _FORMULA.search(inner) and not _cached(attrs, inner):
            found.uncached_formulas.add(cell)
        if self.odd and b"t" in attrs:
            self._typed_cell(attrs, inner, cell)

    def _typed_cell(self, attrs: bytes, inner: bytes, cell: tuple[int, int]) -> None:
        """Record an Excel error value; refuse a shared-string cell whose index is no
        number (the file is damaged: calamine would show another cell's text)."""
        t_attr = _ATTR_T.search(attrs)
        kind = t_attr.group(1) if t_attr else b""
        if kind == b"e":
            value = _V_TEXT.search(inner)
            self.found.error_values[cell] = value.group(1).strip().decode("ascii", "replace")[:16] \
                if value else "#N/A"
        elif kind == b"s" and not _SHARED_INDEX.search(inner):
            raise _fail(self.path, f"文件已损坏：工作表部件 {self.part} 的单元格 "
                                   f"{column_letter(cell[1])}{cell[0]} 引用的共享文字编号无效",
                        "请用 Excel/WPS 打开后另存为 .xlsx，再交回新文件")


def _cached(attrs: bytes, inner: bytes) -> bool:
    """Whether a formula cell carries its value: a <v> with text, or any <v> of a t="str"
    cell (a cached empty string)."""
    if _VALUE_TEXT.search(inner):
        return True
    t_attr = _ATTR_T.search(attrs)
    return t_attr is not None and t_attr.group(1) == b"str" and _VALUE.search(inner) is not None


def _carry_start(buf: bytes, pos: int) -> int:
    """Where the unfinished end of `buf` (after the last cell matched, at `pos`) starts: at a
    cell whose end tag is still to come, else at an incomplete last tag; len(buf) when
    nothing is unfinished. (So one cell, like one tag, may not exceed MAX_TAG_BYTES: Excel
    keeps a cell's text within 32,767 characters.)"""
    lt = buf.rfind(b"<", pos)
    if lt < 0:
        return len(buf)
    cell = _CELL_START.search(buf, pos)
    if cell is not None:
        return cell.start()
    return len(buf) if _TAG.match(buf, lt) else lt


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n
