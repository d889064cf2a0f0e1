"""kaoping.excel.safety.preflight and the bounded load_book: one test per kind of bad file."""

from __future__ import annotations

import io
import os
import socket
import struct
import zlib
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from kaoping.errors import UnreadableWorkbookError
from kaoping.excel import safety
from kaoping.excel.book import load_book
from kaoping.excel.safety import MAX_ZIP_MEMBERS, inspect_workbook, preflight
from kaoping.rules.settings import LimitSettings
from helpers_safety import bad_corpus_builder

ROOT = Path(__file__).resolve().parents[1]


B = bad_corpus_builder()


def refused(path: Path, *words: str, limits: LimitSettings | None = None) -> str:
    with pytest.raises(UnreadableWorkbookError) as info:
        preflight(path, limits)
    msg = info.value.message
    assert info.value.file == str(path)
    for w in words:
        assert w in msg, msg
    return msg


def good_xlsx(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "表"
    ws["A1"] = "姓名"
    ws["B1"] = "张三"
    ws["B2"] = 1.5
    wb.save(path)
    return path


def one_sheet(path: Path, body: bytes, dimension: str | None = None, level: int = 6) -> Path:
    path.write_bytes(B.minimal_xlsx(B.sheet_xml(body, dimension), level=level))
    return path


# ------------------------------------------------------------------ plain files


def test_good_workbook_passes_and_reads(tmp_path):
    p = good_xlsx(tmp_path / "ok.xlsx")
    preflight(p)
    book = load_book(p)
    assert book.sheets[0].text(1, 2) == "张三"
    assert book.sheets[0].uncached_formulas == set()


def test_zero_bytes(tmp_path):
    p = tmp_path / "a.xlsx"
    p.write_bytes(b"")
    refused(p, "空的", "0 字节")


def test_missing_and_folder(tmp_path):
    refused(tmp_path / "nope.xlsx", "不存在")
    (tmp_path / "dir.xlsx").mkdir()
    refused(tmp_path / "dir.xlsx", "文件夹")


def test_random_bytes(tmp_path):
    p = tmp_path / "a.xlsx"
    p.write_bytes(bytes(range(256)) * 10)
    refused(p, "不是 Excel 工作簿")


def test_truncated_zip(tmp_path):
    data = good_xlsx(tmp_path / "ok.xlsx").read_bytes()
    for cut in (10, len(data) // 2, len(data) - 5):
        p = tmp_path / f"cut{cut}.xlsx"
        p.write_bytes(data[:cut])
        refused(p, "不完整")


def test_corrupt_member_crc(tmp_path):
    src = good_xlsx(tmp_path / "ok.xlsx").read_bytes()
    data = bytearray(src)
    with zipfile.ZipFile(io.BytesIO(src)) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    n, e = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + n + e
    data[start + 3] ^= 0xFF
    p = tmp_path / "bad.xlsx"
    p.write_bytes(bytes(data))
    refused(p, "损坏")
    with pytest.raises(UnreadableWorkbookError):
        load_book(p)


def test_encrypted_ooxml(tmp_path):
    p = tmp_path / "pw.xlsx"
    p.write_bytes(B.cfb_bytes({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"x" * 100}))
    refused(p, "密码", "另存为 .xlsx")


@pytest.mark.parametrize("name", ["old.xls", "wps.et", "renamed.xlsx"])
def test_legacy_ole(tmp_path, name):
    p = tmp_path / name
    p.write_bytes(B.cfb_bytes({"Workbook": B.biff_workbook()}))
    refused(p, "旧版 Excel (.xls)", "WPS (.et)", "另存为")


def test_cfb_builder_makes_a_real_compound_file(tmp_path):
    """The corpus's OLE files are genuine compound files (calamine reads the directory)."""
    import python_calamine as pc

    p = tmp_path / "old.xls"
    p.write_bytes(B.cfb_bytes({"Workbook": B.biff_workbook()}))
    with pytest.raises(Exception) as info:  # a BIFF stream with no sheets: calamine's own error
        pc.CalamineWorkbook.from_path(str(p)).get_sheet_by_index(0)
    assert "CFB" not in str(info.value)


def test_ods_is_named_and_refused(tmp_path):
    p = tmp_path / "a.ods"
    B.CASES_BY_NAME["开放文档.ods"].build(p)
    refused(p, "OpenDocument", ".ods", "另存为")


@pytest.mark.parametrize(("name", "data", "word"), [
    ("a.xlsx", "姓名,单位\n张三,财务处\n".encode("gb18030"), "CSV"),
    ("a.xlsx", "\ufeff姓名\t单位\n".encode("utf-8"), "CSV"),
    ("a.xlsx", "姓名,单位\n".encode("utf-16"), "CSV"),
    ("a.xlsx", b"<html><table><tr><td>1</td></tr></table></html>", "网页"),
    ("a.xlsx", b"\xef\xbb\xbf  <!DOCTYPE html><html>", "网页"),
    ("a.xlsx", b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">', "XML 电子表格"),
    ("a.xlsx", b"<?xml version='1.0'?><root/>", "XML"),
    ("a.xlsx", "你好".encode(), "纯文本"),
    ("a.csv", b"a,b\n1,2\n", "CSV/文本文件（.csv）"),
    ("a.html", b"<html></html>", "网页文件（.html）"),
    ("a.xlsx", b"%PDF-1.7\n", "PDF"),
    ("a.xlsx", b"\xff\xd8\xff\xe0\x00\x10JFIF", "图片"),
    ("a.xlsx", b"Rar!\x1a\x07\x00", "压缩包"),
    ("a.xlsx", "BMI,姓名\n22,张三\n".encode(), "CSV"),  # starts like a bitmap, is not one
    ("a.xlsx", b"BM\x0e\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", "图片"),
])
def test_text_and_other_formats_are_named(tmp_path, name, data, word):
    p = tmp_path / name
    p.write_bytes(data)
    refused(p, word)


@pytest.mark.parametrize(("members", "word"), [
    ([("a.txt", b"hi")], "缺少 xl/workbook.xml"),
    ([("word/document.xml", b"<w/>")], "Word"),
    ([("ppt/presentation.xml", b"<p/>")], "PowerPoint"),
    ([("xl/workbook.bin", b"\x00")], ".xlsb"),
    ([("表/张三.xlsx", b"PK")], "压缩包"),
])
def test_zip_that_is_not_a_workbook(tmp_path, members, word):
    p = tmp_path / "z.xlsx"
    p.write_bytes(B.zip_bytes(members))
    refused(p, word)


def test_file_too_big(tmp_path):
    p = good_xlsx(tmp_path / "ok.xlsx")
    refused(p, "文件过大", limits=LimitSettings(max_file_bytes=100))


def test_permission_denied_message(tmp_path, monkeypatch):
    p = good_xlsx(tmp_path / "ok.xlsx")
    real_open, real_os_open = open, os.open

    def deny(file, *a, **kw):
        if str(file) == str(p):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *a, **kw)

    def deny_os(file, *a, **kw):
        if str(file) == str(p):
            raise PermissionError(13, "Permission denied")
        return real_os_open(file, *a, **kw)

    monkeypatch.setattr("builtins.open", deny)
    monkeypatch.setattr("os.open", deny_os)
    refused(p, "没有读取该文件的权限")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads mode-000 files")
def test_permission_denied_for_real(tmp_path):
    p = good_xlsx(tmp_path / "ok.xlsx")
    p.chmod(0)
    try:
        refused(p, "权限")
        with pytest.raises(UnreadableWorkbookError):
            load_book(p)
    finally:
        p.chmod(0o644)


def test_odd_file_names(tmp_path):
    for name in ("张三 (1)【最终版】#&%'+.xlsx", "\u200b零宽\u3000空格\u202e.xlsx", "😀" + "很长" * 30 + ".xlsx"):
        p = good_xlsx(tmp_path / name)
        preflight(p)
        assert load_book(p).sheets[0].text(1, 2) == "张三"


# ------------------------------------------------------------------ hostile


def test_billion_laughs_refused_without_expansion(tmp_path):
    p = tmp_path / "lol.xlsx"
    B.CASES_BY_NAME["亿万笑声.xlsx"].build(p)
    tracemalloc.start()
    refused(p, "DTD", "未展开")
    with pytest.raises(UnreadableWorkbookError):
        load_book(p)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 20 * 1024 * 1024  # 10**9 "lol"s would be gigabytes


@pytest.mark.parametrize("name", ["外部实体-文件.xlsx", "外部实体-网络.xlsx"])
def test_external_entities_never_touch_network_or_files(tmp_path, monkeypatch, name):
    p = tmp_path / "x.xlsx"
    B.CASES_BY_NAME[name].build(p)

    def no_network(*a, **kw):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    opened: list[str] = []
    real_open, real_os_open = open, os.open

    def watch(file, *a, **kw):
        opened.append(str(file))
        return real_open(file, *a, **kw)

    def watch_os(file, *a, **kw):
        opened.append(str(file))
        return real_os_open(file, *a, **kw)

    monkeypatch.setattr("builtins.open", watch)
    monkeypatch.setattr("os.open", watch_os)
    refused(p, "DTD")
    with pytest.raises(UnreadableWorkbookError):
        load_book(p)
    assert all(o == str(p) for o in opened), opened  # /etc/passwd never opened


def test_dtd_split_across_chunks_is_found(tmp_path):
    pad = b"<!-- " + b"x" * (safety.CHUNK - 3) + b" -->"
    xml = b'<?xml version="1.0"?>' + pad + b'<!DOCTYPE worksheet [<!ENTITY a "b">]><worksheet/>'
    p = tmp_path / "x.xlsx"
    p.write_bytes(B.minimal_xlsx(xml))
    refused(p, "DTD")


def test_zip_bomb_ratio_refused_before_inflating(tmp_path, monkeypatch):
    p = tmp_path / "bomb.xlsx"
    B.CASES_BY_NAME["压缩炸弹-压缩比.xlsx"].build(p)
    monkeypatch.setattr(safety, "_member_chunks", lambda *a: pytest.fail("inflated"))
    refused(p, "压缩比", "未解压")


def test_zip_bomb_total_declared_size(tmp_path, monkeypatch):
    p = tmp_path / "bomb.xlsx"
    B.CASES_BY_NAME["压缩炸弹-总大小.xlsx"].build(p)
    monkeypatch.setattr(safety, "_member_chunks", lambda *a: pytest.fail("inflated"))
    refused(p, "总大小", "上限 200.0 MB")


def test_member_inflating_beyond_declared_size(tmp_path):
    p = tmp_path / "lie.xlsx"
    B.CASES_BY_NAME["声明大小作假.xlsx"].build(p)
    refused(p, "声明的大小")
    with pytest.raises(UnreadableWorkbookError):
        load_book(p)


def test_ratio_limit_is_configurable(tmp_path):
    body = b'<row r="1"><c r="A1"><v>1</v></c></row>' + b" " * (2 << 20)
    p = one_sheet(tmp_path / "r.xlsx", body, "A1", level=9)
    refused(p, "压缩比")
    preflight(p, LimitSettings(max_compression_ratio=5000))


def test_small_members_are_exempt_from_ratio(tmp_path):
    """A 500 KB run of spaces compresses ~1000:1 but is harmless: only > 1 MiB counts."""
    body = b'<row r="1"><c r="A1"><v>1</v></c></row>' + b" " * (500 << 10)
    preflight(one_sheet(tmp_path / "r.xlsx", body, "A1", level=9))


def test_too_many_members(tmp_path):
    p = tmp_path / "many.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("xl/workbook.xml", b"<workbook/>")
        for i in range(MAX_ZIP_MEMBERS + 1):
            zf.writestr(f"{i}", b"")
    refused(p, "文件数过多")


def test_duplicate_member_names(tmp_path):
    p = tmp_path / "dup.xlsx"
    buf = io.BytesIO()
    with pytest.warns(UserWarning), zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", b"<workbook/>")
        zf.writestr("xl/workbook.xml", b"<workbook/>")
    p.write_bytes(buf.getvalue())
    refused(p, "重名")


def test_encrypted_zip_member(tmp_path):
    data = bytearray(good_xlsx(tmp_path / "ok.xlsx").read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:  # set the "encrypted" flag on every central-directory entry
        struct.pack_into("<H", data, at + 8, struct.unpack_from("<H", data, at + 8)[0] | 1)
        at = data.find(b"PK\x01\x02", at + 4)
    p = tmp_path / "enc.xlsx"
    p.write_bytes(bytes(data))
    refused(p, "加密")


def test_million_rows_refused_after_the_first_rows(tmp_path, monkeypatch):
    """1,000,000 real rows with r attributes and no <dimension>: ratio ~10:1, so only the
    sheet scan can stop it; it must stop after ~max_rows rows, not inflate them all."""
    body = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i % 7)
                    for i in range(1, 1_000_001))
    p = one_sheet(tmp_path / "million.xlsx", body, level=1)
    inflated = []
    real = safety._member_chunks

    def counted(*args):
        for chunk in real(*args):
            inflated.append(len(chunk))
            yield chunk

    monkeypatch.setattr(safety, "_member_chunks", counted)
    tracemalloc.start()
    msg = refused(p, "第 5001 行", "上限 5000 行")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert sum(inflated) < len(body) // 50  # ~5,000 of 1,000,000 rows (and the small parts)
    assert peak < 10 * 1024 * 1024
    assert "1000000" not in msg


def test_million_rows_without_r_attributes_are_counted(tmp_path):
    body = b"<row><c><v>1</v></c></row>" * 6000
    p = one_sheet(tmp_path / "norefs.xlsx", body)
    refused(p, "第 5001 行")


def test_declared_dimension_is_advisory(tmp_path):
    """calamine ignores <dimension>; a lying one with little data reads fine and fast."""
    p = one_sheet(tmp_path / "dim.xlsx", b'<row r="1"><c r="A1"><v>1</v></c></row>', "A1:XFD1048576")
    book = load_book(p)
    assert book.sheets[0].max_row == 1 and book.sheets[0].max_col == 1
    part = inspect_workbook(p).sheets["xl/worksheets/sheet1.xml"]
    assert (part.max_row, part.max_col) == (1, 1)
    p2 = one_sheet(tmp_path / "dim2.xlsx",
                   b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="C1048576"><v>2</v></c></row>',
                   "A1:C1048576")
    refused(p2, "第 1048576 行")


def test_formatted_empty_cells_do_not_count(tmp_path):
    """Borders applied down to row 60000 (<c r=".." s="1"/>) are not data."""
    body = b'<row r="1"><c r="A1"><v>1</v></c></row>' + b"".join(
        b'<row r="%d"><c r="A%d" s="1"/><c r="Z%d" s="1"></c></row>' % (i, i, i) for i in range(2, 60001))
    p = one_sheet(tmp_path / "styled.xlsx", body, "A1:Z60000")
    book = load_book(p)
    assert book.sheets[0].max_row == 1


def test_inline_strings_count_as_data(tmp_path):
    body = b'<row r="6000"><c r="A6000" t="inlineStr"><is><t>x</t></is></c></row>'
    refused(one_sheet(tmp_path / "is.xlsx", body), "第 6000 行")


def test_sixteen_thousand_columns(tmp_path):
    p = one_sheet(tmp_path / "wide.xlsx", b'<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>2</v></c></row>')
    refused(p, "第 16384 列", "上限 5000 行 × 200 列")


def test_far_cell_is_refused_before_calamine_allocates(tmp_path):
    """Two cells, A1 and XFD1048576: a dense reader would allocate 17 billion cells."""
    body = (b'<row r="1"><c r="A1"><v>1</v></c></row>'
            b'<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>')
    p = one_sheet(tmp_path / "far.xlsx", body)
    refused(p, "上限")
    with pytest.raises(UnreadableWorkbookError):
        load_book(p)


def test_limits_within_bounds_read_fine(tmp_path):
    body = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i) for i in range(1, 5001))
    p = one_sheet(tmp_path / "ok.xlsx", body, "A1:A5000")
    book = load_book(p)
    assert book.sheets[0].max_row == 5000
    assert book.sheets[0].value(5000, 1) == 5000


