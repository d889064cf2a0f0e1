"""What a file that is not an .xlsx really is, said so that the clerk knows how to fix it.

Sniffed from the bytes, never from the extension: OLE compound files (password-protected
OOXML, legacy .xls/.et, .doc, .ppt), PDF, images, RAR/7z, RTF, text (CSV, HTML, XML
spreadsheet 2003, plain), and zips that are no workbook (.ods, .xlsb, .docx, .pptx, a zip of
workbooks). `kaoping.excel.safety` calls these before any of its bounds.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ..errors import UnreadableWorkbookError

SNIFF_BYTES = 4096
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

SAVE_AS = "请在 Excel 或 WPS 中打开，点“文件 → 另存为”，保存类型选“Excel 工作簿(*.xlsx)”，再交回新文件"
RESEND = "请让填表人重新发送原文件（不要截图、不要转发压缩后的预览）"
USE_FORM = "请用 kaoping 生成的 .xlsx 表格填写"
EDITABLE = "请交回可编辑的 .xlsx 表格"


def unreadable(path: Path, what: str, fix: str | None = None) -> UnreadableWorkbookError:
    """The error for `path`: what is wrong with it, then how to fix it."""
    message = what if fix is None else f"{what}。{fix}。"
    return UnreadableWorkbookError(message, file=str(path))


def refuse_other_formats(path: Path, data: bytes) -> None:
    """Refuse anything that is not a zip, naming what it is."""
    head = data[:SNIFF_BYTES]
    if head.startswith(_OLE_MAGIC):
        _refuse_ole(path, data)
    if not head.startswith(_ZIP_MAGICS):
        _refuse_not_zip(path, head, len(data))



def _refuse_ole(path: Path, data: bytes) -> None:
    """An OLE2 compound file: encrypted OOXML, or legacy .xls/.et, .doc, .ppt."""

    def has_stream(name: str) -> bool:
        return name.encode("utf-16-le") in data

    if has_stream("EncryptedPackage") or has_stream("EncryptionInfo"):
        raise unreadable(path, "文件已设置打开密码，kaoping 无法读取",
                    "请去掉密码后另存为 .xlsx：在 Excel 中“文件 → 信息 → 保护工作簿 → 用密码进行加密”，"
                    "清空密码后保存（WPS：“文件 → 文档加密 → 密码加密”）")
    if has_stream("WordDocument"):
        raise unreadable(path, "这是 Word 文档 (.doc)，不是 Excel 表格", USE_FORM)
    if has_stream("PowerPoint Document"):
        raise unreadable(path, "这是 PowerPoint 文件 (.ppt)，不是 Excel 表格", USE_FORM)
    raise unreadable(path, "这是旧版 Excel (.xls) / WPS (.et) 文件，kaoping 只读取 .xlsx",
                "请在 Excel/WPS 中“另存为” Excel 工作簿(.xlsx)：" + SAVE_AS.removeprefix("请"))


def _refuse_not_zip(path: Path, head: bytes, size: int) -> None:
    """Not a zip at all: name what it is when we can."""
    if head.startswith(b"%PDF"):
        raise unreadable(path, "这是 PDF 文件，不是 Excel 表格", EDITABLE)
    if _is_image(head, size):
        raise unreadable(path, "这是图片（照片或截图），不是 Excel 表格", EDITABLE)
    if head.startswith((b"Rar!", b"7z\xbc\xaf")):
        raise unreadable(path, "这是压缩包 (RAR/7z)，不是 Excel 表格", "请解压后把其中的 .xlsx 文件放进文件夹")
    if head.startswith(b"{\\rtf"):
        raise unreadable(path, "这是 RTF 文档，不是 Excel 表格", "请交回 .xlsx 表格")
    text = _decode(head)
    if text is not None:
        _refuse_text(path, text)
    raise unreadable(path, "不是 Excel 工作簿（既不是 .xlsx 也不是其他可识别的格式），文件可能已损坏", RESEND)


def _is_image(head: bytes, size: int) -> bool:
    # "BM" also starts text ("BMI,姓名"): a bitmap's header gives the file's size
    bmp = head.startswith(b"BM") and len(head) >= 6 and int.from_bytes(head[2:6], "little") == size
    return head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")) or bmp or head[8:12] == b"WEBP"


def _refuse_text(path: Path, text: str) -> None:
    """A text file: CSV, HTML, XML spreadsheet 2003 or plain text, often renamed .xlsx."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        raise unreadable(path, f"这是 CSV/文本文件（{suffix}），kaoping 只读取 .xlsx", SAVE_AS)
    if suffix in (".htm", ".html"):
        raise unreadable(path, f"这是网页文件（{suffix}），kaoping 只读取 .xlsx", SAVE_AS)
    probe = text.lstrip("\ufeff \t\r\n").lower()
    if probe.startswith("<"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in probe or "<workbook" in probe:
            raise unreadable(path, "这是“XML 电子表格 2003”格式的文件，只是扩展名被改成了 .xlsx", SAVE_AS)
        if "<html" in probe or "<table" in probe or "<!doctype html" in probe or "<meta" in probe:
            raise unreadable(path, "这是网页 (HTML) 文件，只是扩展名被改成了 .xlsx（常见于从网页或系统“导出”）",
                        SAVE_AS)
        raise unreadable(path, "这是 XML/文本文件，只是扩展名被改成了 .xlsx", SAVE_AS)
    if "," in probe or "\t" in probe:
        raise unreadable(path, "这是 CSV/文本表格文件，只是扩展名被改成了 .xlsx", SAVE_AS)
    raise unreadable(path, "这是纯文本文件，不是 Excel 表格", SAVE_AS)


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
            if exc.start < len(head) - 4:
                continue
            text = head[: exc.start].decode(enc, errors="ignore")  # a character cut by the sniff
        control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
        return text if control <= len(text) // 100 else None
    return None


def refuse_zip_of_something_else(path: Path, data: bytes, members: dict) -> None:
    """A zip without xl/workbook.xml: say what it is."""
    if "xl/workbook.xml" in members:
        return
    if "mimetype" in members:
        mime = b""
        if members["mimetype"].file_size <= 200:
            mime = zipfile.ZipFile(io.BytesIO(data)).read("mimetype")
        if b"opendocument.spreadsheet" in mime:
            raise unreadable(path, "这是 OpenDocument 表格 (.ods) 文件，kaoping 只读取 .xlsx",
                        "请在 WPS 或 LibreOffice 中“另存为” Excel 工作簿(.xlsx)")
        if b"opendocument" in mime:
            raise unreadable(path, "这是 OpenDocument 文档，不是表格", USE_FORM)
    if "xl/workbook.bin" in members:
        raise unreadable(path, "这是 Excel 二进制工作簿 (.xlsb)，kaoping 只读取 .xlsx", SAVE_AS)
    if "word/document.xml" in members:
        raise unreadable(path, "这是 Word 文档 (.docx)，不是 Excel 表格", USE_FORM)
    if "ppt/presentation.xml" in members:
        raise unreadable(path, "这是 PowerPoint 文件 (.pptx)，不是 Excel 表格", USE_FORM)
    if any(n.lower().endswith((".xlsx", ".xls", ".xlsm", ".et")) for n in members):
        raise unreadable(path, "这是一个 zip 压缩包（里面装着表格文件），不是表格本身",
                    "请解压后把其中的 .xlsx 文件放进文件夹")
    raise unreadable(path, "是 zip 压缩包但缺少 xl/workbook.xml，不是 Excel 工作簿（或已损坏）", RESEND)
