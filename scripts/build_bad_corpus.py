#!/usr/bin/env python3
"""Build tests/corpus/bad/: broken, mislabelled and hostile workbooks a clerk really receives.

    .venv/bin/python scripts/build_bad_corpus.py [--out tests/corpus/bad]

Every file is listed in `CASES` with the finding it must produce; the same list writes
`tests/corpus/bad/README.md`. Content-level cases start from real kaoping forms
(`kaoping.forms.routine`) for people on `tests/corpus/roster.xlsx` and corrupt them with
openpyxl or by editing the XML inside the zip. Output is deterministic (fixed zip dates,
seeded randomness), so rebuilding does not change committed bytes needlessly.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import shutil
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

ZIP_DATE = (2026, 7, 1, 9, 0, 0)
PERIOD_QUARTER = "2026Q3"  # the folder is "collected/2026Q3"; quarter check runs for this quarter
PERIOD_MONTH = "2026-07"  # month check runs for this month


@dataclass
class Case:
    name: str
    group: str  # 文件 / 恶意 / 内容 / 跳过
    what: str  # what is wrong (Chinese, for README)
    expect: str  # a keyword the finding (or preflight message) must contain
    build: Callable[[Path], None]
    preflight: bool = True  # True: `preflight` must refuse it; False: it is a readable workbook
    skipped: bool = False  # True: lock/hidden file, must be skipped silently
    # Which check commands must name the file: file-level problems are found by every
    # command that reads workbooks; a quarterly form's content by `quarter check`, a monthly
    # summary's content by `month check` (each command ignores the other's forms by design).
    commands: tuple[str, ...] = ("quarter", "month")


CASES: list[Case] = []
CASES_BY_NAME: dict[str, Case] = {}


def case(name: str, group: str, what: str, expect: str, *, preflight: bool = True,
         skipped: bool = False, commands: tuple[str, ...] | None = None):
    def deco(fn: Callable[[Path], None]) -> Callable[[Path], None]:
        cmds = commands if commands is not None else () if skipped else ("quarter", "month")
        CASES.append(Case(name, group, what, expect, fn, preflight, skipped, cmds))
        CASES_BY_NAME[name] = CASES[-1]
        return fn

    return deco


# ------------------------------------------------------------------ low-level helpers


def zip_bytes(members: list[tuple[str, bytes]], *, compress: int = zipfile.ZIP_DEFLATED,
              level: int = 6) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else compress
            zf.writestr(info, data, compresslevel=level)
    return buf.getvalue()


def cfb_bytes(streams: dict[str, bytes]) -> bytes:
    """A minimal valid OLE2 compound file (v3, 512-byte sectors) holding `streams`.

    Every stream is padded to ≥ 4096 bytes so it lives in regular sectors (no mini stream).
    Enough for Excel's and our sniffers' purposes: .xls/.et workbooks, encrypted OOXML.
    """
    sector = 512
    end, free, fatsect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    items = [(n, d + b"\x00" * max(0, 4096 - len(d))) for n, d in streams.items()]
    fat = [fatsect, end]  # sector 0: FAT, sector 1: directory
    data = b""
    starts = []
    for _, d in items:
        n = -(-len(d) // sector)
        first = len(fat)
        starts.append(first)
        fat.extend(range(first + 1, first + n))
        fat.append(end)
        data += d + b"\x00" * (n * sector - len(d))
    assert len(fat) <= 128
    fat += [free] * (128 - len(fat))

    def entry(name: str, typ: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = (name + "\x00").encode("utf-16-le")
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), typ, 1)
                + struct.pack("<III", free, right, child) + b"\x00" * 16 + b"\x00" * 4
                + b"\x00" * 16 + struct.pack("<IQ", start, size))

    dirs = entry("Root Entry", 5, 1, free, end, 0)
    for i, ((name, d), start) in enumerate(zip(items, starts, strict=True), start=1):
        dirs += entry(name, 2, free, i + 1 if i < len(items) else free, start, len(d))
    dirs = dirs.ljust(sector, b"\x00")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)
    assert len(header) == 512
    return header + struct.pack("<128I", *fat) + dirs + data


def biff_workbook() -> bytes:
    """BIFF8 BOF (workbook globals) + EOF: the start of a real .xls Workbook stream."""
    bof = struct.pack("<HH", 0x0809, 16) + struct.pack("<HHHHII", 0x0600, 0x0005, 0x2775, 0x07CD, 0, 6)
    return bof + struct.pack("<HH", 0x000A, 0)


def rewrite_zip(src: bytes, edit: Callable[[str, bytes], bytes | None]) -> bytes:
    """Copy a zip, passing each member through `edit(name, data)` (None drops it)."""
    out = []
    with zipfile.ZipFile(io.BytesIO(src)) as zf:
        for info in zf.infolist():
            new = edit(info.filename, zf.read(info.filename))
            if new is not None:
                out.append((info.filename, new))
    return zip_bytes(out)


def minimal_xlsx(sheet_xml: bytes, *, shared: bytes | None = None, level: int = 6) -> bytes:
    """A hand-written .xlsx with one sheet (for hostile cases built from raw XML)."""
    ct = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          b'<Default Extension="xml" ContentType="application/xml"/>'
          b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
          + (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' if shared else b"")
          + b"</Types>")
    rels = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            b"</Relationships>")
    wb = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
          b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
          b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
    wbrels = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
              b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
              + (b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' if shared else b"")
              + b"</Relationships>")
    members = [("[Content_Types].xml", ct), ("_rels/.rels", rels), ("xl/workbook.xml", wb),
               ("xl/_rels/workbook.xml.rels", wbrels), ("xl/worksheets/sheet1.xml", sheet_xml)]
    if shared:
        members.append(("xl/sharedStrings.xml", shared))
    return zip_bytes(members, level=level)


SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def sheet_xml(body: bytes, dimension: str | None = None) -> bytes:
    dim = f'<dimension ref="{dimension}"/>'.encode() if dimension else b""
    return SHEET_HEAD + dim + b"<sheetData>" + body + b"</sheetData></worksheet>"


def patch_central_sizes(data: bytes, member: str, *, file_size: int | None = None) -> bytes:
    """Change the declared uncompressed size of `member` in the central directory only."""
    buf = bytearray(data)
    at = 0
    target = member.encode()
    while True:
        at = buf.find(b"PK\x01\x02", at)
        if at < 0:
            raise ValueError(member)
        name_len = struct.unpack_from("<H", buf, at + 28)[0]
        if bytes(buf[at + 46: at + 46 + name_len]) == target:
            if file_size is not None:
                struct.pack_into("<I", buf, at + 24, file_size)
            return bytes(buf)
        at += 46


# ------------------------------------------------------------------ real kaoping forms


_ROSTER_PEOPLE: list | None = None


def roster_people():
    """The corpus roster: four people in two units (fictional)."""
    global _ROSTER_PEOPLE
    if _ROSTER_PEOPLE is None:
        from kaoping.models import Person, RankCategory

        clerk = RankCategory.CLERK
        def p(sid, name, unit, post="科员", rank="一级科员", cat=clerk, year=2016):
            section = "核算科" if unit == "财务处" else "业务科"
            return Person(staff_id=sid, name=name, unit=unit, section=section, post=post, rank=rank,
                          rank_category=cat, hired_on=dt.date(year, 3, 1))

        _ROSTER_PEOPLE = [
            p("T001", "张三", "财务处", year=2015),
            p("T002", "李四", "财务处", rank="二级科员"),
            p("T003", "王小五", "鹿城分中心", post="副科长", rank="一级主任科员",
              cat=RankCategory.SECTION_CHIEF, year=2012),
            p("T004", "林芳", "鹿城分中心", year=2018),
            p("T005", "陈晓", "财务处", year=2019),
            p("T006", "周敏", "鹿城分中心", year=2017),
            p("T007", "欧阳明", "鹿城分中心", year=2014),
            p("T008", "吴刚", "财务处", year=2013),
        ]
    return _ROSTER_PEOPLE


def person(staff_id: str):
    return next(p for p in roster_people() if p.staff_id == staff_id)


def stranger():
    from kaoping.models import Person, RankCategory

    return Person(staff_id="T999", name="路人甲", unit="财务处", section="核算科", post="科员",
                  rank="一级科员", rank_category=RankCategory.CLERK)


def wb_bytes(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return normalize_zip(buf.getvalue())


def normalize_zip(data: bytes) -> bytes:
    """Re-zip with fixed dates so the corpus is byte-stable across rebuilds."""
    return rewrite_zip(data, lambda _n, d: _strip_times(d))


def _strip_times(data: bytes) -> bytes:
    import re

    return re.sub(rb"<dcterms:(created|modified)([^>]*)>[^<]*</dcterms:\1>",
                  rb"<dcterms:\1\2>2026-07-01T09:00:00Z</dcterms:\1>", data)


def quarterly_eval(p, *, self_ticks=("好",), leader_ticks=("较好",), quarter: str = PERIOD_QUARTER,
                   highlights: str = "按时完成公积金归集对账、年度结息复核等工作，差错率为零。",
                   opinion: str = "同意，该同志工作认真负责，完成任务较好。"):
    from kaoping.models import FormIdentity, QuarterGrade, QuarterlyEvaluation, SourceRef
    from kaoping.periods import parse_quarter

    q = parse_quarter(quarter)
    return QuarterlyEvaluation(
        source=SourceRef(file="corpus"),
        identity=FormIdentity(staff_id=p.staff_id, name=p.name, unit=p.unit, section=p.section,
                              post=p.post),
        year=q.year, quarter=q.quarter, highlights=highlights,
        shortcomings="政策理论学习还不够系统，下一步加强学习。",
        self_ticks=[QuarterGrade(t) for t in self_ticks],
        leader_ticks=[QuarterGrade(t) for t in leader_ticks],
        leader_opinion=opinion, leader_signature="赵主任",
    )


def quarterly_form(p, **kw):
    from kaoping.forms.routine import quarterly_workbook
    from kaoping.periods import parse_quarter

    return quarterly_workbook(p, parse_quarter(kw.pop("quarter", PERIOD_QUARTER)),
                              quarterly_eval(p, **kw))


def monthly_summary(p, *, month: str = PERIOD_MONTH, sick: float | None = 0.0,
                    annual: float | None = 1.0):
    from kaoping.models import FormIdentity, MonthlySummary, SourceRef
    from kaoping.periods import parse_month

    m = parse_month(month)
    return MonthlySummary(
        source=SourceRef(file="corpus"),
        identity=FormIdentity(staff_id=p.staff_id, name=p.name, unit=p.unit, section=p.section,
                              post=p.post),
        year=m.year, month=m.month,
        daily_work="办理提取业务审核、归集对账。", key_tasks="完成年度结息复核。",
        problems="业务学习不够系统。", next_plans="加强政策学习，提高审核效率。",
        sick_personal_days=sick, annual_leave_days=annual,
        sick_personal_days_ytd=sick, annual_leave_days_ytd=annual,
        verifier_signature="赵主任",
    )


def monthly_form(p, **kw):
    from kaoping.forms.routine import monthly_workbook
    from kaoping.periods import parse_month

    return monthly_workbook(p, parse_month(kw.get("month", PERIOD_MONTH)), monthly_summary(p, **kw))


def find_cell(ws, predicate):
    for row in ws.iter_rows():
        for c in row:
            if c.value is not None and predicate(str(c.value)):
                return c
    raise LookupError("cell not found")


def form_sheet(wb):
    """The form's first visible sheet."""
    return next(ws for ws in wb.worksheets if ws.sheet_state == "visible")