@pytest.mark.parametrize("dimension", [None, "A1"])
def test_overlong_tag_refused(tmp_path, dimension):
    """The scan carries an unfinished tag into the next chunk: once that passes MAX_TAG_BYTES
    at the end of a chunk the part is refused, so the carry stays bounded; a tag within it
    is read (with a declared extent, that the cell tags keep to, as without)."""
    limits = LimitSettings(max_compression_ratio=10_000)
    for size, ok in ((safety.MAX_TAG_BYTES - 64, True), (safety.MAX_TAG_BYTES + safety.CHUNK, False)):
        body = b'<row r="1"><c r="A1" x="' + b"a" * size + b'"><v>1</v></c></row>'
        p = one_sheet(tmp_path / f"tag{size}.xlsx", body, dimension)
        if ok:
            assert load_book(p, limits).sheets[0].value(1, 1) == 1
        else:
            refused(p, "超长", limits=limits)


@pytest.mark.parametrize("dimension", [None, "A1:B1"])
def test_overlong_cell_refused(tmp_path, dimension):
    """A cell that never closes (it holds other cells) is carried like an unfinished tag,
    and refused past MAX_TAG_BYTES, though every cell tag in it names its place within the
    declared extent."""
    limits = LimitSettings(max_compression_ratio=10_000)
    body = b'<row r="1">' + b'<c r="A1"><c r="B1"/></c>' * (safety.MAX_TAG_BYTES // 20) + b"</row>"
    refused(one_sheet(tmp_path / "cells.xlsx", body, dimension), "超长", limits=limits)


# ------------------------------------------------------------------ formulas


def test_formula_without_cached_value_is_exposed(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "表"
    ws["A1"] = "天数"
    ws["B1"] = "=0.5+0.5"  # openpyxl writes no cached value
    ws["B2"] = 3
    p = tmp_path / "f.xlsx"
    wb.save(p)
    book = load_book(p)
    g = book.sheet("表")
    assert g.uncached_formulas == {(1, 2)}
    assert g.value(1, 2) is None  # blank, but now the reader can say why


@pytest.mark.parametrize(("cell", "uncached"), [
    (b'<c r="B2"><f>1+1</f><v>2</v></c>', False),
    (b'<c r="B2"><f>1+1</f></c>', True),
    (b'<c r="B2"><f>1+1</f><v></v></c>', True),
    (b'<c r="B2"><f>1+1</f><v/></c>', True),
    (b'<c r="B2" t="str"><f>""</f><v></v></c>', False),  # cached empty string
    (b'<c r="B2" t="str"><f>A1</f><v>abc</v></c>', False),
    (b'<c r="B2"><f t="shared" si="0"/></c>', True),
    (b'<c r="B2"><f t="shared" si="0"/><v>4</v></c>', False),
    (b'<x:c r="B2"><x:f>1+1</x:f></x:c>', True),
    (b'<c r="B2"><v>5</v></c>', False),
])
def test_uncached_formula_detection(tmp_path, cell, uncached):
    body = b'<row r="2">' + cell + b"</row>"
    if b"x:" in cell:
        xml = (b'<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/'
               b'spreadsheetml/2006/main"><x:sheetData><x:row r="2">' + cell + b"</x:row></x:sheetData></x:worksheet>")
    else:
        xml = B.sheet_xml(body)
    p = tmp_path / "f.xlsx"
    p.write_bytes(B.minimal_xlsx(xml))
    insp = inspect_workbook(p)
    assert insp.sheet_parts == {"Sheet1": "xl/worksheets/sheet1.xml"}
    assert (insp.sheets["xl/worksheets/sheet1.xml"].uncached_formulas == {(2, 2)}) is uncached


def test_uncached_formula_in_a_real_form(tmp_path):
    pytest.importorskip("kaoping.forms.routine")
    p = tmp_path / "f.xlsx"
    B.CASES_BY_NAME["公式无缓存值-张三-2026Q3.xlsx"].build(p)
    book = load_book(p)
    assert any(g.uncached_formulas for g in book.visible_sheets())


def test_load_book_api_is_stable(tmp_path):
    """The readers rely on these names and signatures."""
    from kaoping.excel.book import Book, Grid, cell_ref

    assert cell_ref(7, 3) == "C7"
    g = Grid("s", [["a", None]], hidden=False, merged=[])
    assert g.uncached_formulas == set() and g.value(1, 1) == "a"
    p = good_xlsx(tmp_path / "ok.xlsx")
    assert isinstance(load_book(p), Book)
    assert isinstance(load_book(p, LimitSettings()), Book)


def test_inputs_unchanged_by_preflight_and_load(tmp_path):
    p = good_xlsx(tmp_path / "ok.xlsx")
    os.utime(p, (1_700_000_000, 1_700_000_000))
    before = (p.read_bytes(), p.stat().st_mtime_ns)
    preflight(p)
    load_book(p)
    assert (p.read_bytes(), p.stat().st_mtime_ns) == before


@pytest.mark.parametrize(("body", "extent"), [
    # cells without r continue after the previous cell, formatted-only ones included
    (b'<row r="1"><c r="C1" s="1"/><c s="1"/><c/><c><v>1</v></c></row>', (1, 6)),
    (b'<row><c><v>1</v></c></row><row><c/><c><v>2</v></c></row>', (2, 2)),
    (b'<row><c r="C7" s="1"/></row><row><c><v>1</v></c></row>', (8, 1)),
    (b'<x:row r="3"><x:c r="B3"><x:v>1</x:v></x:c></x:row>', (3, 2)),
])
def test_positions_follow_calamine(tmp_path, body, extent):
    p = one_sheet(tmp_path / "pos.xlsx", body)
    part = inspect_workbook(p).sheets["xl/worksheets/sheet1.xml"]
    assert (part.max_row, part.max_col) == extent


@pytest.mark.parametrize("body", [
    # a formatted-only cell far right, then a value without r: the value is at XFD1
    b'<row r="1"><c r="XFC1" s="1"/><c><v>1</v></c></row>',
    # 300 formatted-only cells without r push the value to column 301
    b'<row r="1">' + b'<c s="1"/>' * 300 + b"<c><v>1</v></c></row>",
    # a '/>' or '>' inside an attribute value must not hide a cell
    b'<row r="1"><c r="A1" foo="/>"><v>1</v></c><c r="GS1" x="a>b"><v>1</v></c></row>',
])
def test_hidden_far_cells_are_found(tmp_path, body):
    refused(one_sheet(tmp_path / "far.xlsx", body), "超过上限")


def test_chunk_boundaries_do_not_hide_cells(tmp_path):
    """The same far cell placed at every offset around a 64 KiB chunk boundary."""
    for shift in range(0, 40, 3):
        pad = b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + b"x" * (safety.CHUNK - 300 + shift) + b"</t></is></c></row>"
        body = pad + b'<row r="2"><c r="GS2" s="1"/><c><v>1</v></c></row>'
        refused(one_sheet(tmp_path / f"b{shift}.xlsx", body), "第 2 行、第 202 列")


# ------------------------------------------------------------------ fuzzing


_FORM_CACHE: dict[str, bytes] = {}


def _form_bytes() -> bytes:
    if "q" not in _FORM_CACHE:
        _FORM_CACHE["q"] = (ROOT / "tests" / "corpus" / "bad" / "两个勾-李四-2026Q3.xlsx").read_bytes()
    return _FORM_CACHE["q"]


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 10**9), st.integers(1, 255)), min_size=1, max_size=8))
def test_fuzz_byte_flips_only_ever_refuse_cleanly(tmp_path, flips):
    data = bytearray(_form_bytes())
    for at, xor in flips:
        data[at % len(data)] ^= xor
    p = tmp_path / "fuzz.xlsx"
    p.write_bytes(bytes(data))
    try:
        book = load_book(p)
    except UnreadableWorkbookError as exc:
        assert exc.message
    else:
        assert book.sheets


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/sharedStrings.xml",
                        "xl/styles.xml", "[Content_Types].xml", "xl/_rels/workbook.xml.rels"]),
       st.integers(0, 10**6), st.integers(0, 200), st.binary(max_size=40))
