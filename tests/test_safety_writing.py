"""Writing safely: user text never becomes a formula, output names are safe, writes are atomic
and never replace an existing output without --force."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from kaoping.errors import KaopingError, OutputExistsError
from kaoping.output.workbook import atomic_write_bytes, put, save_workbook
from kaoping.models import Finding, Person, RankCategory, Roster, Severity
from kaoping.paths import MAX_NAME, safe_filename

HOSTILE = [
    '=HYPERLINK("http://127.0.0.1/x","点我")',
    "=1+1",
    "+1",
    "-2+3",
    "@SUM(A1:A2)",
    "=cmd|' /C calc'!A0",
    "\t=1+1",
    "==",
]
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_F_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def formula_cells(path: Path) -> list[str]:
    """Worksheet parts of an .xlsx that contain a cell formula (<f>)."""
    with zipfile.ZipFile(path) as zf:
        return [n for n in zf.namelist()
                if n.startswith("xl/worksheets/") and _F_TAG.search(zf.read(n))]


# ------------------------------------------------------------------ safe names


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=300))
def test_safe_filename_properties(name):
    out = safe_filename(name)
    assert out and len(out) <= MAX_NAME
    assert "/" not in out and "\\" not in out and "\x00" not in out
    assert out not in (".", "..") and not out.startswith(".") and not out.endswith((".", " "))
    assert not any(ch in out for ch in '<>:"|?*')
    assert not any(ord(ch) < 32 for ch in out)
    assert out.split(".")[0].upper() not in _RESERVED
    assert len(out.encode("utf-8")) <= 255


@pytest.mark.parametrize("name", ["..", "../..", "../../etc/passwd", "..\\..\\Windows", "CON", "con.xlsx",
                                  "LPT1", "a/b", "a\\b", " . ", "\u200b", "NUL.txt", "张三\u202e.xlsx"])
def test_safe_filename_examples(name, tmp_path):
    out = safe_filename(name)
    target = (tmp_path / out).resolve()
    assert target.parent == tmp_path.resolve()


# ------------------------------------------------------------------ text stays text


@pytest.mark.parametrize("text", HOSTILE)
def test_put_stores_formula_like_text_as_text(text, tmp_path):
    wb = Workbook()
    put(wb.active["A1"], text)
    p = save_workbook(wb, tmp_path / "out.xlsx")
    assert formula_cells(p) == []
    assert load_workbook(p).active["A1"].value == text


def test_generated_forms_and_roster_keep_hostile_text_literal(tmp_path):
    from kaoping.forms.routine import generate_forms
    from kaoping.periods import parse_month, parse_quarter
    from kaoping.forms.roster import roster_template_workbook

    people = [
        Person(staff_id=f"X{i}", name=name, unit=unit, section=section, post="=1+1",
               rank_category=RankCategory.CLERK, hired_on=dt.date(2020, 1, 1))
        for i, (name, unit, section) in enumerate([
            (HOSTILE[0], "../../etc", "..\\..\\Windows"),
            ("=1+1", "CON", "a:b*c?"),
            ("@SUM(A1)", "财务处/综合科", "LPT1"),
        ])
    ]
    roster = Roster(people=people)
    out = tmp_path / "out"
    paths = [*generate_forms(roster, parse_quarter("2026Q3"), out),
             *generate_forms(roster, parse_month("2026-07"), out / "m")]
    assert len(paths) == 6
    for p in paths:
        assert out.resolve() in p.resolve().parents  # nothing escapes the output folder
        for part in p.relative_to(out).parts:
            assert part == safe_filename(part)
        assert formula_cells(p) == [], p
    wb = load_workbook(paths[0])
    texts = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    assert HOSTILE[0] in texts or "=1+1" in texts
    rp = save_workbook(roster_template_workbook(people=people), tmp_path / "花名册.xlsx")
    assert formula_cells(rp) == []


def test_problems_list_keeps_hostile_text_literal(tmp_path):
    from kaoping.report.problems import write_problems

    findings = [Finding(rule="F1", severity=Severity.ERROR, message=t, unit=t, person=t,
                        file=f"/x/{t}.xlsx", sheet=t, cell=t) for t in HOSTILE]
    p = write_problems(findings, tmp_path / "问题清单.xlsx")
    assert formula_cells(p) == []


# ------------------------------------------------------------------ atomic, no silent overwrite


def test_existing_output_is_never_replaced_without_force(tmp_path):
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"precious")
    with pytest.raises(OutputExistsError):
        save_workbook(Workbook(), target)
    with pytest.raises(OutputExistsError):
        atomic_write_bytes(target, b"new", force=False)
    assert target.read_bytes() == b"precious"
    save_workbook(Workbook(), target, force=True)
    assert zipfile.is_zipfile(target)
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_failed_save_leaves_old_output_and_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")
    wb = Workbook()

    def boom(path):
        Path(path).write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(wb, "save", boom)
    with pytest.raises(KaopingError):
        save_workbook(wb, target, force=True)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_save_goes_through_a_temporary_file_and_rename(tmp_path, monkeypatch):
    import os

    seen = []
    real = os.replace

    def spy(src, dst):
        seen.append((Path(src), Path(dst)))
        assert Path(src).parent == Path(dst).parent  # same folder: rename is atomic
        assert not Path(dst).exists() or Path(dst).read_bytes() == b"old"
        return real(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")
    save_workbook(Workbook(), target, force=True)
    assert len(seen) == 1 and seen[0][1] == target and seen[0][0].name.startswith(".~kaoping-")
