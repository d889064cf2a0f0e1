"""What the pipelines read before any rule runs: the folder's workbooks (listed and counted
for the progress bar), how many processes read them, and a roster larger than any form."""

from __future__ import annotations

from pathlib import Path

import pytest

from kaoping.paths import count_workbook_names, scan_workbook_names, scan_workbooks
from kaoping.pipeline import count_workbooks
from kaoping.rules.settings import LimitSettings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus" / "bad"


def test_listing_gives_the_paths_sorted(tmp_path):
    rels = ["b/张三-2026Q3.xlsx", "a/Z.XLSX", "a/a.xlsx", "a10/x.xlsx", "a2/深/层/x.xlsx", "c.xlsx"]
    for rel in rels:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"x")
    names = [str(p) for p in scan_workbooks(tmp_path)]
    assert len(names) == len(rels)
    assert scan_workbook_names(tmp_path) == names
    assert len(scan_workbook_names(tmp_path / "a10")) == 1


def test_count_is_the_number_of_paths_listed(tmp_path):
    for rel in ["a/x.xlsx", "a/~$x.xlsx", "b/.h/y.xlsx", "b/z.XLSX", "c.xls", "d.txt"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"x")
    assert count_workbook_names(tmp_path) == len(scan_workbook_names(tmp_path)) == 3
    assert count_workbook_names(CORPUS) == len(scan_workbook_names(CORPUS)) > 10
    assert count_workbooks(tmp_path) == 3 and count_workbooks(tmp_path / "none") == 0


def test_read_workers_choice(monkeypatch):
    from kaoping.pipeline.batch import PARALLEL_MIN_FILES, read_workers

    monkeypatch.delenv("KAOPING_WORKERS", raising=False)
    assert read_workers(PARALLEL_MIN_FILES - 1) == 1
    assert read_workers(10, 4) == 1  # never more workers than chunks of files
    assert read_workers(1000, 3) == 3
    monkeypatch.setenv("KAOPING_WORKERS", "1")
    assert read_workers(100_000) == 1


def test_roster_of_more_rows_than_a_form_may_have():
    """A city's 花名册 has more rows than the per-form limit (max_rows): registers use
    max_register_rows, forms keep max_rows."""
    from kaoping.errors import UnreadableWorkbookError
    from kaoping.excel.book import load_book, register_limits
    from kaoping.excel.roster import read_roster

    roster_path = ROOT / "examples" / "花名册.xlsx"  # 60 people
    small = LimitSettings(max_rows=5, max_register_rows=100)
    roster, _ = read_roster(roster_path, limits=small)
    assert len(roster.people) == 60
    assert register_limits(small).max_rows == 100
    with pytest.raises(UnreadableWorkbookError):
        load_book(roster_path, small)  # the same file as a form is refused
    with pytest.raises(UnreadableWorkbookError):
        read_roster(roster_path, limits=LimitSettings(max_rows=5, max_register_rows=5))