def test_fuzz_broken_xml_inside_a_valid_zip(tmp_path, part, at, cut, insert):
    """Valid zip, broken XML: calamine's errors become UnreadableWorkbookError too."""
    def edit(name, d):
        if name != part:
            return d
        i = at % (len(d) + 1)
        return d[:i] + insert + d[i + cut:]

    p = tmp_path / "fuzz.xlsx"
    p.write_bytes(B.rewrite_zip(_form_bytes(), edit))
    try:
        load_book(p)
    except UnreadableWorkbookError as exc:
        assert exc.message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_pipes_devices_and_symlink_loops_never_hang(tmp_path):
    from kaoping.paths import scan_workbooks

    (tmp_path / "a").mkdir()
    os.mkfifo(tmp_path / "a" / "pipe.xlsx")
    (tmp_path / "a" / "zero.xlsx").symlink_to("/dev/zero")
    (tmp_path / "a" / "loop").symlink_to(tmp_path)
    good_xlsx(tmp_path / "a" / "ok.xlsx")
    # Listed (the reader names them as 提示), never opened.
    assert [p.name for p in scan_workbooks(tmp_path)] == ["ok.xlsx", "pipe.xlsx", "zero.xlsx"]
    for name in ("pipe.xlsx", "zero.xlsx"):
        refused(tmp_path / "a" / name, "不是普通文件")


