"""Every template and every report kaoping writes prints through LibreOffice on one A4 page
per form, with its title in the PDF's text (issue 8: the clerk prints and stamps them)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers_print import ANNEX_TITLES, TEMPLATES, check_printout, pdf_pages, requires_soffice, to_pdf

pytestmark = requires_soffice


@pytest.fixture(scope="module")
def template_pdfs(tmp_path_factory) -> dict[Path, Path]:
    templates = sorted(TEMPLATES.glob("*.xlsx"))
    assert templates, f"no templates in {TEMPLATES}"
    return to_pdf(templates, tmp_path_factory.mktemp("templates"))


def test_every_template_prints_one_a4_page_per_form(template_pdfs):
    problems = [msg for xlsx, out in template_pdfs.items() for msg in check_printout(xlsx, out)]
    assert problems == []


def test_every_annex_has_a_template_with_its_title(template_pdfs):
    texts = {xlsx.name: "".join(p.text for p in pdf_pages(out)) for xlsx, out in template_pdfs.items()}
    from helpers_print import squash

    for annex in ANNEX_TITLES:  # 附件1–6
        title = squash(ANNEX_TITLES[annex])
        assert any(title in squash(t) for t in texts.values()), f"{annex} 《{ANNEX_TITLES[annex]}》"


# ---------------------------------------------------------------- annual report

from kaoping.models import Outcome, Person, QuarterLedger, QuarterResult, RankCategory  # noqa: E402

_UNITS = {"鹿城分中心": ["综合科", "归集科", "信贷科"], "财务处": [None], "办公室（人事处）": [None]}
_SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
_GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟"]


def _people(n: int = 30) -> list[Person]:
    """A small centre: three units, every rank category, long-ish unit and section names."""
    cats = list(RankCategory)
    units = [(u, s) for u, secs in _UNITS.items() for s in secs]
    out = []
    for i in range(n):
        unit, section = units[i % len(units)]
        out.append(Person(
            staff_id=f"P{i + 1:03d}", name=_SURNAMES[i % len(_SURNAMES)] + _GIVEN[i % len(_GIVEN)],
            unit=unit, section=section, post="科员" if i % 3 else "科长",
            rank=["四级调研员", "一级主任科员", "一级科员", "试用期科员"][i % 4],
            rank_category=cats[i % 4]))
    return out


def _ledgers(people: list[Person], year: int = 2026) -> list[QuarterLedger]:
    pattern = [Outcome.GOOD, Outcome.FAIRLY_GOOD, Outcome.GOOD, Outcome.AVERAGE, Outcome.FAIRLY_GOOD,
               Outcome.POOR, Outcome.UNDETERMINED, Outcome.ABSENT]
    out = []
    for q in (1, 2, 3, 4):
        results = [QuarterResult(staff_id=p.staff_id, name=p.name, unit=p.unit, section=p.section,
                                 rank=p.rank, rank_category=p.rank_category,
                                 outcome=pattern[(i * (q + 1)) % len(pattern)])
                   for i, p in enumerate(people)]
        out.append(QuarterLedger(year=year, quarter=q, results=results))
    return out


@pytest.fixture(scope="module")
def annual_outputs(tmp_path_factory) -> list[Path]:
    from typer.testing import CliRunner

    from kaoping.cli import app
    from kaoping.output.workbook import save_workbook
    from kaoping.report.ledger import write_ledger
    from kaoping.forms.roster import roster_template_workbook

    tmp = tmp_path_factory.mktemp("annual")
    people = _people()
    roster = save_workbook(roster_template_workbook(people=people), tmp / "花名册.xlsx")
    ledgers = [write_ledger(lg, tmp / f"台账-2026Q{lg.quarter}.xlsx") for lg in _ledgers(people)]
    res = CliRunner().invoke(app, ["annual", "report", "-r", str(roster), *map(str, ledgers),
                                   "--out", str(tmp / "out")])
    assert res.exit_code in (0, 1), res.output
    outputs = sorted((tmp / "out").rglob("*.xlsx"))
    assert outputs, res.output
    return outputs


def test_annual_report_prints(annual_outputs, tmp_path):
    pdfs = to_pdf(annual_outputs, tmp_path)
    problems = [msg for xlsx, out in pdfs.items() for msg in check_printout(xlsx, out)]
    assert problems == []
    annex6 = [x for x in annual_outputs if x.name.startswith("附件6")]
    assert len(annex6) >= 2  # each unit and the centre


# ---------------------------------------------------------------- forms kaoping generates

@pytest.fixture(scope="module")
def form_outputs(tmp_path_factory) -> list[Path]:
    """Blank forms (identity pre-filled, long names) and forms filled with long multi-line
    text, one per fill style: each must still print one A4 page per sheet."""
    from kaoping.forms.routine import FILL_STYLES, monthly_workbook, quarterly_workbook
    from kaoping.output.workbook import save_workbook

    from helpers_print import MONTH, PERSON, QUARTER, monthly_summary, quarterly_evaluation

    tmp = tmp_path_factory.mktemp("forms")
    out = [save_workbook(monthly_workbook(PERSON, MONTH), tmp / "月度-空白.xlsx"),
           save_workbook(quarterly_workbook(PERSON, QUARTER), tmp / "季度-空白.xlsx")]
    for n, style in enumerate(FILL_STYLES[:2]):
        out.append(save_workbook(monthly_workbook(PERSON, MONTH, monthly_summary(), style),
                                 tmp / f"月度-{n}.xlsx"))
        out.append(save_workbook(quarterly_workbook(PERSON, QUARTER, quarterly_evaluation(n), style),
                                 tmp / f"季度-{n}.xlsx"))
    return out


def test_generated_forms_print_one_a4_page_each(form_outputs, tmp_path):
    pdfs = to_pdf(form_outputs, tmp_path)
    problems = [msg for xlsx, out in pdfs.items() for msg in check_printout(xlsx, out)]
    assert problems == []
    monthly = pdf_pages(pdfs[form_outputs[0]])
    from helpers_print import MONTH

    assert len(monthly) == 1 + len(MONTH.weeks())  # 附件2 then one 附件1 per week
    assert ANNEX_TITLES["附件2"] in monthly[0].text.replace(" ", "")
    assert all(ANNEX_TITLES["附件1"] in p.text.replace(" ", "") for p in monthly[1:])


# ---------------------------------------------------------------- quarter report (+ --pdf)

@pytest.fixture(scope="module")
def quarter_report(tmp_path_factory):
    """`kaoping quarter report --pdf` on a folder of 附件3 for a 30-person centre."""
    from typer.testing import CliRunner

    from kaoping.cli import app
    from kaoping.forms.routine import FILL_STYLES, quarterly_workbook
    from kaoping.output.workbook import save_workbook
    from kaoping.models import FormIdentity, QuarterGrade, QuarterlyEvaluation, SourceRef
    from kaoping.periods import Quarter
    from kaoping.forms.roster import roster_template_workbook

    from helpers_print import HIGHLIGHTS, OPINION, SHORTCOMINGS

    tmp = tmp_path_factory.mktemp("quarter")
    people = _people()
    roster = save_workbook(roster_template_workbook(people=people), tmp / "花名册.xlsx")
    q = Quarter(2026, 3)
    grades = [QuarterGrade.FAIRLY_GOOD, QuarterGrade.GOOD, QuarterGrade.FAIRLY_GOOD,
              QuarterGrade.AVERAGE, QuarterGrade.FAIRLY_GOOD, QuarterGrade.POOR]
    for i, p in enumerate(people[:-3]):  # the last three hand in nothing: 未参加
        g = grades[i % len(grades)]
        ev = QuarterlyEvaluation(
            source=SourceRef(file="-"),
            identity=FormIdentity(staff_id=p.staff_id, name=p.name, unit=p.unit,
                                  section=p.section, post=p.post),
            year=q.year, quarter=q.quarter, highlights=HIGHLIGHTS, shortcomings=SHORTCOMINGS,
            self_ticks=[g], leader_ticks=[g], leader_opinion=OPINION, leader_signature="王建国")
        save_workbook(quarterly_workbook(p, q, ev, FILL_STYLES[i % len(FILL_STYLES)]),
                      tmp / "collected" / p.unit / f"{p.name}-{p.staff_id}-{q}.xlsx")
    res = CliRunner().invoke(app, ["quarter", "report", str(tmp / "collected"), "-r", str(roster),
                                   "--out", str(tmp / "out"), "--date", "2026-10-15", "--force",
                                   "--allow-errors", "--pdf"])
    assert res.exit_code in (0, 1), res.output
    return tmp / "out", res.output


def test_quarter_report_pdf_option_prints_every_filing_table(quarter_report, tmp_path):
    out, output = quarter_report
    xlsx = sorted(out.rglob("*.xlsx"))
    filing = [x for x in xlsx if x.name.startswith("附件")]
    # 附件4 and 附件5 for each of the three units and for the centre.
    assert len(filing) == 8, output
    problems = []
    for x in filing:
        beside = x.with_suffix(".pdf")
        assert beside.is_file(), f"{x} has no PDF beside it"
        problems += check_printout(x, beside)
    assert sorted(out.rglob("*.pdf")) == sorted(x.with_suffix(".pdf") for x in filing)
    assert "PDF" in output
    # The 台账 is a data file (not printed by --pdf) but must still print on A4.
    others = [x for x in xlsx if x not in filing]
    assert others, "no 季度结果台账 written"
    problems += [m for x, p in to_pdf(others, tmp_path).items() for m in check_printout(x, p)]
    assert problems == []


def test_quarter_report_pdf_text_holds_the_counts(quarter_report):
    out, _ = quarter_report
    from helpers_print import squash

    centre = [p for p in out.rglob("附件4*.pdf") if "全中心" in str(p)]
    assert len(centre) == 1
    text = squash(pdf_pages(centre[0])[0].text)
    assert "（2026年度第三季度）" in text
    assert "2026年10月15日" in text
    names = [p for p in out.rglob("附件5*.pdf") if "全中心" in str(p)]
    text5 = squash("".join(p.text for p in pdf_pages(names[0])))
    for person in _people()[-3:]:
        assert person.name in text5  # 未参加 people are listed on 附件5


def test_the_checks_catch_a_spilling_form_and_letter_paper(tmp_path):
    """The checks above can fail: a form on two pages, Letter paper and a missing title."""
    from openpyxl import Workbook

    from kaoping.output.workbook import save_workbook

    spill = Workbook()
    ws = spill.active
    ws["A1"] = ANNEX_TITLES["附件3"]
    for r in range(2, 200):
        ws.cell(r, 1, f"第{r}行")
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    letter = Workbook()
    ws = letter.active
    ws["A1"] = ANNEX_TITLES["附件5"]
    ws.page_setup.paperSize = ws.PAPERSIZE_LETTER
    ws.print_area = "B5:C6"  # prints two empty cells: the title is not on the page
    paths = [save_workbook(spill, tmp_path / "spill.xlsx"), save_workbook(letter, tmp_path / "letter.xlsx")]
    pdfs = to_pdf(paths, tmp_path / "pdf")
    spill_problems = check_printout(paths[0], pdfs[paths[0]])
    assert any("1 form sheet(s) but" in m for m in spill_problems), spill_problems
    letter_problems = check_printout(paths[1], pdfs[paths[1]])
    assert any("not A4" in m for m in letter_problems), letter_problems
    assert any("not in its page" in m for m in letter_problems), letter_problems


# ---------------------------------------------------------------- forms --pdf

@pytest.mark.parametrize(("kind", "period", "sheets"), [("quarterly", "2026Q3", 1),
                                                        ("monthly", "2026-07", 1 + 5)])
def test_forms_pdf_option_writes_a_printable_pdf_beside_each_form(tmp_path, kind, period, sheets):
    from typer.testing import CliRunner

    from kaoping.cli import app
    from kaoping.output.workbook import save_workbook
    from kaoping.forms.roster import roster_template_workbook

    people = _people(4)
    # Same name in two units: the PDFs must not collide (soffice names outputs by stem).
    people.append(people[0].model_copy(update={"staff_id": "P900", "unit": "财务处", "section": None}))
    roster = save_workbook(roster_template_workbook(people=people), tmp_path / "花名册.xlsx")
    res = CliRunner().invoke(app, ["forms", kind, "-r", str(roster), "-p", period,
                                   "--out", str(tmp_path / "out"), "--pdf"])
    assert res.exit_code == 0, res.output
    xlsx = sorted((tmp_path / "out").rglob("*.xlsx"))
    assert len(xlsx) == len(people)
    assert sorted((tmp_path / "out").rglob("*.pdf")) == sorted(x.with_suffix(".pdf") for x in xlsx)
    problems = []
    for x in xlsx:
        problems += check_printout(x, x.with_suffix(".pdf"))
        assert len(pdf_pages(x.with_suffix(".pdf"))) == sheets
    assert problems == []
    # Each PDF is its own person's form.
    for x in xlsx:
        name = x.stem.split("-")[0]
        assert name in pdf_pages(x.with_suffix(".pdf"))[0].text.replace(" ", "")


# ---------------------------------------------------------------- scripts/preview.sh

@pytest.mark.skipif(shutil.which("pdftoppm") is None,
                    reason="未安装 pdftoppm（poppler-utils）：preview.sh 需要它")
def test_preview_script_renders_the_first_page_to_png(tmp_path):
    import subprocess

    from helpers_print import REPO

    src = next(TEMPLATES.glob("附件3-*.xlsx"))
    res = subprocess.run(["bash", str(REPO / "scripts" / "preview.sh"), str(src),
                          str(tmp_path / "附件3.png")], capture_output=True, text=True, timeout=180)
    assert res.returncode == 0, res.stderr
    assert "共 1 页" in res.stdout and "A4" in res.stdout
    png = (tmp_path / "附件3.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    # Nothing is written next to the template.
    assert [p.name for p in TEMPLATES.iterdir() if p.suffix in (".pdf", ".png")] == []


# ---------------------------------------------------------------- 问题清单

def test_problem_list_prints_a4_landscape_one_page_wide(tmp_path):
    """A long 问题清单 (two units, long messages) through LibreOffice: every page A4 landscape
    and one page wide (the header's first and last columns on every page), every sheet's
    title, every message and the footer's instruction in the text."""
    from kaoping.models import Finding, Severity
    from kaoping.report.problems import write_problems

    from helpers_print import squash

    base = tmp_path / "收回"
    long = "「鹿城分中心」实际参加 13 人，“好”等次 6 人，占 46.2%，超过 40% 上限 5 人（§四(三)3）；定为“好”的："
    findings = [Finding(rule=["Q1", "Q2", "M9", "W3"][i % 4], severity=Severity.ERROR,
                        unit=["鹿城分中心", "办公室（人事处）"][i % 2], person=f"张{i}",
                        file=str(base / "鹿城分中心" / f"张{i}-2026Q3.xlsx"), sheet="季度评价",
                        cell=f"C{i + 8}", message=f"第{i}条：" + long * (1 + i % 3))
                for i in range(40)]
    path = write_problems(findings, tmp_path / "问题清单.xlsx", title="2026年第三季度评价问题清单",
                          base=base)
    pdf = to_pdf([path], tmp_path / "pdf")[path]
    assert check_printout(path, pdf) == []
    pages = pdf_pages(pdf)
    assert len(pages) > 3  # the sheets run over several pages, downwards only
    for n, page in enumerate(pages, 1):
        assert page.width > page.height, f"page {n} is not landscape"
        text = squash(page.text)
        assert "序号" in text and "处理情况" in text, f"page {n} is not the full width"
        assert "处理情况" in text.split("序号", 1)[1]
    text = squash("".join(p.text for p in pages))
    assert all(squash(f.message) in text for f in findings)
    assert "请逐条改正后" in text
    assert str(tmp_path) not in "".join(p.text for p in pages)  # paths below the folder checked
