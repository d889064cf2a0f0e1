"""The fast paths added for throughput give exactly what the plain paths give.

- `excel.safety._scan_sheet_fast` (regex analysis of ordinary sheets) equals the full
  tag-by-tag `_scan_sheet`, or declines (None) — never a different answer;
- reading a folder with a process pool yields the same results, in the same order, as
  reading it in one process.
No timing assertions here: figures live in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pytest

from kaoping.errors import UnreadableWorkbookError
from kaoping.excel import safety
from kaoping.rules.settings import LimitSettings
from helpers_safety import bad_corpus_builder

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus" / "bad"


B = bad_corpus_builder()


def _outcome(fn, path: Path, data: bytes, info, limits):
    try:
        return fn(path, data, info, limits)
    except UnreadableWorkbookError as exc:
        return ("refused", exc.message)
    except Exception as exc:  # noqa: BLE001 - corrupt members: inspect_workbook maps these
        return ("error", type(exc).__name__)


def _compare(path: Path, limits: LimitSettings | None = None) -> tuple[int, int]:
    """(sheets the fast path answered, sheets it declined); asserts equal answers."""
    limits = limits or LimitSettings()
    answered = declined = 0
    try:
        data = path.read_bytes()
    except OSError:  # examples being regenerated meanwhile
        return 0, 0
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return 0, 0
    for info in zf.infolist():
        n = info.filename
        if not (n.startswith("xl/worksheets/") and n.endswith(".xml") and "/_rels/" not in n):
            continue
        fast = _outcome(safety._scan_sheet_fast, path, data, info, limits)
        if fast is None:
            declined += 1
            continue
        answered += 1
        assert fast == _outcome(safety._scan_sheet, path, data, info, limits), (path, n)
    return answered, declined


def test_fast_scan_equals_full_scan_on_kaoping_forms(tmp_path):
    from kaoping.excel.forms import FILL_STYLES, monthly_workbook, quarterly_workbook
    from kaoping.models import Person, RankCategory
    from kaoping.periods import Month, Quarter

    p = Person(staff_id="1", name="张三", unit="办公室", section="综合科", post="科员",
               rank_category=RankCategory.CLERK)
    paths = []
    for i, wb in enumerate([monthly_workbook(p, Month(2026, 7)), quarterly_workbook(p, Quarter(2026, 3)),
                            monthly_workbook(None, None), quarterly_workbook(None, None)]):
        wb.save(tmp_path / f"{i}.xlsx")
        paths.append(tmp_path / f"{i}.xlsx")
    answered = sum(_compare(path)[0] for path in paths)
    assert answered >= 8  # the ordinary forms do take the fast path
    assert FILL_STYLES  # (filled forms are covered by the examples below)


def test_fast_scan_equals_full_scan_on_examples_and_corpus():
    files = sorted(p for p in [*CORPUS.rglob("*"), *(ROOT / "examples").rglob("*.xlsx")]
                   if p.is_file() and not p.name.startswith("."))
    assert files
    answered = declined = 0
    for path in files:
        a, d = _compare(path)
        answered, declined = answered + a, declined + d
    assert answered > 0 and declined > 0  # both paths exercised


@pytest.mark.parametrize("body", [
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="C1" s="1"/></row>',
    b'<row r="2"><c r="B2"><v>1</v></c><c r="D2"></c><c r="E2"><v/></c></row>',
    b'<row r="1"><c r="A1" s="1"/><c r="Z9" s="2"/></row>',  # formatted only: extent 0
    b'<row r="1"><c\nr="XFD1048576"><v>1</v></c></row>',  # odd whitespace: declined
    b'<row r="1"><c r="A1"/><c><v>1</v></c></row>',  # cell without r: declined
    b'<row r="1"><c r="a1"><v>1</v></c></row>',  # lower-case reference: declined
    b'<x:row r="3"><x:c r="B3"><x:v>1</x:v></x:c></x:row>',  # prefixed: declined
    b'<row r="1"><c r="A1"><f>1+1</f></c></row>',  # formula: declined
    b'<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>',
    b'<row r="6000"><c r="A6000"><v>1</v></c></row>',  # past max_rows: full scan refuses
    b'<row r="1"><c r="GT1"><v>1</v></c></row>',  # column 202, past max_columns
    b'<row r="1"><c r="B1" s="1"><extLst/><v>1</v></c></row>',  # odd content: declined
])
def test_fast_scan_equals_full_scan_on_crafted_sheets(tmp_path, body):
    p = tmp_path / "s.xlsx"
    p.write_bytes(B.minimal_xlsx(B.sheet_xml(body, "A1:F15")))
    _compare(p)
    _compare(p, LimitSettings(max_rows=1, max_columns=1))


# ---------------------------------------------------------------- parallel reading


def _bench_data(tmp_path: Path, n: int) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import generate_data
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return generate_data.ensure(n, workers=2, log=lambda _msg: None, root=tmp_path)


def test_parallel_read_folder_equals_sequential(tmp_path):
    from kaoping.excel.read import read_folder

    data = _bench_data(tmp_path, 12)  # 48 workbooks: three chunks of 16
    seen_seq: list[Path] = []
    seen_par: list[Path] = []
    seq = list(read_folder(data / "collected", on_file=seen_seq.append, workers=1))
    par = list(read_folder(data / "collected", on_file=seen_par.append, workers=2))
    assert len(seq) == 48
    assert par == seq  # same results (forms and findings), same order
    assert seen_par == seen_seq == [r.path for r in seq]


def test_parallel_read_folder_equals_sequential_on_bad_files():
    from kaoping.excel.read import read_folder

    seq = list(read_folder(CORPUS, workers=1))
    par = list(read_folder(CORPUS, workers=3))
    assert len(seq) > 16 and par == seq
    assert [f.message for r in par for f in r.findings] == [f.message for r in seq for f in r.findings]


def test_read_workers_choice(monkeypatch):
    from kaoping.excel.read import PARALLEL_MIN_FILES, read_workers

    monkeypatch.delenv("KAOPING_WORKERS", raising=False)
    assert read_workers(PARALLEL_MIN_FILES - 1) == 1
    assert read_workers(10, 4) == 1  # never more workers than chunks of files
    assert read_workers(1000, 3) == 3
    monkeypatch.setenv("KAOPING_WORKERS", "1")
    assert read_workers(100_000) == 1


def test_pipeline_same_findings_sequential_and_parallel(tmp_path, monkeypatch):
    from kaoping.pipeline import run_quarter

    data = _bench_data(tmp_path, 40)  # 160 workbooks, 40 people: planted problems included
    runs = []
    for workers in ("1", "2"):
        monkeypatch.setenv("KAOPING_WORKERS", workers)
        runs.append(run_quarter(data / "花名册.xlsx", data / "collected"))
    seq, par = runs
    assert seq.files == par.files == 160
    assert seq.findings and par.findings == seq.findings
    assert par.outcome.results == seq.outcome.results


# ---------------------------------------------------------------- registers at city scale


def test_roster_of_more_rows_than_a_form_may_have(tmp_path):
    """A city's 花名册 has more rows than the per-form limit (max_rows): registers use
    max_register_rows, forms keep max_rows."""
    from kaoping.excel.book import load_book, register_limits
    from kaoping.errors import UnreadableWorkbookError
    from kaoping.excel.roster import read_roster

    data = _bench_data(tmp_path, 12)
    roster_path = data / "花名册.xlsx"
    small = LimitSettings(max_rows=5, max_register_rows=50)
    roster, findings = read_roster(roster_path, limits=small)  # 12 people + header rows > 5
    assert len(roster.people) == 12
    assert register_limits(small).max_rows == 50
    with pytest.raises(UnreadableWorkbookError):
        load_book(roster_path, small)  # the same file as a form is refused
    with pytest.raises(UnreadableWorkbookError):
        read_roster(roster_path, limits=LimitSettings(max_rows=5, max_register_rows=5))


# ---------------------------------------------------------------- batch forms by stamping


def _workbook_facts(path: Path) -> list:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    facts: list = []
    for ws in wb.worksheets:
        facts.append(("sheet", ws.title, ws.sheet_state, ws.protection.sheet, ws.print_area,
                      ws.page_setup.orientation, ws.page_setup.fitToHeight))
        facts.append(sorted(str(r) for r in ws.merged_cells.ranges))
        facts.append(sorted((str(dv.sqref), dv.type, dv.formula1, dv.showErrorMessage)
                            for dv in ws.data_validations.dataValidation))
        facts.append(sorted((r, d.height) for r, d in ws.row_dimensions.items()))
        facts.append(sorted((c, d.width) for c, d in ws.column_dimensions.items()))
        for row in ws.iter_rows():
            for cell in row:
                facts.append((cell.coordinate, cell.value, cell.data_type, cell.number_format,
                              cell.font.name, cell.font.b, cell.protection.locked,
                              cell.alignment.horizontal, cell.alignment.wrap_text,
                              cell.border.left.style))
    return facts


@pytest.mark.parametrize("period", ["2026-07", "2026Q3"])
def test_stamped_batch_forms_equal_built_forms(tmp_path, period):
    from kaoping.excel.forms import generate_forms, monthly_workbook, quarterly_workbook
    from kaoping.models import Person, RankCategory, Roster
    from kaoping.periods import parse_month, parse_quarter

    per = parse_month(period) if "-" in period else parse_quarter(period)
    C = RankCategory.CLERK
    people = [
        Person(staff_id="1", name="张三", unit="办公室", section="综合科", post="科员", rank_category=C),
        Person(staff_id="2", name="李四", unit="财务处", rank_category=C),  # no 科室, no 职务
        Person(staff_id="3", name="王<五>", unit="A&B 分中心", section="信贷科", rank_category=C),
        Person(staff_id="4", name="赵六", unit="鹿城分中心", post="副科长 & 主任科员", rank_category=C),
        Person(staff_id="5", name="张三", unit="鹿城分中心", section="综合科", post="科员",
               rank_category=C),  # same name: -工号 in the file name
        Person(staff_id="6", name="钱七", unit="瓯海分中心", post=" 科员", rank_category=C),  # built
        Person(staff_id="7", name="孙\x07八", unit="瓯海分中心", post="科员", rank_category=C),  # built
        Person(staff_id="KAOPINGSTAMP0X", name="周九", unit="瓯海分中心", rank_category=C),  # built
    ]
    from kaoping.excel.forms import _FormStamp

    stamp = _FormStamp(per)
    assert [stamp.bytes_for(p) is not None for p in people] == [True] * 5 + [False] * 3
    written = generate_forms(Roster(people=people), per, tmp_path / "out")
    assert len(written) == len(people)
    for person, path in zip(people, written, strict=True):
        wb = monthly_workbook(person, per) if "-" in period else quarterly_workbook(person, per)
        ref = tmp_path / f"ref-{person.staff_id}.xlsx"
        wb.save(ref)
        assert _workbook_facts(path) == _workbook_facts(ref), person


def _keep(result, *, settings):
    return result


def test_pipeline_slimming_keeps_every_finding(tmp_path, monkeypatch):
    """run_quarter drops weekly task rows after checking them where they are read; the
    findings are exactly those of checking the full forms."""
    import kaoping.pipeline as pipeline

    data = _bench_data(tmp_path, 40)
    monkeypatch.setenv("KAOPING_WORKERS", "1")
    slim = pipeline.run_quarter(data / "花名册.xlsx", data / "collected")
    monkeypatch.setattr(pipeline, "slim_result", _keep)
    full = pipeline.run_quarter(data / "花名册.xlsx", data / "collected")
    assert any(f.rule.startswith("W") for f in full.findings)  # weekly rules did fire
    assert slim.findings == full.findings
    assert slim.outcome.results == full.outcome.results
    monkeypatch.undo()
    monkeypatch.setenv("KAOPING_WORKERS", "2")
    assert pipeline.run_quarter(data / "花名册.xlsx", data / "collected").findings == full.findings


def test_pipeline_slimming_on_the_examples(monkeypatch):
    """The example centre's 2026Q3 (planted month and week problems) gives the same findings
    with and without slimming."""
    import kaoping.pipeline as pipeline

    roster, folder = ROOT / "examples" / "花名册.xlsx", ROOT / "examples" / "collected" / "2026Q3"
    if not folder.is_dir() or not roster.is_file():
        pytest.skip("examples not generated")
    monkeypatch.setenv("KAOPING_WORKERS", "1")
    slim = pipeline.run_quarter(roster, folder)
    monkeypatch.setattr(pipeline, "slim_result", _keep)
    full = pipeline.run_quarter(roster, folder)
    assert {f.rule for f in full.findings} & {"W3", "M9"}
    assert slim.findings == full.findings


def test_parallel_read_with_spawn_as_on_windows(tmp_path, monkeypatch):
    """Where fork does not exist (Windows) the pool spawns workers: same results, and the
    worker-side transform of run_quarter travels there too."""
    import functools
    import multiprocessing

    from kaoping.excel.read import read_folder
    from kaoping.pipeline import slim_result
    from kaoping.rules.settings import Settings

    data = _bench_data(tmp_path, 8)
    seq = list(read_folder(data / "collected", workers=1))
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    par = list(read_folder(data / "collected", workers=2))
    assert par == seq
    slim = functools.partial(slim_result, settings=Settings())
    assert list(read_folder(data / "collected", workers=2, transform=slim)) == \
        list(read_folder(data / "collected", workers=1, transform=slim))