def _relocated_sheet_xlsx(body: bytes, target: bytes = b"evil/data.xml") -> bytes:
    """A workbook whose only worksheet lives outside xl/worksheets/ (calamine follows rels)."""
    data = B.minimal_xlsx(B.sheet_xml(body))

    def edit(name, d):
        if name == "xl/_rels/workbook.xml.rels":
            return d.replace(b"worksheets/sheet1.xml", target)
        return d

    out = []
    with zipfile.ZipFile(io.BytesIO(B.rewrite_zip(data, edit))) as zf:
        for info in zf.infolist():
            name = info.filename
            if name == "xl/worksheets/sheet1.xml":
                name = "xl/" + target.decode()
            out.append((name, zf.read(info.filename)))
    return B.zip_bytes(out)


def test_worksheet_outside_the_usual_folder_is_still_bounded(tmp_path):
    import python_calamine as pc

    ok = tmp_path / "ok.xlsx"
    ok.write_bytes(_relocated_sheet_xlsx(b'<row r="2"><c r="B2"><v>7</v></c></row>'))
    assert pc.CalamineWorkbook.from_path(str(ok)).get_sheet_by_index(0).to_python()  # the vector is real
    assert load_book(ok).sheets[0].value(2, 2) == 7
    far = tmp_path / "far.xlsx"
    far.write_bytes(_relocated_sheet_xlsx(b'<row r="9000"><c r="A9000"><v>1</v></c></row>'))
    refused(far, "evil/data.xml", "第 9000 行")


