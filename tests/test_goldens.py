"""Golden outputs (scripts/goldens.py): every command's workbooks for the examples and the bad
corpus, compared cell by cell with tests/goldens/*.json. A deliberate change of output is
recorded with `python scripts/goldens.py --write` in a commit that says what changed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import goldens  # noqa: E402

CASES = [c.name for c in goldens.cases()]


@pytest.fixture(scope="module")
def records() -> dict[str, dict]:
    return goldens.collect()


def test_every_case_has_a_golden():
    recorded = {p.stem for p in goldens.GOLDEN_DIR.glob("*.json")}
    assert recorded == set(CASES)


@pytest.mark.parametrize("name", CASES)
def test_output_equals_golden(records, name):
    diff = goldens.differences(goldens.load_golden(name), records[name])
    assert not diff, f"{name}: outputs differ from tests/goldens/{name}.json:\n" + "\n".join(diff)


def test_differences_names_the_cell():
    """The comparison itself can fail: a changed cell, a lost file, another exit code."""
    golden = {"exit_code": 0, "files": {"a.xlsx": {"sheet_order": ["S"], "sheets": {
        "S": {"state": "visible", "cells": {"A1": "好", "B2": 3}}}}}}
    changed = {"exit_code": 1, "files": {"a.xlsx": {"sheet_order": ["S"], "sheets": {
        "S": {"state": "visible", "cells": {"A1": "较好", "B2": 3}}}}, "b.xlsx": {
        "sheet_order": [], "sheets": {}}}}
    diff = goldens.differences(golden, changed)
    assert "exit code 0 → 1" in diff
    assert "file added: b.xlsx" in diff
    assert "a.xlsx [S] A1: '好' → '较好'" in diff
    assert goldens.differences(golden, golden) == []


def test_reader_reads_every_workbook_as_recorded():
    """scripts/reader_snapshot.py: every form and finding the reader makes of the examples and
    the bad corpus, texts included (tests/goldens/readers.json.gz)."""
    import gzip
    import json

    import reader_snapshot

    before = json.loads(gzip.decompress((goldens.GOLDEN_DIR / "readers.json.gz").read_bytes()))
    now = reader_snapshot.snapshot()
    differ = sorted(k for k in set(before) | set(now) if before.get(k) != now.get(k))
    assert not differ, f"{len(differ)} workbooks read differently, e.g. {differ[:5]}"
