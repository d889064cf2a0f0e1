"""季度结果台账: write/read round trip and validation of hand-edited files."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from helpers_report import sample
from kaoping.errors import KaopingError, OutputExistsError
from kaoping.output.workbook import save_workbook
from kaoping.models import Outcome, QuarterLedger
from kaoping.report.ledger import ledger_workbook, read_ledger, write_ledger


def _ledger() -> QuarterLedger:
    _, outcome = sample()
    return QuarterLedger(year=2026, quarter=3, results=outcome.results)


def test_round_trip(tmp_path: Path):
    ledger = _ledger()
    path = write_ledger(ledger, tmp_path / "台账.xlsx")
    back = read_ledger(path)
    assert (back.year, back.quarter) == (2026, 3)
    assert back.source == str(path)
    # `row` is where a result was read (for messages), not part of it.
    assert [r.model_dump(exclude={"row"}) for r in back.results] == [
        r.model_dump(exclude={"row"}) for r in ledger.results]
    assert [r.row for r in back.results] == list(range(2, 2 + len(ledger.results)))


def test_formula_like_values_are_literal_and_meta_hidden(tmp_path: Path):
    path = write_ledger(_ledger(), tmp_path / "台账.xlsx")
    wb = load_workbook(path)
    ws = wb["季度结果台账"]
    names = [ws.cell(r, 2).value for r in range(2, ws.max_row + 1)]
    assert "=HYPERLINK(\"http://x\",\"周七\")" in names
    assert all(ws.cell(r, 2).data_type == "s" for r in range(2, ws.max_row + 1))
    assert wb["_kaoping"].sheet_state == "hidden"
    meta = {r[0].value: r[1].value for r in wb["_kaoping"].iter_rows()}
    assert meta == {"kind": "ledger", "version": "1", "year": "2026", "quarter": "3"}
    assert [c.value for c in ws[1]][:8] == ["工号", "姓名", "单位", "考核组", "科室", "职务职级",
                                          "职级类别", "考核等次"]


def test_refuses_overwrite(tmp_path: Path):
    path = write_ledger(_ledger(), tmp_path / "台账.xlsx")
    with pytest.raises(OutputExistsError):
        write_ledger(_ledger(), path)
    write_ledger(QuarterLedger(year=2026, quarter=3), path, force=True)
    assert read_ledger(path).results == []


def _edited(tmp_path: Path, edit, name: str = "edited.xlsx") -> Path:
    wb = ledger_workbook(_ledger())
    edit(wb["季度结果台账"], wb["_kaoping"])
    return save_workbook(wb, tmp_path / name)


def test_hand_edits_that_are_valid_are_read(tmp_path: Path):
    def edit(ws, meta):
        ws["H7"] = "不确定等次"  # 孙六's outcome written with the 等次 suffix
        ws["M3"] = "59天"
        ws.insert_rows(5)  # a blank row in the middle is skipped

    back = read_ledger(_edited(tmp_path, edit))
    assert len(back.results) == 10
    assert back.results[5].outcome == Outcome.UNDETERMINED
    assert back.results[1].required_days == 59


@pytest.mark.parametrize(
    ("edit", "where", "words"),
    [
        (lambda ws, m: ws.__setitem__("H3", "优"), "H3", "考核等次「优」"),
        (lambda ws, m: ws.__setitem__("G4", "处级"), "G4", "职级类别"),
        (lambda ws, m: ws.__setitem__("K2", "表彰直接定好、迟到"), "K2", "标记「迟到」"),
        (lambda ws, m: ws.__setitem__("M2", "很多"), "M2", "天数"),
        (lambda ws, m: ws.__setitem__("N3", -1), "N3", "负数"),
        (lambda ws, m: ws.__setitem__("A3", None), "A3", "工号"),
        (lambda ws, m: ws.__setitem__("A4", "001"), "A4", "重复"),
        (lambda ws, m: ws.__setitem__("H2", None), "H2", "考核等次"),
    ],
)
def test_bad_cells_are_named(tmp_path: Path, edit, where, words):
    path = _edited(tmp_path, edit)
    with pytest.raises(KaopingError) as err:
        read_ledger(path)
    assert err.value.cell == where
    assert err.value.file == str(path)
    assert words in err.value.message


def _error_value(ref: str, value: str = "#REF!"):
    def edit(ws, meta):
        ws[ref] = value
        ws[ref].data_type = "e"  # as Excel saves an error value
    return edit


@pytest.mark.parametrize(("ref", "label"), [
    ("H3", "考核等次"),  # required: was "不能为空" although the cell is not empty
    ("K4", "标记"),  # optional: was dropped without a word (a 表彰 or 否决 flag lost)
    ("A5", "工号"),  # a row of only this: was skipped as blank (a person lost)
])
def test_an_error_value_in_a_read_column_is_refused_naming_the_cell(tmp_path: Path, ref, label):
    path = _edited(tmp_path, _error_value(ref))
    if ref == "A5":
        wb = load_workbook(path)
        for cell in wb["季度结果台账"][5][1:]:
            cell.value = None
        path = save_workbook(wb, tmp_path / "row.xlsx")
    with pytest.raises(KaopingError) as err:
        read_ledger(path)
    assert (err.value.file, err.value.sheet, err.value.cell) == (str(path), "季度结果台账", ref)
    assert f"「{label}」是 Excel 错误值 #REF!" in err.value.message and "不能为空" not in err.value.message


def test_an_error_value_outside_the_read_columns_is_no_refusal(tmp_path: Path):
    back = read_ledger(_edited(tmp_path, _error_value("Z3", "#N/A")))
    assert len(back.results) == len(_ledger().results)


def test_not_a_ledger(tmp_path: Path):
    from openpyxl import Workbook

    plain = save_workbook(Workbook(), tmp_path / "plain.xlsx")
    with pytest.raises(KaopingError, match="_kaoping"):
        read_ledger(plain)

    def wrong_kind(ws, meta):
        meta["B1"] = "quarterly"

    with pytest.raises(KaopingError, match="kind"):
        read_ledger(_edited(tmp_path, wrong_kind))

    def bad_quarter(ws, meta):
        meta["B4"] = "5"

    with pytest.raises(KaopingError, match="季度"):
        read_ledger(_edited(tmp_path, bad_quarter, "q.xlsx"))
    with pytest.raises(KaopingError, match="找不到"):
        read_ledger(tmp_path / "missing.xlsx")
    (tmp_path / "junk.xlsx").write_bytes(b"not a zip")
    with pytest.raises(KaopingError):
        read_ledger(tmp_path / "junk.xlsx")


def test_missing_header_column(tmp_path: Path):
    def drop(ws, meta):
        ws["G1"] = "类别"

    with pytest.raises(KaopingError, match="职级类别") as err:
        read_ledger(_edited(tmp_path, drop))
    assert err.value.cell == "第1行"


def test_control_characters_from_input_do_not_break_the_save(tmp_path: Path):
    ledger = _ledger()
    ledger.results[0] = ledger.results[0].model_copy(update={"source_file": "收回/张\x07一.xlsx",
                                                             "note": "备注\x00"})
    back = read_ledger(write_ledger(ledger, tmp_path / "台账.xlsx"))
    assert back.results[0].source_file == "收回/张一.xlsx" and back.results[0].note == "备注"


# ---------------------------------------------------------------- property: any text round-trips

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # noqa: E402

from kaoping.models import (  # noqa: E402
    QuarterFlag,
    QuarterGrade,
    QuarterResult,
    RankCategory,
    SpecialCategory,
)

_text = st.text(min_size=1, max_size=20).filter(
    lambda s: s == s.strip() and not ILLEGAL_CHARACTERS_RE.search(s) and "\r" not in s)
_days = st.none() | st.integers(0, 200).map(lambda x: x / 2)


@st.composite
def _results(draw):
    n = draw(st.integers(0, 6))
    ids = draw(st.lists(_text, min_size=n, max_size=n, unique=True))
    out = []
    for sid in ids:
        out.append(QuarterResult(
            staff_id=sid, name=draw(_text), unit=draw(_text),
            quota_group=draw(st.none() | _text), section=draw(st.none() | _text),
            rank=draw(st.none() | _text), rank_category=draw(st.sampled_from(list(RankCategory))),
            outcome=draw(st.sampled_from(list(Outcome))),
            self_grade=draw(st.none() | st.sampled_from(list(QuarterGrade))),
            leader_grade=draw(st.none() | st.sampled_from(list(QuarterGrade))),
            flags=draw(st.lists(st.sampled_from(list(QuarterFlag)), unique=True, max_size=3)),
            special_categories=draw(st.lists(st.sampled_from(list(SpecialCategory)), unique=True,
                                             max_size=2)),
            required_days=draw(_days), attended_days=draw(_days),
            source_file=draw(st.none() | _text), note=draw(st.none() | _text)))
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(results=_results(), quarter=st.integers(1, 4))
def test_any_ledger_round_trips(tmp_path_factory, results, quarter):
    path = tmp_path_factory.mktemp("ledger") / "台账.xlsx"
    ledger = QuarterLedger(year=2026, quarter=quarter, results=results)
    back = read_ledger(write_ledger(ledger, path))
    assert back.quarter == quarter
    assert [r.model_dump(exclude={"row"}) for r in back.results] == [
        r.model_dump(exclude={"row"}) for r in results]