def test_unparsable_workbook_xml_scans_every_part_as_a_sheet(tmp_path):
    data = _relocated_sheet_xlsx(b'<row r="9000"><c r="A9000"><v>1</v></c></row>')
    data = B.rewrite_zip(data, lambda n, d: d.replace(b"<sheets>", b"<sheets><<") if n == "xl/workbook.xml" else d)
    p = tmp_path / "x.xlsx"
    p.write_bytes(data)
    refused(p, "第 9000 行")


def test_many_small_sheets_share_one_cell_budget(tmp_path):
    """Each sheet is within the limits, but calamine would materialise 300 × 1,000,000 cells."""
    n = 300
    sheets = [(f"xl/worksheets/sheet{i}.xml", B.sheet_xml(b'<row r="5000"><c r="GR5000"><v>1</v></c></row>'))
              for i in range(1, n + 1)]
    wb = (b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
          + b"".join(b'<sheet name="s%d" sheetId="%d" r:id="rId%d"/>' % (i, i, i) for i in range(1, n + 1))
          + b"</sheets></workbook>")
    rels = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + b"".join(b'<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                       b'relationships/worksheet" Target="worksheets/sheet%d.xml"/>' % (i, i) for i in range(1, n + 1))
            + b"</Relationships>")
    p = tmp_path / "many.xlsx"
    p.write_bytes(B.zip_bytes([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", wb),
                               ("xl/_rels/workbook.xml.rels", rels), *sheets]))
    refused(p, "合计", "超过上限 2,000,000")


def test_cell_ref_matches_excel_column_letters():
    from openpyxl.utils import get_column_letter

    from kaoping.excel.book import cell_ref

    assert all(cell_ref(3, c) == f"{get_column_letter(c)}3" for c in range(1, 16_385))


def test_load_book_reads_the_file_once_read_only(tmp_path, monkeypatch):
    """Checks and parser see the same bytes: the file is opened once, in read-only mode."""
    p = good_xlsx(tmp_path / "ok.xlsx")
    calls = []
    real_open, real_os_open = open, os.open

    def spy(file, mode="r", *a, **kw):
        if str(file) == str(p):
            calls.append(mode)
        return real_open(file, mode, *a, **kw)

    def spy_os(file, flags, *a, **kw):
        if str(file) == str(p):
            calls.append("rb" if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC
                                          | os.O_APPEND) == 0 else f"flags {flags:#x}")
        return real_os_open(file, flags, *a, **kw)

    monkeypatch.setattr("builtins.open", spy)
    monkeypatch.setattr("os.open", spy_os)
    assert load_book(p).sheets[0].text(1, 2) == "张三"
    assert calls == ["rb"]


