"""One name comparison for readers and engine (kaoping.names.normalize_name)."""

from __future__ import annotations

import pytest

from kaoping.excel import cells
from kaoping.names import normalize_name
from kaoping.rules import attendance


@pytest.mark.parametrize(("raw", "expected"), [
    ("张　三 ", "张三"), ("张 三", "张三"), ("王\xad五", "王五"), ("李\u200b四", "李四"),
    ("ＡＢ１", "AB1"), (None, ""), (1013.0, "1013"),
])
def test_normalize_name(raw, expected):
    assert normalize_name(raw) == expected


def test_reader_and_engine_compare_names_alike():
    for raw in ("王\xad五", "张　三", "Ｃ\u0327", "欧阳\u2060明"):
        assert cells.normalize_name(raw) == attendance.normalize_name(raw) == normalize_name(raw)
