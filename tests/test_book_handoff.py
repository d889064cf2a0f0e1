"""load_book hands calamine a STORED zip of exactly the members inspection checked
(`Inspection.checked_zip`), worksheets the fast analysis accepted reduced to their content
cells (`safety._content_only`): calamine's whole output must equal what it reads from the
original bytes — every sheet's values and types, merged ranges, names, visibility, types.
Pinned on the bad corpus (the readable files), every example workbook, a sample of the
benchmark files and generated workbooks. Files the inspection does not fully keep (a
non-XML member, a zip read by zipfile, a part streamed rather than inflated whole) keep
the original bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
import python_calamine as pc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kaoping.errors import UnreadableWorkbookError
from kaoping.excel import safety
from kaoping.excel.book import load_book
from kaoping.rules.settings import LimitSettings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus" / "bad"
EXAMPLES = ROOT / "examples"
BENCH = ROOT / "benchmarks" / "data" / "500" / "v1" / "collected"


def calamine_view(data: bytes):
    """Everything load_book takes from calamine, or the error it raises."""
    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        out = []
        for meta in wb.sheets_metadata:
            entry = [meta.name, str(meta.typ), str(meta.visible)]
            if str(meta.typ).endswith("WorkSheet"):
                sheet = wb.get_sheet_by_name(meta.name)
                rows = sheet.to_python(skip_empty_area=False)
                entry += [rows, [[type(v).__name__ for v in r] for r in rows],
                          sheet.merged_cell_ranges]
            out.append(entry)
        wb.close()
        return out
    except BaseException as exc:  # noqa: BLE001 - calamine errors and pyo3 panics alike
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return ("error", type(exc).__name__, str(exc))


def handoff(data: bytes, limits: LimitSettings | None = None) -> bytes | None:
    """The rebuilt zip for `data`, or None (not repacked, or refused by inspection)."""
    try:
        insp = safety.inspect_workbook(Path("x.xlsx"), limits, data=data)
    except UnreadableWorkbookError:
        return None
    return insp.checked_zip()


def assert_same(data: bytes, label: str = "") -> bool:
    """Asserts the rebuilt zip reads as the original does; True when one was built."""
    rebuilt = handoff(data)
    if rebuilt is None:
        return False
    assert calamine_view(rebuilt) == calamine_view(data), label
    # the rebuilt zip is a sound zip of the same members, byte for byte, but for worksheets
    # reduced to their content cells (`safety._content_only`), each exactly as the forward
    # reading below gives it
    orig, new = zipfile.ZipFile(io.BytesIO(data)), zipfile.ZipFile(io.BytesIO(rebuilt))
    assert new.testzip() is None
    assert [i.filename for i in new.infolist()] == [i.filename for i in orig.infolist()]
    for i in new.infolist():
        assert i.compress_type == zipfile.ZIP_STORED
        body, was = new.read(i), orig.read(i.filename)
        if body != was:
            assert i.filename.startswith("xl/worksheets/"), (label, i.filename)
            assert body == content_only(was), (label, i.filename)
    return True


def content_only(sheet: bytes) -> bytes:
    """What `safety._content_only` should make of `sheet`, read forwards: every `<c` element
    that is not self-closing and holds a `<v>` or `<is>`, byte for byte and in order, in one
    `<row>` inside `<sheetData>`, with the `<mergeCells>` element before it (see below)."""
    start = sheet.index(b"<sheetData")
    open_end = sheet.index(b">", start) + 1
    end = sheet.rindex(b"</sheetData>")
    cells, at = [], open_end
    while (c := sheet.find(b"<c ", at, end)) >= 0:
        tag_end = sheet.index(b">", c) + 1
        if sheet[tag_end - 2:tag_end] == b"/>":
            at = tag_end
            continue
        close = sheet.index(b"</c>", tag_end) + 4
        element = sheet[c:close]
        if b"<v>" in element or b"<is>" in element:
            cells.append(element)
        at = close
    head, tail = sheet[:start], sheet[end:]
    data = sheet[start:open_end] + b"<row>" + b"".join(cells) + b"</row>"
    # The <mergeCells> element after </sheetData> (or none at all) when it is the only text
    # outside the cells that says "mergeCell": then the parser gets only the root tag, the
    # one <dimension> tag, <mergeCells> and the cells (the merges first); else the rest stays.
    m = re.search(rb"<mergeCells(?:\s[^>]*)?(?:/>|>.*?</mergeCells>)", tail, re.S)
    merges = m.group(0) if m else b""
    rest = tail[:m.start()] + tail[m.end():] if m else tail
    if b"mergeCell" in head or b"mergeCell" in rest or (not m and b"<mergeCells" in tail):
        return head + data + tail
    root = re.search(rb"<worksheet[\s>][^>]*>", head)
    dims = re.findall(rb"<dimension\s[^>]*>", head)
    if root and not root.group(0).endswith(b"/>") and head.count(b"dimension") == len(dims) <= 1:
        return head[:root.end()] + b"".join(dims) + merges + data + b"</sheetData></worksheet>"
    return head + merges + data + rest


def _files(folder: Path, pattern: str = "*") -> list[Path]:
    return sorted(p for p in folder.rglob(pattern) if p.is_file())


def test_bad_corpus_readable_files_read_the_same():
    built = 0
    for path in _files(CORPUS):
        built += assert_same(path.read_bytes(), path.name)
    assert built >= 10  # the readable forms of the corpus are repacked


def test_every_example_reads_the_same():
    paths = _files(EXAMPLES, "*.xlsx")
    assert paths
    built = sum(assert_same(p.read_bytes(), str(p)) for p in paths)
    assert built == len(paths)  # generated forms: all XML, plain zips


def test_benchmark_sample_reads_the_same():
    if not BENCH.is_dir():
        pytest.skip("benchmark data not generated")
    paths = _files(BENCH, "*.xlsx")[::40]
    assert sum(assert_same(p.read_bytes(), str(p)) for p in paths) == len(paths)


def test_load_book_equals_the_original_bytes_path(monkeypatch):
    paths = _files(EXAMPLES, "*.xlsx")[::25] + [p for p in _files(CORPUS) if p.suffix == ".xlsx"]

    def books():
        out = []
        for p in paths:
            try:
                b = load_book(p)
                out.append((b.sheet_names, [(s.name, s.rows, s.hidden, s.merged, s.uncached_formulas)
                                            for s in b.sheets]))
            except UnreadableWorkbookError as exc:
                out.append(("refused", exc.message))
        return out

    new = books()
    monkeypatch.setattr(safety.Inspection, "checked_zip", lambda self: None)
    assert books() == new


def _zip_of(members: list[tuple[str, bytes]], comment: bytes = b"") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members:
            z.writestr(name, body)
        z.comment = comment
    return buf.getvalue()


def _members(data: bytes) -> list[tuple[str, bytes]]:
    z = zipfile.ZipFile(io.BytesIO(data))
    return [(i.filename, z.read(i)) for i in z.infolist()]


def _simple() -> bytes:
    wb = Workbook()
    wb.active["A1"] = "甲"
    wb.active["B2"] = 3
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_unchecked_member_keeps_the_original_bytes():
    data = _zip_of(_members(_simple()) + [("xl/media/image1.png", b"\x89PNG....")])
    assert handoff(data) is None
    assert handoff(_simple()) is not None


def test_zip_read_by_zipfile_keeps_the_original_bytes():
    data = _zip_of(_members(_simple()), comment=b"a comment")
    assert safety._central_directory(data) is None
    assert handoff(data) is None


def test_streamed_part_keeps_the_original_bytes(monkeypatch):
    data = _simple()
    monkeypatch.setattr(safety, "FAST_MAX_BYTES", 100)  # every part streamed
    assert handoff(data) is None


def test_sheet_with_formulas_is_repacked_after_the_full_scan():
    wb = Workbook()
    ws = wb.active
    ws["A1"], ws["A2"], ws["A3"] = 1, 2, "=SUM(A1:A2)"
    buf = io.BytesIO()
    wb.save(buf)
    assert assert_same(buf.getvalue())


def _sheet_bytes(data: bytes, name: str = "xl/worksheets/sheet1.xml") -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read(name)


def test_formatted_only_cells_are_left_out_of_the_parsers_sheet():
    from openpyxl.styles import Border, Side

    wb = Workbook()
    ws = wb.active
    thin = Side(style="thin")
    for row in ws["A1:H40"]:  # a bordered form: 320 formatted cells
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws["A1"], ws["C3"], ws["H40"], ws["B7"] = "姓名", 2.5, True, dt.date(2026, 7, 3)
    ws.merge_cells("A1:B2")
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    rebuilt = handoff(data)
    assert rebuilt is not None and assert_same(data)
    before, after = _sheet_bytes(data), _sheet_bytes(rebuilt)
    assert after == content_only(before) and len(after) < len(before) / 3
    assert after.count(b"<c ") == 4 and b"<mergeCell " in after
    assert after.index(b"<mergeCells") < after.index(b"<sheetData")  # calamine's merge pass stops there
    assert calamine_view(rebuilt)[0][3][39][7] is True


def test_example_forms_are_handed_over_with_content_cells_only():
    path = next(EXAMPLES.rglob("*-2026-07.xlsx"))
    data = path.read_bytes()
    rebuilt = handoff(data)
    assert rebuilt is not None and assert_same(data, str(path))
    orig, new = zipfile.ZipFile(io.BytesIO(data)), zipfile.ZipFile(io.BytesIO(rebuilt))
    sheets = [i.filename for i in orig.infolist() if i.filename.startswith("xl/worksheets/")]
    assert len(sheets) >= 5
    assert all(len(new.read(n)) < len(orig.read(n)) for n in sheets if b"/>" in orig.read(n))
    for n in sheets:  # only what calamine reads: no column widths, views, validations, print setup
        body = new.read(n)
        assert b"<cols>" not in body and b"<pageSetup" not in body and b"<sheetView" not in body
        assert body.endswith(b"</sheetData></worksheet>")


def test_sheet_with_an_odd_head_keeps_its_head_and_tail():
    head = b'<worksheet xmlns="x"><dimension ref="A1"/><dimension ref="A2"/><cols/>'
    data = b'<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1" s="1"/></row></sheetData>'
    sheet = head + data + b'<mergeCells count="0"/><pageSetup/></worksheet>'
    out = safety._content_only(sheet, len(head), len(head) + data.rindex(b"</sheetData>"),
                               (b'<c r="A1"><v>1</v></c>'[::-1],))
    assert out == content_only(sheet)
    assert out.startswith(head + b'<mergeCells count="0"/><sheetData><row>')  # two <dimension>s: head kept
    assert out.endswith(b"<pageSetup/></worksheet>") and b"<c r=\"B1\"" not in out


def test_sheet_larger_than_the_slim_limit_is_kept_as_it_is(monkeypatch):
    path = next(EXAMPLES.rglob("*-2026-07.xlsx"))
    data = path.read_bytes()
    sizes = [i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist()
             if i.filename.startswith("xl/worksheets/")]
    monkeypatch.setattr(safety, "SLIM_MAX_BYTES", sorted(sizes)[-2])  # all but the largest
    rebuilt = handoff(data)
    assert rebuilt is not None and assert_same(data, str(path))
    orig, new = zipfile.ZipFile(io.BytesIO(data)), zipfile.ZipFile(io.BytesIO(rebuilt))
    kept = [i.filename for i in orig.infolist() if i.filename.startswith("xl/worksheets/")
            and new.read(i.filename) == orig.read(i)]
    assert [orig.getinfo(n).file_size for n in kept] == [max(sizes)]


@pytest.mark.parametrize("tail, moved", [
    (b'<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells><pageMargins/>', True),
    (b'<mergeCells count="0"/><pageMargins/>', True),
    (b"<pageMargins/>", False),  # nothing to move
    (b'<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells><x:mergeCell ref="C1:D1"/>',
     False),  # another text naming mergeCell: left where it is
    (b'<mergeCells count="1"><mergeCell ref="A1:B1"/>', False),  # not closed
])
def test_merge_cells_move_before_the_sheet_data_only_when_plain(tail, moved):
    head = b'<worksheet xmlns="x"><dimension ref="A1:B1"/>'
    data = b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>A</t></is></c><c r="B1" s="1"/></row></sheetData>'
    sheet = head + data + tail + b"</worksheet>"
    cells = (b'<c r="A1" t="inlineStr"><is><t>A</t></is></c>'[::-1],)
    out = safety._content_only(sheet, len(head), len(head) + data.rindex(b"</sheetData>"), cells)
    assert out == content_only(sheet)
    assert (out.index(b"<mergeCells") < out.index(b"<sheetData")) if moved else (
        b"<mergeCells" not in out[:out.index(b"<sheetData")])


def test_formula_sheet_and_empty_sheet_data_are_kept_as_they_are():
    wb = Workbook()
    ws = wb.active
    ws["A1"], ws["A2"], ws["A5"] = 1, "=A1+1", None
    ws["C9"].number_format = "0.00"  # a formatted-only cell
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    assert _sheet_bytes(handoff(data)) == _sheet_bytes(data)  # the full scan's sheet: untouched
    sheet = b'<worksheet xmlns="x"><sheetData/><mergeCells count="0"/></worksheet>'
    assert safety._content_only(sheet, sheet.index(b"<sheetData"), len(sheet), ()) is None


def test_refused_files_give_no_zip():
    members = _members(_simple())
    members = [(n, b.replace(b"<worksheet", b'<!DOCTYPE x [<!ENTITY a "b">]><worksheet', 1))
               for n, b in members]
    with pytest.raises(UnreadableWorkbookError):
        safety.inspect_workbook(Path("x.xlsx"), data=_zip_of(members))


def test_names_and_utf8_flag_kept():
    members = _members(_simple()) + [("customXml/项目 1.xml", b"<a>\xe7\x94\xb2</a>")]
    data = _zip_of(members)
    rebuilt = handoff(data)
    assert rebuilt is not None
    z = zipfile.ZipFile(io.BytesIO(rebuilt))
    assert [i.filename for i in z.infolist()] == [n for n, _ in members]
    assert z.getinfo("customXml/项目 1.xml").flag_bits & 0x800
    assert z.read("customXml/项目 1.xml") == b"<a>\xe7\x94\xb2</a>"
    assert calamine_view(rebuilt) == calamine_view(data)


# ------------------------------------------------------------------ generated workbooks

_TEXT = st.lists(st.sampled_from(list("甲乙 AZaz09&<>\"'\n\t　.-_√") + ["]]>", "&amp;", "\r\n"]),
                 max_size=12).map("".join)
_VALUE = st.one_of(
    _TEXT,
    st.integers(-10**9, 10**9),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 12, 31)),
)
_FORMATS = ["General", "yyyy-mm-dd", "yyyy/m/d h:mm", "0.00", "@", 'yyyy"年"m"月"d"日"']
_SHEET = st.fixed_dictionaries({
    "cells": st.lists(st.tuples(st.integers(1, 30), st.integers(1, 12), _VALUE,
                                st.sampled_from(_FORMATS)), max_size=25),
    "merges": st.lists(st.tuples(st.integers(1, 30), st.integers(1, 12), st.integers(0, 3),
                                 st.integers(0, 3)), max_size=3),
    "state": st.sampled_from(["visible", "hidden", "veryHidden"]),
})


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_SHEET, min_size=1, max_size=4))
def test_generated_workbooks_read_the_same(sheets):
    wb = Workbook()
    wb.remove(wb.active)
    for n, spec in enumerate(sheets):
        ws = wb.create_sheet(f"表{n} &<'>")
        for r, c, v, fmt in spec["cells"]:
            cell = ws.cell(r, c, v)
            cell.number_format = fmt
        taken: set[tuple[int, int]] = set()
        for r, c, dr, dc in spec["merges"]:
            box = {(i, j) for i in range(r, r + dr + 1) for j in range(c, c + dc + 1)}
            if (dr or dc) and not box & taken:
                taken |= box
                ws.merge_cells(start_row=r, start_column=c, end_row=r + dr, end_column=c + dc)
        if n:  # the first sheet stays visible (Excel requires one)
            ws.sheet_state = spec["state"]
    buf = io.BytesIO()
    wb.save(buf)
    assert assert_same(buf.getvalue())


def test_parts_declaring_more_than_the_cap_keep_the_original_bytes(monkeypatch):
    data = _simple()
    total = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    monkeypatch.setattr(safety, "MAX_KEPT_BYTES", total - 1)
    assert handoff(data) is None
    monkeypatch.setattr(safety, "MAX_KEPT_BYTES", total)
    assert handoff(data) is not None


def test_load_book_uses_the_repacked_zip_and_lets_the_parts_go(tmp_path, monkeypatch):
    p = tmp_path / "x.xlsx"
    p.write_bytes(_simple())
    seen = []
    real_inspect, real_from = safety.inspect_workbook, pc.CalamineWorkbook.from_filelike

    def spy_inspect(*a, **kw):
        insp = real_inspect(*a, **kw)
        seen.append(insp)
        return insp

    handed = []

    def spy_from(fh):
        handed.append(fh.getvalue())
        return real_from(fh)

    monkeypatch.setattr(safety, "inspect_workbook", spy_inspect)
    monkeypatch.setattr(pc.CalamineWorkbook, "from_filelike", spy_from)
    book = load_book(p)
    assert book.sheets[0].value(1, 1) == "甲"
    assert handed and zipfile.ZipFile(io.BytesIO(handed[0])).getinfo("xl/workbook.xml").compress_type \
        == zipfile.ZIP_STORED
    assert seen[0].checked_parts is None


def test_load_book_sheet_types_and_visibility(tmp_path):
    wb = Workbook()
    wb.active.title = "见"
    wb.create_sheet("隐").sheet_state = "hidden"
    wb.create_sheet("深").sheet_state = "veryHidden"
    wb.create_chartsheet("图")
    p = tmp_path / "x.xlsx"
    wb.save(p)
    metas = pc.CalamineWorkbook.from_filelike(io.BytesIO(p.read_bytes())).sheets_metadata
    expected = [(m.name, str(m.visible).rsplit(".", 1)[-1] != "Visible") for m in metas
                if str(m.typ).rsplit(".", 1)[-1] == "WorkSheet"]
    assert expected == [("见", False), ("隐", True), ("深", True)]
    assert [(s.name, s.hidden) for s in load_book(p).sheets] == expected