def test_register_limits_still_cap_memory(tmp_path):
    """Registers may have 200,000 rows, but one far cell must not make calamine allocate
    200,000 × 200 cells (~2 GB): the total cell budget has a fixed ceiling."""
    body = b'<row r="1"><c r="A1"><v>1</v></c></row><row r="199999"><c r="GR199999"><v>2</v></c></row>'
    p = one_sheet(tmp_path / "reg.xlsx", body)
    limits = LimitSettings().for_registers()
    assert limits.max_rows >= 199_999
    refused(p, "合计", f"超过上限 {safety.MAX_TOTAL_CELLS:,}", limits=limits)
    ok = one_sheet(tmp_path / "ok.xlsx", b'<row r="150000"><c r="T150000"><v>2</v></c></row>')
    assert load_book(ok, limits).sheets[0].max_row == 150_000


@pytest.mark.parametrize("other", ["XL/workbook.xml", "xl\\workbook.xml", "/xl/workbook.xml"])
def test_part_names_differing_only_in_case_or_separator_are_refused(tmp_path, other):
    p = tmp_path / "dup.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("xl/workbook.xml", b"<workbook/>")
        zf.writestr(zipfile.ZipInfo(other), b"<workbook/>")
    refused(p, "重名")


def test_sheet_named_with_other_case_in_rels_is_still_scanned(tmp_path):
    data = _relocated_sheet_xlsx(b'<row r="9000"><c r="A9000"><v>1</v></c></row>', target=b"Data/Big.xml")
    data = B.rewrite_zip(data, lambda n, d: d.replace(b"Data/Big.xml", b"data/big.XML")
                         if n == "xl/_rels/workbook.xml.rels" else d)
    p = tmp_path / "case.xlsx"
    p.write_bytes(data)
    refused(p, "第 9000 行")


def test_zip_needing_a_newer_zip_version_is_refused_with_a_message(tmp_path):
    """zipfile raises NotImplementedError for a member needing zip version > 6.3: refused
    with a Chinese message, never a traceback (preflight) or an unexplained F1 (reader)."""
    import struct

    from kaoping.excel.read import read_workbook

    src = ROOT / "tests" / "corpus" / "bad" / "空格和全角-欧阳明-2026-07.xlsx"
    data = bytearray(src.read_bytes())
    at = data.find(b"PK\x01\x02")
    data[at + 6:at + 8] = struct.pack("<H", 70)  # "version needed to extract": 7.0
    bad = tmp_path / "新版压缩-张三-2026-07.xlsx"
    bad.write_bytes(bytes(data))
    with pytest.raises(UnreadableWorkbookError) as exc:
        preflight(bad)
    assert "zip 压缩格式" in exc.value.message and "另存为" in exc.value.message
    [finding] = read_workbook(bad).findings
    assert finding.rule == "F1" and "zip 压缩格式" in finding.message


# ------------------------------------------------------------------ each bound, just inside and just outside


def _declared_total(data: bytes) -> int:
    return sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())


def test_file_size_bound(tmp_path):
    p = good_xlsx(tmp_path / "ok.xlsx")
    size = p.stat().st_size
    preflight(p, LimitSettings(max_file_bytes=size))
    refused(p, "文件过大", limits=LimitSettings(max_file_bytes=size - 1))


def test_declared_total_bound(tmp_path):
    p = good_xlsx(tmp_path / "ok.xlsx")
    total = _declared_total(p.read_bytes())
    preflight(p, LimitSettings(max_uncompressed_bytes=total))
    refused(p, "解压后总大小", "未解压任何内容", limits=LimitSettings(max_uncompressed_bytes=total - 1))


def test_member_count_bound(tmp_path):
    for extra, ok in ((MAX_ZIP_MEMBERS - 1, True), (MAX_ZIP_MEMBERS, False)):
        p = tmp_path / f"many{extra}.xlsx"
        with zipfile.ZipFile(p, "w", zipfile.ZIP_STORED) as zf:
            zf.writestr("xl/workbook.xml", b"<workbook/>")
            for i in range(extra):
                zf.writestr(f"{i}", b"")
        if ok:
            preflight(p)
        else:
            refused(p, "文件数过多", f"上限 {MAX_ZIP_MEMBERS}")


def test_compression_method_other_than_stored_or_deflate(tmp_path):
    p = tmp_path / "bz.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_BZIP2) as zf:
        zf.writestr("xl/workbook.xml", b"<workbook/>")
    refused(p, "压缩方式")


def test_row_and_column_bounds(tmp_path):
    limits = LimitSettings(max_rows=40, max_columns=8)
    inside = one_sheet(tmp_path / "in.xlsx", b'<row r="40"><c r="H40"><v>1</v></c></row>')
    assert load_book(inside, limits).sheets[0].value(40, 8) == 1
    refused(one_sheet(tmp_path / "row.xlsx", b'<row r="41"><c r="A41"><v>1</v></c></row>'),
            "第 41 行", "上限 40 行 × 8 列", limits=limits)
    refused(one_sheet(tmp_path / "col.xlsx", b'<row r="1"><c r="I1"><v>1</v></c></row>'),
            "第 9 列", limits=limits)


def _cells_book(bodies: list[bytes], dimension: str | None = None) -> bytes:
    """A workbook of one sheet per row body (each declaring `dimension`, if given)."""
    n = len(bodies)
    wb = (b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
          + b"".join(b'<sheet name="s%d" sheetId="%d" r:id="rId%d"/>' % (i, i, i) for i in range(1, n + 1))
          + b"</sheets></workbook>")
    rels = (b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + b"".join(b'<Relationship Id="rId%d" Target="worksheets/sheet%d.xml"/>' % (i, i)
                       for i in range(1, n + 1)) + b"</Relationships>")
    sheets = [(f"xl/worksheets/sheet{i}.xml", B.sheet_xml(body, dimension))
              for i, body in enumerate(bodies, start=1)]
    return B.zip_bytes([("xl/workbook.xml", wb), ("xl/_rels/workbook.xml.rels", rels), *sheets])


