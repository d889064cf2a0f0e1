"""The fast paths of `kaoping.excel.safety` give exactly what the plain paths give.

- members inflated in one call (`_inflate_whole`) vs the 64 KiB streaming loop
  (`_member_chunks`): same bytes, and for every fault the same refusal and message;
- the central directory read with struct (`_central_directory`) vs zipfile's infolist;
- the sheet map read with regexes (`_sheet_pairs_plain`) vs defusedxml;
- the fast sheet analysis vs the full tag-by-tag scan (also in test_benchmark_equivalence).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path
from xml.parsers import expat

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaoping.errors import UnreadableWorkbookError
from kaoping.excel import safety
from kaoping.paths import scan_workbooks
from kaoping.rules.settings import LimitSettings
from helpers_safety import bad_corpus_builder, cd_entry

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus" / "bad"


B = bad_corpus_builder()
HERE = Path("x.xlsx")


def _summary(data: bytes, limits: LimitSettings | None = None):
    try:
        insp = safety.inspect_workbook(HERE, limits, data=data)
    except UnreadableWorkbookError as exc:
        return ("refused", exc.message)
    return ("ok", {k: (v.max_row, v.max_col, v.declared, sorted(v.uncached_formulas))
                   for k, v in insp.sheets.items()}, insp.sheet_parts)


def _slow_summary(data: bytes, monkeypatch, limits: LimitSettings | None = None):
    """The same inspection with every fast path off: members streamed in 64 KiB chunks, no
    fast sheet scan, zipfile's directory, defusedxml's sheet map, nothing remembered."""
    with monkeypatch.context() as m:
        m.setattr(safety, "FAST_MAX_BYTES", -1)
        m.setattr(safety, "_central_directory", lambda data: None)
        m.setattr(safety, "_sheet_pairs_plain", lambda wb, rels: None)
        m.setattr(safety, "_SHEET_MAP_MEMO", {})
        m.setattr(safety, "_INFLATE_MEMO_MAX_BYTES", -1)
        return _summary(data, limits)


def _both(data: bytes, monkeypatch, limits: LimitSettings | None = None):
    fast = _summary(data, limits)
    assert fast == _slow_summary(data, monkeypatch, limits)
    return fast


def _corpus_files() -> list[Path]:
    files = sorted(p for p in [*CORPUS.rglob("*"), *(ROOT / "examples").rglob("*.xlsx")]
                   if p.is_file() and not p.name.startswith("."))
    bench = ROOT / "benchmarks" / "data" / "500" / "v1" / "collected"
    if bench.is_dir():
        files += list(scan_workbooks(bench))[:40]
    return files


def test_fast_paths_equal_slow_paths_on_corpus_and_examples(monkeypatch):
    files = _corpus_files()
    assert len(files) > 20
    kinds = set()
    for p in files:
        try:
            data = p.read_bytes()
        except OSError:  # examples being regenerated meanwhile
            continue
        kinds.add(_both(data, monkeypatch)[0])
    assert kinds == {"ok", "refused"}


# ---------------------------------------------------------------- member faults, both paths


def _good() -> bytes:
    body = (b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c><c r="B1" s="1"/></row>'
            b'<row r="2"><c r="C2"><v>1</v></c></row>')
    return B.minimal_xlsx(B.sheet_xml(body, "A1:C2"))



def _patch_cd(data: bytes, member: str, offset: int, fmt: str, value: int) -> bytes:
    buf = bytearray(data)
    struct.pack_into(fmt, buf, cd_entry(data, member) + offset, value)
    return bytes(buf)


def _info(data: bytes, member: str):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.getinfo(member)


SHEET = "xl/worksheets/sheet1.xml"
MEMBERS = [SHEET, "xl/workbook.xml", "[Content_Types].xml"]


@pytest.mark.parametrize("member", MEMBERS)
@pytest.mark.parametrize("fault, words", [
    ("lying size", "实际解压后大于其声明的大小"),  # declared smaller than it inflates to
    ("short size", "校验失败"),  # declared larger: ends early
    ("crc", "校验失败"),
    ("cut stream", "压缩数据不完整"),  # compressed size cut in half
    ("header", "头部缺失"),
])
def test_member_faults_refused_alike_by_one_call_and_streaming(monkeypatch, member, fault, words):
    data = _good()
    info = _info(data, member)
    if fault == "lying size":
        bad = _patch_cd(data, member, 24, "<I", info.file_size - 7)
    elif fault == "short size":
        bad = _patch_cd(data, member, 24, "<I", info.file_size + 7)
    elif fault == "crc":
        bad = _patch_cd(data, member, 16, "<I", info.CRC ^ 0x5A5A)
    elif fault == "cut stream":
        bad = _patch_cd(data, member, 20, "<I", info.compress_size // 2)
    else:
        bad = _patch_cd(data, member, 42, "<I", info.header_offset + 3)
    assert safety._inflate_whole(bad, _info(bad, member)) is None
    outcome = _both(bad, monkeypatch)
    assert outcome[0] == "refused" and words in outcome[1], outcome


def test_stored_member_with_sizes_that_differ(monkeypatch):
    body = b'<row r="1"><c r="A1"><v>1</v></c></row>'
    data = B.zip_bytes([(n, d) for n, d in _members(B.minimal_xlsx(B.sheet_xml(body)))],
                       compress=zipfile.ZIP_STORED)
    info = _info(data, SHEET)
    bad = _patch_cd(data, SHEET, 24, "<I", info.file_size - 1)
    assert safety._inflate_whole(bad, _info(bad, SHEET)) is None
    outcome = _both(bad, monkeypatch)
    assert outcome == ("refused", f"文件已损坏（部件 {SHEET} 大小不一致）。{safety.RESEND}。")
    assert _both(data, monkeypatch)[0] == "ok"  # stored members are read by the one call too
    assert safety._inflate_whole(data, info) == dict(_members(data))[SHEET]


def _members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def test_truncated_member_data_named_as_truncated():
    """A member whose compressed bytes run past the end of the file: the one call declines,
    the streaming loop names it (both for deflated and stored members)."""
    payload = b"<worksheet>" + b"<row/>" * 4000 + b"</worksheet>"
    for method, stored in ((zipfile.ZIP_DEFLATED, False), (zipfile.ZIP_STORED, True)):
        comp = payload if stored else zlib.compress(payload, 9)[2:-4]
        name = b"xl/worksheets/sheet1.xml"
        header = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0,
                             zlib.crc32(payload), len(comp), len(payload), len(name), 0) + name
        data = header + comp[: len(comp) // 2]  # the file ends half-way through the member
        info = safety._Member(name.decode(), name.decode(), 0, method, len(comp), len(payload),
                              zlib.crc32(payload), 0)
        assert safety._inflate_whole(data, info) is None
        with pytest.raises(UnreadableWorkbookError) as exc:
            safety._read_part(HERE, data, info)
        assert "被截断" in exc.value.message
        full = header + comp
        assert safety._inflate_whole(full, info) == payload
        assert b"".join(safety._member_chunks(HERE, full, info)) == payload


def test_one_call_never_inflates_more_than_declared_plus_one():
    payload = b"<a>" + b"x" * 500_000 + b"</a>"
    comp = zlib.compress(payload, 9)[2:-4]
    name = b"xl/styles.xml"
    header = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, 0, len(comp), 10, len(name), 0) + name
    info = safety._Member(name.decode(), name.decode(), 0, 8, len(comp), 10, 0, 0)
    seen = []
    real = zlib.decompressobj

    class Spy:
        def __init__(self, *a):
            self.d = real(*a)

        def decompress(self, data, max_length=0):
            seen.append(max_length)
            out = self.d.decompress(data, max_length)
            assert len(out) <= 11
            return out

        def __getattr__(self, name):
            return getattr(self.d, name)

    with pytest.MonkeyPatch.context() as m:
        m.setattr(zlib, "decompressobj", Spy)
        assert safety._inflate_whole(header + comp, info) is None
    assert seen == [11]
    with pytest.raises(UnreadableWorkbookError, match="声明的大小"):
        safety._read_part(HERE, header + comp, info)


def test_dtd_in_a_part_read_whole_is_refused(monkeypatch):
    xml = b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "b">]><worksheet/>'
    data = B.minimal_xlsx(xml)
    outcome = _both(data, monkeypatch)
    assert outcome[0] == "refused" and "DTD" in outcome[1]
    shared = b'<sst><!DoCtYpE x><si><t>a</t></si></sst>'
    data = B.minimal_xlsx(B.sheet_xml(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), shared=shared)
    outcome = _both(data, monkeypatch)
    assert outcome[0] == "refused" and "xl/sharedStrings.xml" in outcome[1]


_form_cache: dict[str, bytes] = {}


def _form() -> bytes:
    if "q" not in _form_cache:
        _form_cache["q"] = (CORPUS / "两个勾-李四-2026Q3.xlsx").read_bytes()
    return _form_cache["q"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 10**9), st.integers(1, 255)), min_size=1, max_size=4))
def test_fuzz_byte_flips_same_outcome_on_both_paths(monkeypatch, flips):
    data = bytearray(_form())
    for at, x in flips:
        data[at % len(data)] ^= x
    _both(bytes(data), monkeypatch)


# ---------------------------------------------------------------- central directory


def _zipfile_view(data: bytes):
    return [(i.filename, i.orig_filename, i.flag_bits, i.compress_type, i.compress_size,
             i.file_size, i.CRC, i.header_offset) for i in zipfile.ZipFile(io.BytesIO(data)).infolist()]


def _ours(data: bytes):
    members = safety._central_directory(data)
    if members is None:
        return None
    return [(m.filename, m.orig_filename, m.flag_bits, m.compress_type, m.compress_size,
             m.file_size, m.CRC, m.header_offset) for m in members]


def test_central_directory_equals_zipfile():
    answered = 0
    for p in _corpus_files():
        try:
            data = p.read_bytes()
        except OSError:
            continue
        ours = _ours(data)
        if ours is not None:
            answered += 1
            assert ours == _zipfile_view(data), p
    assert answered > 20


def test_central_directory_declines_what_it_does_not_read():
    data = _good()
    assert _ours(data) == _zipfile_view(data)
    with_comment = io.BytesIO()
    with zipfile.ZipFile(with_comment, "w") as zf:
        zf.comment = b"hello"
        for name, body in _members(data):
            zf.writestr(name, body)
    assert safety._central_directory(with_comment.getvalue()) is None
    assert safety._central_directory(b"junk" + data) is None  # prepended: offsets shift
    assert safety._central_directory(data[:-1]) is None
    utf8 = B.zip_bytes([("xl/workbook.xml", b"<workbook/>"), ("xl/表.xml", b"<a/>")])
    assert _ours(utf8) == _zipfile_view(utf8)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**9), st.integers(1, 255)), min_size=1, max_size=3),
       st.booleans())
def test_central_directory_fuzz(flips, tail):
    data = bytearray(_good())
    for at, x in flips:
        span = 200 if tail else len(data)  # the directory is in the last bytes
        data[len(data) - 1 - at % span] ^= x
    data = bytes(data)
    ours = _ours(data)
    if ours is not None:
        assert ours == _zipfile_view(data)  # and zipfile did not raise


# ---------------------------------------------------------------- sheet map


def test_sheet_map_plain_equals_defused_on_corpus():
    answered = 0
    for p in _corpus_files():
        try:
            with zipfile.ZipFile(p) as zf:
                wb, rels = zf.read("xl/workbook.xml"), zf.read("xl/_rels/workbook.xml.rels")
        except Exception:  # noqa: BLE001 - not a readable workbook: nothing to compare
            continue
        plain = safety._sheet_pairs_plain(wb, rels)
        if plain is not None:
            answered += 1
            assert plain == safety._sheet_pairs_defused(wb, rels), p
    assert answered > 20


_names = st.one_of(st.text(st.sampled_from(list("表周Ab1 _-.()")), min_size=0, max_size=6),
                   st.text(st.sampled_from(list("表Ab1 _-'\"&<>\t.")), min_size=0, max_size=6))
_sheet_forms = st.sampled_from(["plain"] * 4 + ["id-first", "bare-id", "x-prefix", "single", "spaced",
                                                "nested", "no-id", "xmlns-id", "two-ids"])


def _esc(text: str, quote: str = '"') -> str:
    out = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return out.replace(quote, "&quot;" if quote == '"' else "&apos;")


def _sheet_el(form: str, name: str, rid: str, raw: bool) -> str:
    n = name if raw else _esc(name)
    if form == "plain":
        return f'<sheet name="{n}" sheetId="1" r:id="{rid}"/>'
    if form == "id-first":
        return f'<sheet r:id="{rid}" name="{n}"></sheet>'
    if form == "bare-id":
        return f'<sheet name="{n}" id="{rid}" />'
    if form == "x-prefix":
        return f'<x:sheet name="{n}" r:id="{rid}"/>'
    if form == "single":
        return f"<sheet name='{name if raw else _esc(name, chr(39))}' r:id='{rid}'/>"
    if form == "spaced":
        return f'<sheet\n  name = "{n}"\tr:id="{rid}"  />'
    if form == "nested":
        return f'<extLst><sheet name="{n}" r:id="{rid}"/></extLst>'
    if form == "no-id":
        return f'<sheet name="{n}"/>'
    if form == "xmlns-id":
        return f'<sheet xmlns:id="urn:x" name="{n}" r:id="{rid}"/>'
    return f'<sheet name="{n}" r:id="{rid}" x:id="other"/>'


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_sheet_forms, _names, st.sampled_from(["rId1", "rId2", "rId9", ""]),
                          st.booleans()), max_size=4),
       st.lists(st.tuples(st.sampled_from(["rId1", "rId2", "rId3"]),
                          st.sampled_from(["worksheets/s1.xml", "/xl/a/../s2.xml", "./s3.xml",
                                           "", "a&amp;b.xml", "s\t4.xml", "../x//y.xml"]),
                          st.sampled_from(["plain", "plain", "single", "target-first", "child"])), max_size=4),
       st.sampled_from(["", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
                        "<?xml version='1.0'?>", '<?xml version="1.0" encoding="GB2312"?>',
                        "<!-- c -->", "\ufeff"]),
       st.sampled_from([False, False, False, True]))
def test_sheet_map_plain_equals_defused_on_generated_parts(sheets, rels, decl, comment):
    body = "".join(_sheet_el(f, n, r, raw) for f, n, r, raw in sheets)
    wb = (decl + '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:x="urn:x">'
          + ("<!-- note -->" if comment else "") + f"<sheets>{body}</sheets></workbook>")
    rel_els = []
    for rid, target, form in rels:
        if form == "plain":
            rel_els.append(f'<Relationship Id="{rid}" Type="t" Target="{target}"/>')
        elif form == "single":
            rel_els.append(f"<Relationship Id='{rid}' Target='{target}'/>")
        elif form == "target-first":
            rel_els.append(f'<Relationship Target="{target}" Id="{rid}" />')
        else:
            rel_els.append(f'<Relationship Id="{rid}" Target="{target}"><x/></Relationship>')
    rels_doc = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                + "".join(rel_els) + "</Relationships>")
    wb_bytes = wb.encode("utf-8")
    rels_bytes = rels_doc.encode("utf-8")
    plain = safety._sheet_pairs_plain(wb_bytes, rels_bytes)
    if plain is not None:
        assert plain == safety._sheet_pairs_defused(wb_bytes, rels_bytes)
    memo = safety._sheet_map_from(wb_bytes, rels_bytes)
    again = safety._sheet_map_from(wb_bytes, rels_bytes)  # remembered: same answer, own copy
    assert memo == again
    if again is not None:
        again["x"] = "y"
        assert safety._sheet_map_from(wb_bytes, rels_bytes) == memo


def test_sheet_map_plain_path_reads_the_usual_form():
    data = _good()
    m = dict(_members(data))
    wb, rels = m["xl/workbook.xml"], m["xl/_rels/workbook.xml.rels"]
    assert safety._sheet_pairs_plain(wb, rels) == safety._sheet_pairs_defused(wb, rels) == (
        [("rId1", "worksheets/sheet1.xml")], [("Sheet1", "rId1")])


# ---------------------------------------------------------------- fast sheet analysis


def _full(sheet: bytes, limits: LimitSettings):
    data = B.minimal_xlsx(sheet)
    info = _info(data, SHEET)
    try:
        return safety._scan_sheet(HERE, data, info, limits)
    except UnreadableWorkbookError:
        return None


_fragments = st.sampled_from([
    b'<row r="1">', b'<row r="7" spans="1:3">', b"</row>", b'<c r="A1">', b'<c r="B12" s="1" t="n">',
    b'<c r="GS3">', b'<c r="Z9" s="2"/>', b"<c>", b'<c r="A1" t="inlineStr">', b"</c>", b"<v>1</v>",
    b"<v/>", b"<v>", b"</v>", b"<is><t>x</t></is>", b'<is><t xml:space="preserve"> y</t></is>',
    b"<f>1+1</f>", b'<x:c r="C3">', b"<x:v>2</x:v>", b'"', b"'", b"<", b">", b" ", b"\n",
    b'<c r="D4" x="a>b">', b"<!-- <c r=\"E9000\"><v>1</v></c> -->", b'<c r="A0">', b'<c r="a1">',
    b"<row>", b'<c r="B2" s="1"><extLst/>', b'<row r="2" x=\'', b'<c r="C5" s="\'">',
])


@settings(max_examples=400, deadline=None)
@given(st.lists(_fragments, max_size=14))
def test_fast_sheet_analysis_never_below_the_full_scan(parts):
    """On any markup, well-formed or not, the fast analysis declines or finds at least the
    extent the full scan finds; on well-formed sheets exactly that extent."""
    body = b"".join(parts)
    sheet = B.sheet_xml(body)
    limits = LimitSettings()
    fast = safety._sheet_extent_fast(sheet, limits)
    if fast is None:
        return
    full = _full(sheet, limits)
    if full is None:
        return  # the full scan refuses (past the limits): nothing the fast one could hide
    assert fast.max_row >= full.max_row and fast.max_col >= full.max_col, body
    try:
        expat.ParserCreate(None, "}").Parse(sheet.replace(b"<x:", b"<").replace(b"</x:", b"</"), True)
        well_formed = True
    except expat.ExpatError:
        well_formed = False
    if well_formed:
        assert (fast.max_row, fast.max_col, fast.uncached_formulas) == \
            (full.max_row, full.max_col, full.uncached_formulas), body


@pytest.mark.parametrize("body, answered", [
    (b'<row r="1"><c r="A1"><v>1</v></c></row>', True),
    (b'<row r="1"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1" s="2"/></row>', True),
    (b'<row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve"> a </t></is></c></row>', True),
    (b'<row r="1"> <c r="A1"><v>1</v></c></row>', False),  # not right after a '>'
    (b'<row r="1"><c r="A1"> <v>1</v></c></row>', False),  # whitespace inside
    (b'<row r="1"><c r="A1" s=\'1\'><v>1</v></c></row>', False),  # single quotes
    (b'<row r="1"><c r="A1"><v>1</v><v>2</v></c></row>', False),
    (b'<row r="1"><c r="A1"><is><r><t>a</t></r></is></c></row>', False),  # rich text
    (b'<row r="1"><c r="A1"><x:v>1</x:v></c></row>', False),  # prefixed value
    (b'<row r="1"><c r="A1"><f>1</f></c></row>', False),
    (b'<row r="1"><!-- x --><c r="A1"><v>1</v></c></row>', False),
    (b'<row r="1" x="<c r=&quot;A9&quot;>"><c r="A1"><v>1</v></c></row>', True),
])
def test_fast_sheet_analysis_declines_unusual_markup(body, answered):
    sheet = B.sheet_xml(body, "A1:B2")
    fast = safety._sheet_extent_fast(sheet, LimitSettings())
    assert (fast is not None) == answered
    if fast is not None:
        full = _full(sheet, LimitSettings())
        assert (fast.max_row, fast.max_col, fast.declared) == (full.max_row, full.max_col, full.declared)


def test_cells_outside_sheet_data_are_not_missed():
    """Only <sheetData> is searched for cells; one anywhere else makes the counts differ, so
    the sheet is declined and the full scan (which looks everywhere) counts it."""
    sheet = B.sheet_xml(b'<row r="1"><c r="A1"><v>1</v></c></row>').replace(
        b"</worksheet>", b'<extLst><c r="GZ9000"><v>1</v></c></extLst></worksheet>')
    assert safety._sheet_extent_fast(sheet, LimitSettings()) is None
    assert _full(sheet, LimitSettings()) is None  # past the limits: refused
    inside = B.sheet_xml(b'<row r="1"><c r="A1"><v>1</v></c></row><row r="3"><c r="C3"><v>2</v></c></row>')
    fast = safety._sheet_extent_fast(inside, LimitSettings())
    assert (fast.max_row, fast.max_col) == (3, 3)
