"""Filled forms re-saved by a real spreadsheet program read back the same (issue 8).

The staff fill the forms in Excel or WPS and the files come back re-saved by them; LibreOffice
is the spreadsheet program we can run here. Filled 附件2 (+ weekly 附件1 sheets) and 附件3 in
every fill style (tick characters, date styles, spaced names, '1.5天') are re-saved through
`soffice --convert-to xlsx` in one batch, then read by kaoping: the models must equal those
read from the originals, and the originals must hold what was written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers_print import requires_soffice

pytestmark = requires_soffice

from kaoping.output import pdf  # noqa: E402
from kaoping.forms.routine import FILL_STYLES, FillStyle, monthly_workbook, quarterly_workbook  # noqa: E402
from kaoping.excel.read import read_workbook  # noqa: E402
from kaoping.output.workbook import save_workbook  # noqa: E402
from kaoping.models import MonthlySummary, QuarterlyEvaluation  # noqa: E402
from helpers_print import (  # noqa: E402
    DAILY, HIGHLIGHTS, KEY_TASKS, MONTH, OPINION, PERSON, PLANS, PROBLEMS, QUARTER, SHORTCOMINGS,
    monthly_summary, quarterly_evaluation,
)


def comparable(value: Any) -> Any:
    """A model as plain data without the file it was read from."""
    if hasattr(value, "model_dump"):
        value = value.model_dump(mode="json")
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items() if k != "file"}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    return value


def _findings(result) -> list[tuple]:
    return sorted((f.rule, f.severity.value, f.sheet or "", f.cell or "", f.message)
                  for f in result.findings)


@pytest.fixture(scope="module")
def resaved(tmp_path_factory) -> list[tuple[str, FillStyle, Path, Path]]:
    """(kind, style, original, re-saved) for every fill style, converted in one soffice call."""
    tmp = tmp_path_factory.mktemp("roundtrip")
    cases = []
    for n, style in enumerate(FILL_STYLES):
        m = save_workbook(monthly_workbook(PERSON, MONTH, monthly_summary(), style),
                          tmp / "orig" / f"月度-{n}.xlsx")
        q = save_workbook(quarterly_workbook(PERSON, QUARTER, quarterly_evaluation(n), style),
                          tmp / "orig" / f"季度-{n}.xlsx")
        cases += [("monthly", style, m), ("quarterly", style, q)]
    outs = pdf.convert([c[2] for c in cases], "xlsx", tmp / "libreoffice")
    return [(kind, style, src, out) for (kind, style, src), out in zip(cases, outs)]


def test_libreoffice_really_rewrote_the_files(resaved):
    for _kind, _style, src, out in resaved:
        assert out.is_file() and out.parent != src.parent
        assert out.read_bytes() != src.read_bytes()
        # LibreOffice writes its own application name into docProps/app.xml.
        import zipfile

        with zipfile.ZipFile(out) as z:
            assert b"LibreOffice" in z.read("docProps/app.xml")


def test_resaved_forms_read_the_same(resaved):
    for kind, style, src, out in resaved:
        before, after = read_workbook(src), read_workbook(out)
        assert after.kind == before.kind, (kind, style)
        assert len(after.forms) == len(before.forms) == 1, (kind, style, _findings(after))
        assert comparable(after.forms) == comparable(before.forms), (kind, style)
        assert _findings(after) == _findings(before), (kind, style)


def test_originals_hold_what_was_written(resaved):
    """Guards the comparison above: equal models must also be the right ones."""
    want_m, sheets_seen = monthly_summary(), 0
    for kind, style, src, out in resaved:
        for path in (src, out):
            (form,) = read_workbook(path).forms
            ident = form.identity
            assert (ident.staff_id, ident.name.replace("\u3000", "")) == (PERSON.staff_id, PERSON.name)
            assert (ident.unit, ident.section, ident.post) == (PERSON.unit, PERSON.section, PERSON.post)
            if kind == "monthly":
                assert isinstance(form, MonthlySummary)
                assert (form.daily_work, form.key_tasks, form.problems, form.next_plans) == \
                    (DAILY, KEY_TASKS, PROBLEMS, PLANS)
                assert (form.sick_personal_days, form.annual_leave_days,
                        form.sick_personal_days_ytd, form.annual_leave_days_ytd) == (1.5, 2, 3.5, 7)
                assert form.verifier_signature == "李明"
                assert [w.week for w in form.weeks] == [w.week for w in want_m.weeks]
                for got, want in zip(form.weeks, want_m.weeks, strict=True):
                    sheets_seen += 1
                    assert [t.item for t in got.tasks] == [t.item for t in want.tasks]
                    assert [t.received_on for t in got.tasks] == [t.received_on for t in want.tasks]
                    assert [t.status for t in got.tasks] == [t.status for t in want.tasks]
                    assert got.tasks[0].deadline == want.tasks[0].deadline
                    assert got.tasks[0].completed_on == want.tasks[0].completed_on
                    assert got.tasks[1].deadline_text == "7月底"
                    assert "约定下周再访" in (got.tasks[2].note or "")
            else:
                n = FILL_STYLES.index(style)
                want = quarterly_evaluation(n)
                assert isinstance(form, QuarterlyEvaluation)
                assert (form.highlights, form.shortcomings, form.leader_opinion) == \
                    (HIGHLIGHTS, SHORTCOMINGS, OPINION)
                assert (form.self_ticks, form.leader_ticks) == (want.self_ticks, want.leader_ticks), style
                assert (form.commended, form.direct_poor) == (want.commended, False), style
                assert form.leader_signature == "王建国"
    assert sheets_seen == 2 * len(FILL_STYLES) * len(MONTH.weeks())


def test_resaved_forms_still_print_on_one_page_each(resaved, tmp_path):
    """The re-saved files keep their page setup (A4, one page per form)."""
    from helpers_print import check_printout, to_pdf

    files = [out for _k, _s, _src, out in resaved[:2]]  # one monthly, one quarterly
    problems = [m for x, p in to_pdf(files, tmp_path).items() for m in check_printout(x, p)]
    assert problems == []


def test_example_forms_resaved_read_the_same(tmp_path):
    """A spread of the fictional centre's collected forms (examples/collected), planted
    mistakes included: re-saved by LibreOffice they give the same models and findings."""
    import shutil

    from helpers_print import REPO

    files = sorted((REPO / "examples" / "collected").rglob("*.xlsx"))
    assert files, "examples/collected is empty: run examples/generate.py"
    staged = tmp_path / "in"
    staged.mkdir()
    copies = []
    for i, f in enumerate(files[:: max(1, len(files) // 12)]):
        # A snapshot under a unique name (a person's file name recurs by period); only files
        # that hold forms (the corpus also plants files that are not forms at all).
        copy = staged / f"{i:02d}-{f.name}"
        shutil.copyfile(f, copy)
        if read_workbook(copy).forms:
            copies.append(copy)
    assert len(copies) >= 6
    outs = pdf.convert(copies, "xlsx", tmp_path / "libreoffice")
    for src, out in zip(copies, outs, strict=True):
        before, after = read_workbook(src), read_workbook(out)
        assert comparable(after.forms) == comparable(before.forms), src.name
        assert _findings(after) == _findings(before), src.name