def label_value_cell(ws, label: str):
    """The first empty-or-filled cell to the right of a label (for identity fields)."""
    lab = find_cell(ws, lambda t: t.replace(" ", "").replace("\n", "") == label)
    for col in range(lab.column + 1, lab.column + 8):
        cell = ws.cell(lab.row, col)
        if type(cell).__name__ != "MergedCell":
            return cell
    raise LookupError(label)


def write(path: Path, data: bytes) -> None:
    path.write_bytes(data)


# ------------------------------------------------------------------ file-level cases


def _form_bytes() -> bytes:
    return wb_bytes(quarterly_form(person("T001")))


@case("空文件.xlsx", "文件", "0 字节", "空的")
def _(p: Path) -> None:
    write(p, b"")


@case("乱码.xlsx", "文件", "随机字节，不是任何格式", "不是 Excel 工作簿")
def _(p: Path) -> None:
    write(p, random.Random(6).randbytes(3000))


@case("传输中断-截断.xlsx", "文件", "真实表格只剩前一半字节（下载中断）", "不完整")
def _(p: Path) -> None:
    data = _form_bytes()
    write(p, data[: len(data) // 2])


@case("损坏-校验失败.xlsx", "文件", "工作表部件中间一个字节被改（CRC 不符）", "损坏")
def _(p: Path) -> None:
    data = bytearray(_form_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len
    data[start + info.compress_size // 2] ^= 0x55
    write(p, bytes(data))


@case("设了密码.xlsx", "文件", "加密的 OOXML（OLE 容器含 EncryptionInfo/EncryptedPackage）", "密码")
def _(p: Path) -> None:
    info = struct.pack("<HHI", 4, 4, 0x40) + (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<encryption '
        b'xmlns="http://schemas.microsoft.com/office/2006/encryption"><keyData saltSize="16" '
        b'blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" '
        b'hashAlgorithm="SHA512" saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/></encryption>')
    pkg = struct.pack("<Q", 9000) + random.Random(7).randbytes(9008)
    write(p, cfb_bytes({"EncryptionInfo": info, "EncryptedPackage": pkg}))


@case("旧版格式.xls", "文件", "Excel 97-2003 (.xls, OLE/BIFF8)", "旧版 Excel")
def _(p: Path) -> None:
    write(p, cfb_bytes({"Workbook": biff_workbook()}))


@case("WPS表格.et", "文件", "WPS .et（OLE/BIFF）", "WPS")
def _(p: Path) -> None:
    write(p, cfb_bytes({"Workbook": biff_workbook(), "WpsCustomData": b"wps"}))


@case("改了扩展名的xls.xlsx", "文件", "真实的 .xls 被改名为 .xlsx", "旧版 Excel")
def _(p: Path) -> None:
    write(p, cfb_bytes({"Workbook": biff_workbook()}))


@case("开放文档.ods", "文件", "OpenDocument 表格 (.ods)", "OpenDocument")
def _(p: Path) -> None:
    content = (b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
               b'<office:spreadsheet><table:table table:name="Sheet1"><table:table-row>'
               b'<table:table-cell><text:p>\xe5\xa7\x93\xe5\x90\x8d</text:p></table:table-cell>'
               b"</table:table-row></table:table></office:spreadsheet></office:body>"
               b"</office:document-content>")
    manifest = (b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                b'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                b'<manifest:file-entry manifest:full-path="/" '
                b'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                b"</manifest:manifest>")
    write(p, zip_bytes([("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
                        ("content.xml", content), ("META-INF/manifest.xml", manifest)]))


@case("其实是CSV.xlsx", "文件", "GBK 编码的 CSV 文本改名为 .xlsx", "CSV")
def _(p: Path) -> None:
    write(p, "姓名,单位,自评档次\n张三,财务处,好\n".encode("gb18030"))


@case("其实是网页.xlsx", "文件", "系统“导出 Excel”生成的 HTML 表格", "网页")
def _(p: Path) -> None:
    write(p, "<html><head><meta charset='utf-8'></head><body><table><tr><td>姓名</td>"
             "<td>张三</td></tr></table></body></html>".encode())


@case("XML电子表格2003.xlsx", "文件", "Excel 2003 XML 电子表格改名为 .xlsx", "XML 电子表格")
def _(p: Path) -> None:
    write(p, b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
             b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
             b'<Worksheet ss:Name="Sheet1" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
             b"<Table><Row><Cell><Data ss:Type=\"String\">x</Data></Cell></Row></Table></Worksheet></Workbook>")


@case("导出名单.csv", "文件", "真正的 .csv 文件放进了表格文件夹", "CSV")
def _(p: Path) -> None:
    write(p, "\ufeff姓名,工号\n张三,T001\n".encode())


@case("系统导出.html", "文件", "真正的 .html 文件", "网页")
def _(p: Path) -> None:
    write(p, "<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table></body></html>".encode())


@case("纯文本.xlsx", "文件", "一句话的文本文件", "纯文本")
def _(p: Path) -> None:
    write(p, "张三的季度评价表见附件，谢谢！".encode())


@case("缺少workbook.xlsx", "文件", "zip 包中没有 xl/workbook.xml", "缺少 xl/workbook.xml")
def _(p: Path) -> None:
    write(p, zip_bytes([("readme.txt", "hello".encode())]))


@case("其实是Word.xlsx", "文件", ".docx 改名为 .xlsx", "Word")
def _(p: Path) -> None:
    write(p, zip_bytes([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")]))


@case("其实是压缩包.xlsx", "文件", "装着几份表格的 zip 被改名为 .xlsx", "压缩包")
def _(p: Path) -> None:
    form = _form_bytes()
    write(p, zip_bytes([("张三-2026Q3.xlsx", form), ("李四-2026Q3.xlsx", form)]))


@case("二进制工作簿.xlsx", "文件", ".xlsb 改名为 .xlsx", "xlsb")
def _(p: Path) -> None:
    write(p, zip_bytes([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.bin", b"\x83\x01\x00")]))


@case("拍照.xlsx", "文件", "手机拍的表格照片 (PNG) 改名为 .xlsx", "图片")
def _(p: Path) -> None:
    raw = b"\x00\xff\x00\x00" * 4
    png = (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 2, 2, 8, 6, 0, 0, 0)
           + struct.pack(">I", zlib.crc32(b"IHDR" + struct.pack(">IIBBBBB", 2, 2, 8, 6, 0, 0, 0)))
           + struct.pack(">I", len(zlib.compress(raw))) + b"IDAT" + zlib.compress(raw)
           + struct.pack(">I", zlib.crc32(b"IDAT" + zlib.compress(raw))) + b"\x00\x00\x00\x00IEND\xaeB`\x82")
    write(p, png)


@case("扫描件.xlsx", "文件", "PDF 改名为 .xlsx", "PDF")
def _(p: Path) -> None:
    write(p, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


@case("旧版Word.xlsx", "文件", ".doc (OLE WordDocument) 改名为 .xlsx", "Word")
def _(p: Path) -> None:
    write(p, cfb_bytes({"WordDocument": b"\xec\xa5" + b"\x00" * 100}))


# ------------------------------------------------------------------ skipped silently


@case("~$张三-2026Q3.xlsx", "跳过", "Office 锁文件（Excel 打开文件时生成）", "", preflight=False, skipped=True)
def _(p: Path) -> None:
    write(p, b"\x08zhangsan" + b"\x00" * 45 + b"\x08\x00z\x00h\x00a\x00" + b"\x20\x00" * 50)


@case(".隐藏文件.xlsx", "跳过", "隐藏文件（macOS 的 ._ 文件之类）", "", preflight=False, skipped=True)
def _(p: Path) -> None:
    write(p, b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ")


# ------------------------------------------------------------------ hostile cases


@case("亿万笑声.xlsx", "恶意", "sharedStrings.xml 含“billion laughs”实体嵌套", "DTD")
def _(p: Path) -> None:
    ents = "".join(f'<!ENTITY l{i} "' + f"&l{i - 1};" * 10 + '">' for i in range(1, 10))
    shared = (f'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY l0 "lol">{ents}]>'
              '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
              'uniqueCount="1"><si><t>&l9;</t></si></sst>').encode()
    body = b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    write(p, minimal_xlsx(sheet_xml(body, "A1"), shared=shared))


@case("外部实体-文件.xlsx", "恶意", "工作表 XML 含外部实体 SYSTEM \"file:///etc/passwd\"", "DTD")
def _(p: Path) -> None:
    xml = (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           b'<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>')
    write(p, minimal_xlsx(xml))


@case("外部实体-网络.xlsx", "恶意", "workbook.xml 含参数实体，指向 http://127.0.0.1:9/", "DTD")
def _(p: Path) -> None:
    data = minimal_xlsx(sheet_xml(b'<row r="1"><c r="A1"><v>1</v></c></row>', "A1"))

    def edit(name: str, d: bytes) -> bytes:
        if name == "xl/workbook.xml":
            return d.replace(b"?>\n", b'?>\n<!DOCTYPE workbook [<!ENTITY % ext SYSTEM '
                                      b'"http://127.0.0.1:9/evil.dtd"> %ext;]>\n', 1)
        return d

    write(p, rewrite_zip(data, edit))


@case("压缩炸弹-压缩比.xlsx", "恶意", "工作表 4 MB 空格压缩到约 4 KB（压缩比约 1000:1）", "压缩比")
def _(p: Path) -> None:
    xml = sheet_xml(b'<row r="1"><c r="A1"><v>1</v></c></row>' + b" " * (4 << 20), "A1")
    write(p, minimal_xlsx(xml, level=9))


@case("压缩炸弹-总大小.xlsx", "恶意", "中央目录声明解压后 3 GB（文件本身很小）", "总大小")
def _(p: Path) -> None:
    data = minimal_xlsx(sheet_xml(b'<row r="1"><c r="A1"><v>1</v></c></row>', "A1"))
    write(p, patch_central_sizes(data, "xl/worksheets/sheet1.xml", file_size=3_000_000_000))


@case("声明大小作假.xlsx", "恶意", "工作表实际解压大小超过中央目录声明的大小", "声明的大小")
def _(p: Path) -> None:
    xml = sheet_xml(b'<row r="1"><c r="A1"><v>1</v></c></row>' + b" " * 5000, "A1")
    data = minimal_xlsx(xml)
    write(p, patch_central_sizes(data, "xl/worksheets/sheet1.xml", file_size=200))


@case("一百万行.xlsx", "恶意", "1,048,576 行数据（无 dimension，行号不写 r 属性）", "上限")
def _(p: Path) -> None:
    body = b"<row><c><v>1</v></c></row>" * 1_048_576
    write(p, minimal_xlsx(sheet_xml(body), level=9))


@case("声明一百万行.xlsx", "恶意", "<dimension ref=\"A1:C1048576\">，第 1,048,576 行 C 列有值", "上限")
def _(p: Path) -> None:
    body = b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="C1048576"><v>2</v></c></row>'
    write(p, minimal_xlsx(sheet_xml(body, "A1:C1048576")))


@case("16384列.xlsx", "恶意", "第 1 行写到 XFD1（第 16,384 列），无 dimension", "上限")
def _(p: Path) -> None:
    body = b'<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>2</v></c></row>'
    write(p, minimal_xlsx(sheet_xml(body)))


# ------------------------------------------------------------------ content-level cases


def _save(p: Path, wb) -> None:
    write(p, wb_bytes(wb))


def _edit_sheet_xml(data: bytes, edit: Callable[[bytes], bytes], part: str = "xl/worksheets/sheet1.xml") -> bytes:
    return rewrite_zip(data, lambda n, d: edit(d) if n == part else d)


@case("公式无缓存值-张三-2026Q3.xlsx", "内容", "领导评价档次的勾由公式 =IF(1,\"√\",\"\") 给出，文件未保存计算结果",
      "公式", preflight=False, commands=("quarter",))
def _(p: Path) -> None:
    wb = quarterly_form(person("T001"), leader_ticks=())
    ws = form_sheet(wb)
    # The leader's 较好 box: the second tick row's second grade (found by the reader's labels).
    cell = _grade_cell(ws, "领导", "较好")
    cell.value = '=IF(1,"√","")'  # openpyxl stores formulas without a cached value
    _save(p, wb)


def _grade_cell(ws, who: str, grade: str):
    """The tick cell of `grade` for 自评档次 (who='自评') or 领导评价档次 (who='领导'):
    kaoping's form writes the four grade names on the label's row and the ticks below them."""
    row_label = find_cell(ws, lambda t: who in t.replace("\n", "") and "档次" in t)
    for c in range(row_label.column + 1, ws.max_column + 1):
        if str(ws.cell(row_label.row, c).value or "").strip() == grade:
            return ws.cell(row_label.row + 1, c)
    raise LookupError(f"{who} {grade}")


@case("两个勾-李四-2026Q3.xlsx", "内容", "自评档次勾了“好”和“较好”两项", "Q1", preflight=False, commands=("quarter",))
def _(p: Path) -> None:
    _save(p, quarterly_form(person("T002"), self_ticks=("好", "较好")))


@case("没打勾-王小五-2026Q3.xlsx", "内容", "领导评价档次一项也没勾", "Q1", preflight=False, commands=("quarter",))
def _(p: Path) -> None:
    _save(p, quarterly_form(person("T003"), leader_ticks=()))


@case("勾打在格子外-林芳-2026Q3.xlsx", "内容", "领导评价档次没勾，却在“存在的不足”标签旁写了 √（表外的勾不算数）",
      "Q1", preflight=False, commands=("quarter",))
def _(p: Path) -> None:
    wb = quarterly_form(person("T004"), leader_ticks=())
    ws = form_sheet(wb)
    lab = find_cell(ws, lambda t: "不足" in t)
    ws.cell(lab.row, lab.column).value = str(lab.value) + " √"
    _save(p, wb)


@case("日期不存在-张三-2026-07.xlsx", "内容", "一周小记第一行日期写成 2026-02-30", "2026-02-30", preflight=False, commands=("month",))
def _(p: Path) -> None:
    wb = monthly_form(person("T001"))
    ws = _first_weekly_sheet(wb)
    date_cell = _first_task_cell(ws, "日期")
    date_cell.value = "2026-02-30"
    ws.cell(date_cell.row, date_cell.column + 1).value = "整理归集对账资料"
    _first_task_cell(ws, "完成情况").value = "进行中"
    _save(p, wb)


@case("日期超出月份-李四-2026-07.xlsx", "内容", "7 月第 1 周（7.1–7.5）的小记里接到任务日期写成 2026-07-25，并写了 2025-03-01 的完成时间", "晚于本周结束日",
      preflight=False, commands=("month",))
def _(p: Path) -> None:
    wb = monthly_form(person("T002"))
    ws = _first_weekly_sheet(wb)
    date_cell = _first_task_cell(ws, "日期")
    date_cell.value = "2026-07-25"
    ws.cell(date_cell.row, date_cell.column + 1).value = "整理归集对账资料"
    _first_task_cell(ws, "完成情况").value = "已完成 2025-03-01"
    _save(p, wb)


def _first_weekly_sheet(wb):
    for ws in wb.worksheets:
        if ws.sheet_state == "visible" and any(
                isinstance(c.value, str) and "一周小记" in c.value for row in ws.iter_rows(max_row=3) for c in row):
            return ws
    raise LookupError("weekly sheet")


def _first_task_cell(ws, header: str):
    head = find_cell(ws, lambda t: t.strip() == header)
    return ws.cell(head.row + 1, head.column)


@case("病事假为负-王小五-2026-07.xlsx", "内容", "本月病事假填 -1 天", "-1", preflight=False, commands=("month",))
def _(p: Path) -> None:
    _save(p, monthly_form(person("T003"), sick=-1.0))


@case("病事假0.3天-林芳-2026-07.xlsx", "内容", "本月病事假填 0.3 天（只能以 0.5 天为单位）", "0.3",
      preflight=False, commands=("month",))
def _(p: Path) -> None:
    _save(p, monthly_form(person("T004"), sick=0.3, annual=0.0))


@case("上季度的表-张三-2026Q2.xlsx", "内容", "2026 年第二季度的评价表放进了第三季度文件夹", "第二季度",
      preflight=False, commands=("quarter",))
def _(p: Path) -> None:
    _save(p, quarterly_form(person("T001"), quarter="2026Q2"))


@case("月份写错-周敏-2026-07.xlsx", "内容", "7 月的月度小结，表头却改成了“（6）月份”（期间不符）",
      "表头写的是", preflight=False, commands=("month",))
def _(p: Path) -> None:
    wb = monthly_form(person("T006"))
    ws = form_sheet(wb)
    cell = find_cell(ws, lambda t: "月份" in t and "（7）" in t)
    cell.value = str(cell.value).replace("（7）", "（6）")
    _save(p, wb)


@case("重复工号-张三-第二份.xlsx", "内容", "张三 (T001) 第二份 2026Q3 季度评价表（与“公式无缓存值-张三”重复）", "重复",
      preflight=False, commands=("quarter",))
def _(p: Path) -> None:
    _save(p, quarterly_form(person("T001")))


@case("重复姓名-李四-手工版-2026Q3.xlsx", "内容", "李四的评价表删掉了 _kaoping 工作表（无工号），与另一份同名同单位",
      "重复", preflight=False, commands=("quarter",))
def _(p: Path) -> None:
    wb = quarterly_form(person("T002"))
    del wb["_kaoping"]
    _save(p, wb)


@case("不在花名册-路人甲-2026Q3.xlsx", "内容", "工号 T999 路人甲不在花名册上", "花名册", preflight=False, commands=("quarter",))
def _(p: Path) -> None:
    _save(p, quarterly_form(stranger()))


@case("合并单元格被拆-陈晓-2026Q3.xlsx", "内容", "“主要工作亮点”填写区的合并单元格被拆开，文字写在被拆出的格子里；且领导未勾档次",
      "Q1", preflight=False, commands=("quarter",))
def _(p: Path) -> None:
    wb = quarterly_form(person("T005"), leader_ticks=())
    ws = form_sheet(wb)
    for rng in list(ws.merged_cells.ranges):
        tl = ws.cell(rng.min_row, rng.min_col)
        if isinstance(tl.value, str) and "按时完成" in tl.value:
            ws.unmerge_cells(str(rng))
            ws.cell(rng.max_row, rng.max_col).value = "（补充）另完成了贷款档案整理。"
            break
    _save(p, wb)


@case("空格和全角-欧阳明-2026-07.xlsx", "内容",
      "姓名前后有全角空格和零宽字符、天数写成全角“１．５天”；另有一行已完成任务缺完成日期", "完成", preflight=False, commands=("month",))
def _(p: Path) -> None:
    wb = monthly_form(person("T007"), sick=0.0)
    ws = form_sheet(wb)
    try:
        name_cell = label_value_cell(ws, "姓名")
        name_cell.value = "\u3000欧阳\u200b明 \u3000"
    except LookupError:
        pass
    try:
        sick = _leave_cell(ws)
        sick.value = "１．５天"
    except LookupError:
        pass
    wk = _first_weekly_sheet(wb)
    d = _first_task_cell(wk, "日期")
    d.value = "2026-07-01"
    wk.cell(d.row, d.column + 1).value = "\u200b归集对账\u3000"
    status = _first_task_cell(wk, "完成情况")
    status.value = " 已完成\u200b"
    _save(p, wb)


def _leave_cell(ws):
    lab = find_cell(ws, lambda t: "病" in t and "假" in t and "累计" not in t and "全年" not in t)
    for col in range(lab.column + 1, lab.column + 6):
        cell = ws.cell(lab.row, col)
        if type(cell).__name__ != "MergedCell" and not isinstance(cell.value, str):
            return cell
    raise LookupError("leave")


@case("公式求和天数-吴刚-2026-07.xlsx", "内容", "本月病事假写成公式 =0.5+0.5，未保存计算结果", "公式",
      preflight=False, commands=("month",))
def _(p: Path) -> None:
    wb = monthly_form(person("T008"), sick=1.0)
    ws = form_sheet(wb)
    cell = _leave_cell(ws)
    cell.value = "=0.5+0.5"
    _save(p, wb)


@case("季度表放错-周敏-2026-07.xlsx", "内容", "月度文件名的季度评价表；领导档次勾了“好”和“一般”两项",
      "Q1", preflight=False, commands=("quarter",))
def _(p: Path) -> None:
    _save(p, quarterly_form(person("T006"), leader_ticks=("好", "一般")))


@case("不是考评表.xlsx", "内容", "一份普通的 Excel 表格（通讯录），不是考评表", "不是", preflight=False)
def _(p: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "通讯录"
    for row in (["姓名", "电话"], ["张三", "0577-88888888"]):
        ws.append(row)
    _save(p, wb)


# ------------------------------------------------------------------ odd names


@case("张三 (1)【最终版】#&%'+ 评价表.xlsx", "文件", "文件名含空格、括号、全角符号和 #&%'+；内容是 .xls", "旧版 Excel")
def _(p: Path) -> None:
    write(p, cfb_bytes({"Workbook": biff_workbook()}))


@case("\u200b零宽\u3000空格\u202e名.xlsx", "文件", "文件名含零宽字符、全角空格和从右到左控制符；0 字节", "空的")
def _(p: Path) -> None:
    write(p, b"")


@case("😀表情-" + "很长" * 30 + ".xlsx", "文件", "文件名含表情符号且很长（约 200 字节）；内容是 HTML", "网页")
def _(p: Path) -> None:
    write(p, b"<html><table><tr><td>x</td></tr></table></html>")


@case("深层/目录/里的/截断文件.xlsx", "文件", "子文件夹里的截断文件（只有 zip 头）", "不完整")
def _(p: Path) -> None:
    write(p, _form_bytes()[:200])


# ------------------------------------------------------------------ main


def roster_bytes() -> bytes:
    from kaoping.forms.roster import roster_template_workbook

    return wb_bytes(roster_template_workbook(sorted({p.unit for p in roster_people()}),
                                             people=roster_people()))


def readme(cases: list[Case]) -> str:
    lines = [
        "# 坏文件语料（tests/corpus/bad/）",
        "",
        "由 `scripts/build_bad_corpus.py` 生成并提交；请勿手工修改，改脚本后重新生成：",
        "",
        "    .venv/bin/python scripts/build_bad_corpus.py",
        "",
        "花名册在上一级目录 `tests/corpus/roster.xlsx`（T001–T008 八人，财务处和鹿城分中心，"
        "均为虚构）。季度检查按 2026Q3、月度检查按 2026-07 运行。",
        "",
        "| 文件 | 类别 | 问题 | 期望的提示（关键词） | 必须报告它的命令 |",
        "|---|---|---|---|---|",
    ]
    for c in cases:
        expect = "静默跳过，不出现在任何输出中" if c.skipped else (
            ("preflight 拒绝：" if c.preflight else "读取后报告：") + (f"“{c.expect}”" if c.expect else "表的种类/期间不符"))
        name = c.name.replace("|", "\\|")
        cmds = "、".join(f"`{x} check`" for x in c.commands) or "无（任何输出都不得出现）"
        lines.append(f"| `{name}` | {c.group} | {c.what} | {expect} | {cmds} |")
    lines += [
        "",
        "没有提交到仓库、由测试（tests/test_safety.py）在临时目录生成的情形：不可读权限（chmod 000；",
        "以 root 运行时用模拟的 PermissionError）、管道和设备文件、符号链接循环、超过 10,000 个部件的 zip、",
        "部件重名或加密的 zip、带 r 属性的真实 1,000,000 行工作表、100 万行只设了格式的空单元格、",
        "放在 xl/worksheets/ 以外的工作表、300 张各有一个远端单元格的工作表（合计上限）、随机字节翻转和",
        "破损 XML 的模糊测试。",
        "",
    ]
    return "\n".join(lines)


def build(out: Path, *, only_file_level: bool = False) -> list[Case]:
    try:
        import kaoping.forms.routine  # noqa: F401
        have_forms = True
    except ImportError:
        have_forms = False
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    built = []
    for c in CASES:
        needs_forms = c.group == "内容" or c.name.startswith(("传输中断", "损坏", "其实是压缩包", "深层"))
        if needs_forms and (not have_forms or only_file_level):
            print(f"跳过（kaoping.forms.routine 尚不可用）：{c.name}", file=sys.stderr)
            continue
        path = out / c.name
        path.parent.mkdir(parents=True, exist_ok=True)
        c.build(path)
        built.append(c)
    (out / "README.md").write_text(readme(built), encoding="utf-8")
    if have_forms:
        (out.parent / "roster.xlsx").write_bytes(roster_bytes())
    return built


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "tests" / "corpus" / "bad")
    args = ap.parse_args(argv)
    built = build(args.out)
    total = sum(f.stat().st_size for f in args.out.rglob("*") if f.is_file())
    print(f"已生成 {len(built)} 个文件到 {args.out}（共 {total / 1024:.0f} KB）")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
