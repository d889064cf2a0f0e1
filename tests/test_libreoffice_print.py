"""Every template and every report kaoping writes prints through LibreOffice on one A4 page
per form, with its title in the PDF's text (issue 8: the clerk prints and stamps them)."""

from __future__ import annotations

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

    for annex in ("附件4", "附件5", "附件6"):
        title = squash(ANNEX_TITLES[annex])
        assert any(title in squash(t) for t in texts.values()), f"{annex} 《{ANNEX_TITLES[annex]}》"
