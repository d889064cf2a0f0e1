"""Checks run on every input workbook BEFORE any parser touches it.

People send forms by e-mail and chat: many files are broken, mislabelled or (rarely) hostile.
`preflight(path, limits)` sniffs the file by its magic bytes (never by its extension) and
raises `UnreadableWorkbookError` with a Chinese message that says what the file really is
and how to fix it. Everything is bounded:

- the file size is checked first (`max_file_bytes`);
- a zip is checked from its central directory before anything is inflated: member count,
  total declared uncompressed size (`max_uncompressed_bytes`), per-member compression ratio
  (`max_compression_ratio`), encrypted or exotic members, duplicate names;
- every XML part is then inflated by our own streaming loop that stops at the member's
  declared size (a member that inflates to more than it declares is refused), and scanned
  for `<!DOCTYPE`/`<!ENTITY` (XML bombs and external entities are refused, never expanded);
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
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import UnreadableWorkbookError
from ..rules.settings import LimitSettings

# Fixed limits that need no setting (documented in README).
MAX_ZIP_MEMBERS = 10_000  # an .xlsx of kaoping forms has ~15–60 parts
RATIO_MIN_BYTES = 1 << 20  # the ratio rule applies to members declaring more than 1 MiB
MAX_TAG_BYTES = 1 << 20  # one XML tag longer than this is refused (bounded scanning)
MAX_TOTAL_CELLS_FACTOR = 2  # all sheets together: at most 2 × max_rows × max_columns cells,
MAX_INDEX_BYTES = 8 << 20  # workbook.xml / its rels larger than this are not parsed into a tree
MAX_TOTAL_CELLS = 10_000_000  # and never more than this (~500 MB once calamine and Python hold it)
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
    path = Path(path)
    limits = limits or LimitSettings()
    with _clear_errors(path):
        if data is None:
            size = _checked_size(path, limits)
            with open(path, "rb") as fh:
                return _inspect_stream(path, fh, size, limits)
        return _inspect_stream(path, io.BytesIO(data), len(data), limits)


def read_workbook_bytes(path: Path | str, limits: LimitSettings | None = None) -> bytes:
    """The whole file (at most `max_file_bytes`), read once through a read-only handle."""
    path = Path(path)
    limits = limits or LimitSettings()
    with _clear_errors(path):
        size = _checked_size(path, limits)
        with open(path, "rb") as fh:
            # size + 1: a file that grew since stat() reads as truncated and is refused as such;
            # never read(max_file_bytes), which would allocate that much for every file.
            data = fh.read(size + 1)
        _check_size(path, len(data), limits)
        return data


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
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise _fail(path, "没有读取该文件的权限", "请检查文件权限后重试") from None
        raise _fail(path, f"无法读取文件（{exc.strerror or exc}）", RESEND) from None


# ------------------------------------------------------------------ sniffing


def _checked_size(path: Path, limits: LimitSettings) -> int:
    if not path.exists():
        raise _fail(path, "文件不存在")
    if path.is_dir():
        raise _fail(path, "这是一个文件夹，不是 Excel 文件")
    if not path.is_file():
        raise _fail(path, "这不是普通文件（可能是设备或管道）")
    size = path.stat().st_size
    _check_size(path, size, limits)
    return size


def _check_size(path: Path, size: int, limits: LimitSettings) -> None:
    if size == 0:
        raise _fail(path, "文件是空的（0 字节），多半是保存或传输时出错", RESEND)
    if size > limits.max_file_bytes:
        raise _fail(path, f"文件过大（{_mb(size)}，上限 {_mb(limits.max_file_bytes)}），不像一份考评表",
                    "请确认发来的是考评表；如确实是，请删除其中的图片和多余工作表后另存")


def _inspect_stream(path: Path, fh, size: int, limits: LimitSettings) -> Inspection:
    _check_size(path, size, limits)
    fh.seek(0)
    head = fh.read(SNIFF_BYTES)
    if head.startswith(_OLE_MAGIC):
        _ole(path, fh, size)
    if not head.startswith(_ZIP_MAGICS):
        _not_zip(path, head, size)
    return _zip(path, fh, size, limits)


def _mb(n: int | float) -> str:
    return f"{n / (1 << 20):.1f} MB"


def _ole(path: Path, fh, size: int) -> None:
    """An OLE2 compound file: encrypted OOXML, or legacy .xls/.et, or something else."""
    fh.seek(0)
    data = fh.read(size)  # bounded by max_file_bytes

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


def _eocd_entries(path: Path, fh, size: int) -> int:
    """The member count from the end-of-central-directory record, read before zipfile does."""
    tail_len = min(size, 22 + 65535 + 20 + 56)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise _fail(path, "文件不完整（zip 结尾缺失），多半是下载或传输中断", RESEND)
    total = struct.unpack_from("<H", tail, at + 10)[0]
    if total == 0xFFFF:
        z64 = tail.rfind(b"PK\x06\x06")
        if z64 < 0 or len(tail) - z64 < 40:
            raise _fail(path, "文件不完整（zip64 目录缺失）", RESEND)
        total = struct.unpack_from("<Q", tail, z64 + 32)[0]
    return total


def _zip(path: Path, fh, size: int, limits: LimitSettings) -> Inspection:
    entries = _eocd_entries(path, fh, size)
    if entries > MAX_ZIP_MEMBERS:
        raise _fail(path, f"压缩包内文件数过多（{entries} 个，上限 {MAX_ZIP_MEMBERS}），疑似恶意文件，已拒绝读取")
    fh.seek(0)
    try:
        zf = zipfile.ZipFile(fh)
    except zipfile.BadZipFile:
        raise _fail(path, "文件不完整或已损坏（不是有效的 .xlsx 压缩包）", RESEND) from None
    infos = zf.infolist()
    names = [i.filename for i in infos]
    # Part names are case-insensitive (OPC) and some zip readers take '\\' for '/': two names
    # that differ only so would let a parser read a part this scan did not check.
    if len({_norm_part(n) for n in names}) != len(names):
        raise _fail(path, "压缩包内有重名的部件，疑似被篡改的文件，已拒绝读取", RESEND)
    nameset = set(names)
    _classify_zip(path, zf, nameset)

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
    # Worksheets are wherever workbook.xml's relationships point (calamine follows them), not
    # only under xl/worksheets/. When those parts cannot be parsed, every XML part gets the
    # full worksheet scan, so no sheet escapes the limits.
    sheet_map = _sheet_map(path, zf, nameset)
    if sheet_map is None:
        sheet_parts = {_norm_part(n) for n in names if _norm_part(n).endswith(".xml")}
    else:
        sheet_parts = {_norm_part(n) for n in sheet_map.values()} | {
            _norm_part(n) for n in names
            if _norm_part(n).startswith("xl/worksheets/") and "/_rels/" not in _norm_part(n)
        }
    for info in infos:
        name = info.filename
        if _norm_part(name) in sheet_parts:
            insp.sheets[name] = (_scan_sheet_fast(path, fh, info, limits)
                                 or _scan_sheet(path, fh, info, limits))
        elif name.lower().endswith((".xml", ".rels", ".vml")):
            _scan_xml(path, fh, info)
    # calamine materialises each sheet densely from A1 to its last cell: bound the sum too,
    # or 5,000 tiny sheets each with one cell at GR5000 would need billions of cells.
    budget = min(MAX_TOTAL_CELLS_FACTOR * limits.max_rows * limits.max_columns, MAX_TOTAL_CELLS)
    total = sum(p.max_row * p.max_col for p in insp.sheets.values())
    if total > budget:
        raise _fail(path, f"各工作表的数据范围合计 {total:,} 个单元格，超过上限 {budget:,}，"
                          "已拒绝读取（不像一份考评表）", "请删除多余的工作表、行和列后另存为 .xlsx")
    insp.sheet_parts = sheet_map or {}
    return insp


def _classify_zip(path: Path, zf: zipfile.ZipFile, names: set[str]) -> None:
    """A zip that is not an .xlsx: say what it is."""
    if "xl/workbook.xml" in names:
        return
    if "mimetype" in names:
        info = zf.getinfo("mimetype")
        mime = b""
        if info.file_size <= 200:
            mime = zf.read("mimetype")
        if b"opendocument.spreadsheet" in mime:
            raise _fail(path, "这是 OpenDocument 表格 (.ods) 文件，kaoping 只读取 .xlsx",
                        "请在 WPS 或 LibreOffice 中“另存为” Excel 工作簿(.xlsx)")
        if b"opendocument" in mime:
            raise _fail(path, "这是 OpenDocument 文档，不是表格", "请用 kaoping 生成的 .xlsx 表格填写")
    if "xl/workbook.bin" in names:
        raise _fail(path, "这是 Excel 二进制工作簿 (.xlsb)，kaoping 只读取 .xlsx", SAVE_AS)
    if "word/document.xml" in names:
        raise _fail(path, "这是 Word 文档 (.docx)，不是 Excel 表格", "请用 kaoping 生成的 .xlsx 表格填写")
    if "ppt/presentation.xml" in names:
        raise _fail(path, "这是 PowerPoint 文件 (.pptx)，不是 Excel 表格", "请用 kaoping 生成的 .xlsx 表格填写")
    if any(n.lower().endswith((".xlsx", ".xls", ".xlsm", ".et")) for n in names):
        raise _fail(path, "这是一个 zip 压缩包（里面装着表格文件），不是表格本身",
                    "请解压后把其中的 .xlsx 文件放进文件夹")
    raise _fail(path, "是 zip 压缩包但缺少 xl/workbook.xml，不是 Excel 工作簿（或已损坏）", RESEND)


def _norm_part(name: str) -> str:
    """A part name as a lenient zip reader would look it up."""
    return name.replace("\\", "/").lstrip("/").lower()


def _sheet_map(path: Path, zf: zipfile.ZipFile, names: set[str]) -> dict[str, str] | None:
    """Sheet name → worksheet part, from workbook.xml and its rels (parsed with defusedxml:
    no DTDs, no entities). None when they are missing or cannot be parsed."""
    from defusedxml import ElementTree as DET

    rels_name = "xl/_rels/workbook.xml.rels"
    if rels_name not in names or "xl/workbook.xml" not in names:
        return None
    if max(zf.getinfo(n).file_size for n in (rels_name, "xl/workbook.xml")) > MAX_INDEX_BYTES:
        return None  # not parsed into a tree (memory); the caller then scans every part
    try:
        wb = DET.fromstring(zf.read("xl/workbook.xml"))
        rels = DET.fromstring(zf.read(rels_name))
    except Exception:  # ParseError, DTDForbidden…: the caller scans every part as a sheet
        return None
    targets: dict[str, str] = {}
    for rel in rels:
        rid, target = rel.get("Id"), rel.get("Target")
        if not rid or not target:
            continue
        if target.startswith("/"):
            part = target.lstrip("/")
        else:
            part = str(PurePosixPath("xl") / target)
        parts: list[str] = []
        for seg in part.split("/"):
            if seg == "..":
                if parts:
                    parts.pop()
            elif seg not in ("", "."):
                parts.append(seg)
        targets[rid] = "/".join(parts)
    out: dict[str, str] = {}
    for el in wb.iter():
        if el.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
        name = el.get("name")
        if name and rid in targets:
            out[name] = targets[rid]
    return out


# ------------------------------------------------------------------ bounded inflation


def _member_chunks(path: Path, fh, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """Inflate one member ourselves, never producing more than it declares.

    A member that inflates beyond its declared size (a lying central directory) is refused;
    the CRC is checked at the end, so a corrupt member is reported as such.
    """
    if info.header_offset < 0:  # a damaged central directory (zipfile computes it from that)
        raise _fail(path, f"文件已损坏（部件 {info.filename} 的头部缺失）", RESEND)
    fh.seek(info.header_offset)
    header = fh.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise _fail(path, f"文件已损坏（部件 {info.filename} 的头部缺失）", RESEND)
    name_len, extra_len = struct.unpack_from("<HH", header, 26)
    fh.seek(info.header_offset + 30 + name_len + extra_len)
    left_in = info.compress_size
    left_out = info.file_size
    crc = 0
    bomb = (f"部件 {info.filename} 实际解压后大于其声明的大小，疑似“压缩炸弹”或被篡改，已拒绝读取")
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise _fail(path, f"文件已损坏（部件 {info.filename} 大小不一致）", RESEND)
        while left_in > 0:
            raw = fh.read(min(CHUNK, left_in))
            if not raw:
                raise _fail(path, f"文件不完整（部件 {info.filename} 被截断），多半是下载或传输中断", RESEND)
            left_in -= len(raw)
            crc = zlib.crc32(raw, crc)
            yield raw
        left_out = 0
    else:
        inflater = zlib.decompressobj(-15)
        while not inflater.eof:
            data = inflater.unconsumed_tail
            if not data:
                if left_in <= 0:
                    raise _fail(path, f"文件已损坏（部件 {info.filename} 的压缩数据不完整）", RESEND)
                data = fh.read(min(CHUNK, left_in))
                if not data:
                    raise _fail(path, f"文件不完整（部件 {info.filename} 被截断），多半是下载或传输中断", RESEND)
                left_in -= len(data)
            # At most left_out + 1 bytes: one byte more than declared proves the lie.
            out = inflater.decompress(data, min(CHUNK, left_out + 1))
            if len(out) > left_out:
                raise _fail(path, bomb)
            left_out -= len(out)
            crc = zlib.crc32(out, crc)
            if out:
                yield out
    if left_out != 0 or crc != info.CRC:
        raise _fail(path, f"文件已损坏（部件 {info.filename} 校验失败）", RESEND)


_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def _scan_xml(path: Path, fh, info: zipfile.ZipInfo) -> None:
    """Refuse any XML part with a DTD or entity declaration (billion laughs, XXE)."""
    carry = b""
    for chunk in _member_chunks(path, fh, info):
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


# Fast path for the sheets Excel, WPS and openpyxl write: every cell tag is `<c r="B7" …>`
# with a full reference and plain attributes, a value (if any) right inside it, no formulas.
# Such a sheet is analysed with a few C-speed regex passes instead of the tag-by-tag state
# machine below, with exactly the same result; anything else (formulas, prefixes, cells
# without `r`, odd markup, a sheet past the limits so the error names the first cell over
# them) returns None and gets the full scan.
FAST_MAX_BYTES = 1 << 20  # parts up to this size are inflated whole (bounded, CRC-checked)
# One pass: every simple cell tag with its reference and what follows it — "/" (self-closing),
# a value/inline-string tag, or "</c>" (an empty pair); group 3 is non-empty for values.
_FAST_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"(?:\s+[A-Za-z_][\w.:-]*="[^"<>]*")*\s*'
    rb"(?:/>|>\s*(?:</c>|(<)(?:v|is)[\s/>]))")
_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.-]*:c[\s/>]")
_ANY_CELL = re.compile(rb"<c[\s/>]")
_ANY_FORMULA = re.compile(rb"<" + _PREFIX + rb"f[\s/>]")
_DIMENSION = re.compile(rb"<" + _PREFIX + rb"dimension(?=[\s/>])" + _ATTRS + rb">")


_F_HINT = re.compile(rb"<f[\s/>]")  # in every _ANY_FORMULA match without a prefix,
_PREFIXED_F_HINT = re.compile(rb":f[\s/>]")  # and in every one with a prefix
_PREFIXED_C_HINT = re.compile(rb":c[\s/>]")  # in every _PREFIXED_CELL match
_DIMENSION_WORD = re.compile(rb"dimension")


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


def _scan_sheet_fast(path: Path, fh, info: zipfile.ZipInfo, limits: LimitSettings
                     ) -> PartInfo | None:
    """`_scan_sheet` for well-formed sheets without formulas; None means "use the full scan"."""
    if info.file_size > FAST_MAX_BYTES:
        return None
    chunks: list[bytes] = []
    carry = b""
    for chunk in _member_chunks(path, fh, info):  # DTDs refused as early as the full scan does
        if _DTD.search(carry + chunk):
            raise _hostile(path, info.filename)
        carry = chunk[-16:]
        chunks.append(chunk)
    data = b"".join(chunks)
    # Each regex search below is guarded by a pattern with a two-byte literal prefix that every
    # one of its matches contains (the guards skip through the text; the full patterns try a
    # match at every '<'): same answers, a fraction of the time.
    if (_F_HINT.search(data) or _PREFIXED_F_HINT.search(data)) and _ANY_FORMULA.search(data):
        return None
    if _PREFIXED_C_HINT.search(data) and _PREFIXED_CELL.search(data):
        return None
    cells = _FAST_CELL.findall(data)
    if len(cells) != len(_ANY_CELL.findall(data)):
        return None  # a cell tag the fast pattern does not cover, or odd cell content
    part = PartInfo()
    rows = [row for _, row, lt in cells if lt]
    if rows:
        part.max_row = max(map(int, rows))
        part.max_col = max(map(_col_number, {col for col, _, lt in cells if lt}))
    if part.max_row > limits.max_rows or part.max_col > limits.max_columns:
        return None  # the full scan raises, naming the first cell past the limits
    for m in _dimension_tags(data):
        ref = _ATTR_REF.search(m.group(1))
        if ref:
            cm = _CELL_REF.match(ref.group(1).split(b":")[-1].strip())
            if cm:
                part.declared = (int(cm.group(2)) if cm.group(2) else 1_048_576,
                                 _col_number(cm.group(1)) if cm.group(1) else 16_384)
    return part


def _scan_sheet(path: Path, fh, info: zipfile.ZipInfo, limits: LimitSettings) -> PartInfo:
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

    for chunk in _member_chunks(path, fh, info):
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
