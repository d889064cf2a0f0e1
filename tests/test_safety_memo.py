"""The inflation memo of non-sheet parts (`safety._INFLATE_MEMO`): a remembered part gives
exactly what inflating it gives, a member that differs in anything (bytes, method, sizes,
CRC) is inflated and checked afresh, and the memo stays bounded."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from kaoping.errors import UnreadableWorkbookError
from kaoping.excel import safety
from helpers_safety import cd_entry

ROOT = Path(__file__).resolve().parents[1]
HERE = Path("x.xlsx")


def _outcome(data: bytes):
    try:
        insp = safety.inspect_workbook(HERE, data=data)
    except UnreadableWorkbookError as exc:
        return ("refused", exc.message)
    parts = None if insp.checked_parts is None else [(i.filename, b) for i, b in insp.checked_parts]
    return ("ok", {k: (v.max_row, v.max_col, v.declared, sorted(v.uncached_formulas))
                   for k, v in insp.sheets.items()}, insp.sheet_parts, parts)


def _cold(data: bytes, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(safety, "_INFLATE_MEMO_MAX_BYTES", -1)
        return _outcome(data)


def _files() -> list[Path]:
    files = sorted(p for p in [*(ROOT / "tests" / "corpus" / "bad").rglob("*"),
                               *(ROOT / "examples").rglob("*.xlsx")]
                   if p.is_file() and not p.name.startswith("."))
    return files


def test_warm_memo_equals_cold_inspection(monkeypatch):
    monkeypatch.setattr(safety, "_INFLATE_MEMO", {})
    datas = [p.read_bytes() for p in _files()]
    for d in datas:  # warm
        _outcome(d)
    assert safety._INFLATE_MEMO  # something was remembered
    for d in datas:
        assert _outcome(d) == _cold(d, monkeypatch)


def _good() -> bytes:
    wb = Workbook()
    wb.active["A1"] = "甲"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()



@pytest.mark.parametrize("member", ["xl/styles.xml", "xl/theme/theme1.xml", "[Content_Types].xml",
                                    "xl/workbook.xml"])
@pytest.mark.parametrize("field, delta", [(16, 0x5A5A), (24, 7), (24, -7), (20, -9)])
def test_member_that_differs_from_a_remembered_one_is_checked_afresh(monkeypatch, member, field, delta):
    good = _good()
    monkeypatch.setattr(safety, "_INFLATE_MEMO", {})
    assert _outcome(good)[0] == "ok"  # the good member is now remembered
    buf = bytearray(good)
    at = cd_entry(good, member) + field
    value = struct.unpack_from("<I", buf, at)[0]
    struct.pack_into("<I", buf, at, value ^ delta if field == 16 else value + delta)
    bad = bytes(buf)
    warm = _outcome(bad)
    assert warm[0] == "refused"
    assert warm == _cold(bad, monkeypatch)


def test_member_whose_bytes_differ_is_checked_afresh(monkeypatch):
    good = _good()
    monkeypatch.setattr(safety, "_INFLATE_MEMO", {})
    _outcome(good)
    info = zipfile.ZipFile(io.BytesIO(good)).getinfo("xl/styles.xml")
    start = info.header_offset + 30 + len(info.orig_filename.encode()) + len(info.extra)
    buf = bytearray(good)
    buf[start + info.compress_size // 2] ^= 0x40  # same declared sizes and CRC, other bytes
    bad = bytes(buf)
    assert _outcome(bad)[0] == "refused" and _outcome(bad) == _cold(bad, monkeypatch)


def test_memo_is_bounded(monkeypatch):
    monkeypatch.setattr(safety, "_INFLATE_MEMO", {})
    for n in range(safety._INFLATE_MEMO_SIZE * 2 + 5):
        wb = Workbook()
        wb.active["A1"] = n
        wb.properties.title = f"t{n}"  # a docProps/core.xml of its own
        buf = io.BytesIO()
        wb.save(buf)
        _outcome(buf.getvalue())
        assert len(safety._INFLATE_MEMO) <= safety._INFLATE_MEMO_SIZE


def test_big_parts_and_sheets_are_not_remembered(monkeypatch):
    monkeypatch.setattr(safety, "_INFLATE_MEMO", {})
    _outcome(_good())
    names = set()
    for key, out in safety._INFLATE_MEMO.items():
        assert len(out) <= safety._INFLATE_MEMO_MAX_BYTES
        names.add(out[:200])
    assert not any(b"<worksheet" in n for n in names)
    monkeypatch.setattr(safety, "_INFLATE_MEMO", {})
    monkeypatch.setattr(safety, "_INFLATE_MEMO_MAX_BYTES", 100)
    _outcome(_good())
    assert all(len(out) <= 100 for out in safety._INFLATE_MEMO.values())