def _sheets_book(last_cells: list[bytes]) -> bytes:
    """A workbook of one sheet per cell reference, each holding a value there."""
    return _cells_book([b'<row r="%s"><c r="%s"><v>1</v></c></row>' % (ref.lstrip(b"ABCDEFGH"), ref)
                        for ref in last_cells])


def test_all_sheets_cell_budget_bound(tmp_path):
    """2 × max_rows × max_columns = 640 cells: two full 40 × 8 sheets fit, one cell more does not."""
    limits = LimitSettings(max_rows=40, max_columns=8)
    ok = tmp_path / "ok.xlsx"
    ok.write_bytes(_sheets_book([b"H40", b"H40"]))
    preflight(ok, limits)
    over = tmp_path / "over.xlsx"
    over.write_bytes(_sheets_book([b"H40", b"H40", b"A1"]))
    refused(over, "合计 641", "超过上限 640", limits=limits)


def test_formatted_cells_do_not_count_toward_the_budget(tmp_path):
    """Three sheets with one value each and a border down to H40: their declared extents
    bound them at 3 × 320 cells, over the budget of 640; their data (3 cells) is not."""
    limits = LimitSettings(max_rows=40, max_columns=8)
    body = b'<row r="1"><c r="A1"><v>1</v></c></row><row r="40"><c r="H40" s="1"/></row>'
    p = tmp_path / "bordered.xlsx"
    p.write_bytes(_cells_book([body] * 3, "A1:H40"))
    insp = inspect_workbook(p, limits)
    assert sorted((s.max_row, s.max_col) for s in insp.sheets.values()) == [(1, 1)] * 3
    over = tmp_path / "over.xlsx"
    over.write_bytes(_cells_book([body.replace(b'"/>', b'"><v>2</v></c>')] * 3))
    refused(over, "合计 960", "超过上限 640", limits=limits)


_B2_D7 = b'<row r="2"><c r="B2" t="inlineStr"><is><t>x</t></is></c><c r="D7" s="1"/></row>'


@pytest.mark.parametrize(("body", "dimension", "extent", "bound"), [
    (_B2_D7, "A1:D7", (7, 4), True),  # the declared extent, formatted-only cells included
    (_B2_D7, "B2:H19", (19, 8), True),  # larger than the cells: an over-estimate, still a bound
    (_B2_D7, "A1:C7", (2, 2), False),  # D7 lies outside it: the exact scan
    (_B2_D7, "A1:D6", (2, 2), False),
    (_B2_D7, None, (2, 2), False),  # none declared
    (_B2_D7, "A1:D7000", (2, 2), False),  # past max_rows
    (b'<row r="2"><c r="B2"><v>1</v></c><c r="D7" s="1"/></row><row><c><v>1</v></c></row>', "A1:D7",
     (8, 2), False),  # a cell naming no place
    (b'<row r="2"><c r="B2"><f>1+1</f></c><c r="D7" s="1"/></row>', "A1:D7", (2, 2), False),
    (b'<row r="2"><c r="B0002"><v>1</v></c></row>', "A1:B2", (2, 2), True),  # leading zeros
    (b'<row r="2"><c r="B00020"><v>1</v></c></row>', "A1:B2", (20, 2), False),
])
def test_declared_extent_bounds_the_sheet(tmp_path, body, dimension, extent, bound):
    """Where every cell names its place within the <dimension> the sheet declares, that
    extent is the one found (formatted-only cells included: an over-estimate); any other
    sheet gets the exact scan."""
    p = one_sheet(tmp_path / "named.xlsx", body, dimension)
    part = inspect_workbook(p).sheets["xl/worksheets/sheet1.xml"]
    assert ((part.max_row, part.max_col), part.bound) == (extent, bound)


@pytest.mark.parametrize(("rows", "cols"), [(1, 1), (19, 8), (100, 26), (5000, 200), (909, 53)])
def test_the_extent_check_admits_exactly_the_places_within(rows, cols):
    """`_outside` finds a cell tag unless it names, in the plain form, a place within rows ×
    cols; checked at and around every boundary of the numbers and letters."""
    from kaoping.excel.book import column_letter

    outside = safety._outside(rows, cols)
    for r in sorted({0, 1, 9, 10, 99, 100, rows - 1, rows, rows + 1, rows * 10, 9_999_999}):
        for c in sorted({1, 26, 27, 52, 53, 702, 703, cols - 1, cols, cols + 1} - {0}):
            for zeros in ("", "00"):
                digits = zeros + str(r)
                tag = b'<c r="%s%s" s="1"/>' % (column_letter(c).encode(), digits.encode())
                inside = r <= rows and c <= cols and len(digits) <= 7 and c <= 18_278
                assert (outside.search(tag) is None) == inside, tag
    for tag in (b"<c>", b"<c/>", b'<c s="1" r="A1">', b"<c r='A1'>", b'<c\nr="A1">', b'<c r="a1">',
                b'<c r="$A$1">', b'<c r="A">', b'<c r="1">'):
        assert outside.search(tag) is not None, tag
    for tag in (b'<col min="1" max="2"/>', b"<cols>", b"<cfRule>", b"<color/>"):
        assert outside.search(tag) is None, tag


# ------------------------------------------------------------------ damaged parts (each named)


SHEET = "xl/worksheets/sheet1.xml"


def _small_book() -> bytes:
    body = (b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c><c r="B1" s="1"/></row>'
            b'<row r="2"><c r="C2"><v>1</v></c></row>')
    return B.minimal_xlsx(B.sheet_xml(body, "A1:C2"))


