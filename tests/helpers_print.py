"""Helpers for the LibreOffice print and round-trip tests: PDF pages, sheet titles, A4 checks."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from kaoping import pdf

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates" / "xlsx"

requires_soffice = pytest.mark.skipif(
    not pdf.soffice_available(),
    reason="未安装 LibreOffice（soffice）：打印/往返测试需要它；scripts/test.sh 会以 root 自动安装 "
           "libreoffice-calc，或设置 KAOPING_SOFFICE",
)

# A4 in PDF points (1/72 inch): 210 × 297 mm.
A4_SHORT, A4_LONG = 595.28, 841.89
A4_TOLERANCE = 1.5  # LibreOffice writes 595.304 × 841.89

# The annexes' own titles (measures, 附件1–6): a sheet carrying one of these is a form and
# must print on exactly one page.
ANNEX_TITLES = {
    "附件1": "干部日常考评一周小记表",
    "附件2": "干部日常考评月度小结表",
    "附件3": "干部日常考评季度评价表",
    "附件4": "公务员平时考核结果备案表",
    "附件5": "公务员平时考核好、一般、较差、不确定等次、未参加考核人员名单表",
    "附件6": "公务员平时考核好等次2次以上人员名单表",
}

_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """Text without any whitespace: PDF extraction splits lines and spaces unpredictably."""
    return _SPACE.sub("", text or "")


@dataclass
class Page:
    width: float
    height: float
    text: str

    @property
    def is_a4(self) -> bool:
        short, long_ = sorted((self.width, self.height))
        return abs(short - A4_SHORT) <= A4_TOLERANCE and abs(long_ - A4_LONG) <= A4_TOLERANCE


def pdf_pages(path: Path) -> list[Page]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    pages = []
    for page in reader.pages:
        box = page.mediabox
        rot = (page.get("/Rotate") or 0) % 180
        w, h = float(box.width), float(box.height)
        if rot:
            w, h = h, w
        pages.append(Page(w, h, page.extract_text() or ""))
    return pages


@dataclass
class SheetInfo:
    name: str
    title: str | None  # the first text on the sheet that is not an "附件N" label
    annex: str | None  # "附件3" when the title is an annex's title

    @property
    def is_form(self) -> bool:
        return self.annex is not None


def printed_sheets(path: Path) -> list[SheetInfo]:
    """The visible worksheets of a workbook in print order, with their titles."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=False)
    out = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        title = None
        for row in ws.iter_rows(min_row=1, max_row=4, values_only=True):
            for value in row:
                if isinstance(value, str) and value.strip() and not re.fullmatch(
                        r"\s*附件\s*\d\s*", value):
                    title = value.strip()
                    break
            if title:
                break
        annex = None
        for key, annex_title in ANNEX_TITLES.items():
            if title and squash(annex_title) in squash(title):
                annex = key
        out.append(SheetInfo(ws.title, title, annex))
    wb.close()
    return out


def check_printout(xlsx: Path, pdf_path: Path) -> list[str]:
    """Every problem of the printout of `xlsx`: not A4, a form spilling over one page, a
    title missing from the PDF's text. An empty list means the printout is right."""
    problems: list[str] = []
    sheets = printed_sheets(xlsx)
    pages = pdf_pages(pdf_path)
    for n, page in enumerate(pages, 1):
        if not page.is_a4:
            problems.append(f"{xlsx.name}: page {n} is {page.width:.1f}x{page.height:.1f} pt, not A4")
    if all(s.is_form for s in sheets):
        if len(pages) != len(sheets):
            problems.append(f"{xlsx.name}: {len(sheets)} form sheet(s) but {len(pages)} page(s)")
        else:
            for sheet, page in zip(sheets, pages):
                if squash(sheet.title) not in squash(page.text):
                    problems.append(f"{xlsx.name}: title {sheet.title!r} of sheet "
                                    f"{sheet.name!r} not in its page's text")
    else:
        # A data sheet (ledger, 问题清单) may run over several pages; each sheet must still
        # print (its title somewhere) and a form among them must keep to one page.
        all_text = squash("".join(p.text for p in pages))
        for sheet in sheets:
            if sheet.title and squash(sheet.title) not in all_text:
                problems.append(f"{xlsx.name}: title {sheet.title!r} of sheet {sheet.name!r} "
                                "not in the PDF's text")
        forms = [s for s in sheets if s.is_form]
        for sheet in forms:
            hits = [p for p in pages if squash(sheet.title) in squash(p.text)]
            if len(hits) != 1:
                problems.append(f"{xlsx.name}: form sheet {sheet.name!r} title on "
                                f"{len(hits)} pages")
    if not pages:
        problems.append(f"{xlsx.name}: empty PDF")
    return problems


def to_pdf(paths: list[Path], out_dir: Path) -> dict[Path, Path]:
    """Convert workbooks from any folders in as few soffice calls as possible; copies them
    first under unique names so equal stems from different folders don't collide."""
    staging = out_dir / "in"
    staging.mkdir(parents=True, exist_ok=True)
    copies = []
    for n, src in enumerate(paths):
        dst = staging / f"{n:03d}-{src.name}"
        shutil.copyfile(src, dst)
        copies.append(dst)
    outs = pdf.convert(copies, "pdf", out_dir / "pdf")
    return dict(zip(paths, outs))