def _patch_cd(data: bytes, member: str, offset: int, value: int) -> bytes:
    from helpers_safety import cd_entry

    buf = bytearray(data)
    struct.pack_into("<I", buf, cd_entry(data, member) + offset, value)
    return bytes(buf)


def _refused_bytes(tmp_path: Path, data: bytes, *words: str) -> None:
    p = tmp_path / "bad.xlsx"
    p.write_bytes(data)
    refused(p, *words)


@pytest.mark.parametrize("member", [SHEET, "xl/workbook.xml", "[Content_Types].xml"])
@pytest.mark.parametrize(("fault", "words"), [
    ("lying size", "实际解压后大于其声明的大小"),  # declares less than it inflates to
    ("short size", "校验失败"),  # declares more: ends early
    ("crc", "校验失败"),
    ("cut stream", "压缩数据不完整"),  # compressed size cut in half
    ("header", "头部缺失"),
])
def test_damaged_part_is_named(tmp_path, member, fault, words):
    data = _small_book()
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    offset, value = {
        "lying size": (24, info.file_size - 7),
        "short size": (24, info.file_size + 7),
        "crc": (16, info.CRC ^ 0x5A5A),
        "cut stream": (20, info.compress_size // 2),
        "header": (42, info.header_offset + 3),
    }[fault]
    _refused_bytes(tmp_path, _patch_cd(data, member, offset, value), words)


def test_stored_part_whose_sizes_differ(tmp_path):
    body = b'<row r="1"><c r="A1"><v>1</v></c></row>'
    with zipfile.ZipFile(io.BytesIO(B.minimal_xlsx(B.sheet_xml(body)))) as zf:
        members = [(i.filename, zf.read(i)) for i in zf.infolist()]
    data = B.zip_bytes(members, compress=zipfile.ZIP_STORED)
    preflight_ok = tmp_path / "ok.xlsx"
    preflight_ok.write_bytes(data)
    preflight(preflight_ok)  # stored parts are read too
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET)
    _refused_bytes(tmp_path, _patch_cd(data, SHEET, 24, info.file_size - 1), f"部件 {SHEET} 大小不一致")


def test_part_running_past_the_end_of_the_file_is_named_truncated(tmp_path):
    """A stored part whose declared sizes run past the end of the file (a cut download)."""
    body = b'<row r="1"><c r="A1"><v>1</v></c></row>'
    with zipfile.ZipFile(io.BytesIO(B.minimal_xlsx(B.sheet_xml(body)))) as zf:
        members = [(i.filename, zf.read(i)) for i in zf.infolist()]
    data = B.zip_bytes(members, compress=zipfile.ZIP_STORED)
    data = _patch_cd(_patch_cd(data, SHEET, 20, len(data)), SHEET, 24, len(data))
    _refused_bytes(tmp_path, data, f"部件 {SHEET} 被截断")


def test_inflation_never_goes_past_the_declared_size_plus_one(tmp_path, monkeypatch):
    """A part that declares 10 bytes but inflates to 500 KB: zlib is never asked for more
    than 11 bytes at a time, and the part is refused as soon as the 11th appears."""
    sheet = b"<a>" + b"x" * 500_000 + b"</a>"
    data = B.minimal_xlsx(B.sheet_xml(b""), shared=sheet)
    data = _patch_cd(data, "xl/sharedStrings.xml", 24, 10)
    asked = []
    real = zlib.decompressobj

    class Spy:
        def __init__(self, *a):
            self.inner = real(*a)

        def decompress(self, chunk, max_length=0):
            asked.append(max_length)
            return self.inner.decompress(chunk, max_length)

        def __getattr__(self, name):
            return getattr(self.inner, name)

    monkeypatch.setattr(zlib, "decompressobj", Spy)
    p = tmp_path / "lie.xlsx"
    p.write_bytes(data)
    refused(p, "xl/sharedStrings.xml", "实际解压后大于其声明的大小")
    assert 11 in asked and max(asked) <= safety.CHUNK


def test_dtd_in_any_part_whatever_its_case(tmp_path):
    shared = b'<sst><!DoCtYpE x><si><t>a</t></si></sst>'
    data = B.minimal_xlsx(B.sheet_xml(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), shared=shared)
    _refused_bytes(tmp_path, data, "部件 xl/sharedStrings.xml 含有 DTD")


# ------------------------------------------------------------------ what calamine is handed


def test_calamine_parses_the_very_bytes_read(tmp_path, monkeypatch):
    import python_calamine as pc

    p = good_xlsx(tmp_path / "ok.xlsx")
    handed = []
    real = pc.CalamineWorkbook.from_filelike

    def spy(fh):
        handed.append(fh.getvalue())
        return real(fh)

    monkeypatch.setattr(pc.CalamineWorkbook, "from_filelike", spy)
    assert load_book(p).sheets[0].text(1, 2) == "张三"
    assert handed == [p.read_bytes()]


def test_load_book_sheet_types_and_visibility(tmp_path):
    """Worksheets only (no chart sheets), hidden and very hidden both hidden."""
    wb = Workbook()
    wb.active.title = "见"
    wb.create_sheet("隐").sheet_state = "hidden"
    wb.create_sheet("深").sheet_state = "veryHidden"
    wb.create_chartsheet("图")
    p = tmp_path / "x.xlsx"
    wb.save(p)
    assert [(s.name, s.hidden) for s in load_book(p).sheets] == [("见", False), ("隐", True), ("深", True)]


def test_merged_ranges_are_one_based(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws["A1"], ws["C3"] = "甲", "乙"
    ws.merge_cells("A1:B2")
    ws.merge_cells("C3:C5")
    p = tmp_path / "m.xlsx"
    wb.save(p)
    g = load_book(p).sheets[0]
    assert sorted(g.merged) == [(1, 1, 2, 2), (3, 3, 5, 3)]
    assert g.merged_in_row(4) == [(3, 3, 5, 3)] and g.merged_in_row(6) == []
