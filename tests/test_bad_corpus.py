"""The bad-file corpus (tests/corpus/bad/, built by scripts/build_bad_corpus.py).

Every file must produce at least one finding naming it: file-level and hostile files in both
`kaoping quarter check` and `kaoping month check`; a quarterly form's content problem in
`quarter check` and a monthly summary's in `month check` (each command uses only its own kind
of form by design; see `Case.commands`). The commands must exit with their documented code (1: 错误 found),
print no Python traceback, and leave every input byte-for-byte and mtime unchanged.
Office lock files and hidden files are skipped silently (named nowhere).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kaoping.errors import UnreadableWorkbookError
from kaoping.excel.safety import preflight
from kaoping.paths import scan_workbooks
from helpers_safety import bad_corpus_builder

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus" / "bad"
ROSTER = ROOT / "tests" / "corpus" / "roster.xlsx"
QUARTER, MONTH = "2026Q3", "2026-07"


B = bad_corpus_builder()
CASES = B.CASES
SKIPPED = [c for c in CASES if c.skipped]
CHECKED = [c for c in CASES if not c.skipped]


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "README.md")


def snapshot() -> dict[str, tuple[str, int]]:
    """Every corpus input's content hash and mtime (ns)."""
    out = {}
    for p in [*corpus_files(), ROSTER]:
        out[str(p)] = (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
    return out


# ------------------------------------------------------------------ the corpus itself


def test_corpus_has_every_case_and_nothing_else():
    on_disk = {str(p.relative_to(CORPUS)) for p in corpus_files()}
    assert on_disk == {c.name for c in CASES}, "请运行 scripts/build_bad_corpus.py 重新生成语料"
    assert len(CHECKED) >= 40
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    for c in CASES:
        assert c.name.replace("|", "\\|") in readme


def test_every_file_is_named_by_some_command():
    assert all(c.commands for c in CHECKED)
    assert all(set(c.commands) == {"quarter", "month"} for c in CHECKED if c.group != "内容")


def test_corpus_is_small():
    assert sum(p.stat().st_size for p in corpus_files()) < 1_000_000


def test_lock_and_hidden_files_are_not_scanned():
    scanned = {str(p.relative_to(CORPUS)) for p in scan_workbooks(CORPUS)}
    assert scanned == {c.name for c in CHECKED}


@pytest.mark.parametrize("case", [c for c in CHECKED if c.preflight], ids=lambda c: c.name[:20])
def test_preflight_names_what_the_file_is(case):
    path = CORPUS / case.name
    with pytest.raises(UnreadableWorkbookError) as info:
        preflight(path)
    assert info.value.file == str(path)
    assert case.expect in info.value.message, info.value.message


@pytest.mark.parametrize("case", [c for c in CHECKED if not c.preflight], ids=lambda c: c.name[:20])
def test_content_cases_are_readable_workbooks(case):
    from kaoping.excel.book import load_book

    preflight(CORPUS / case.name)
    assert load_book(CORPUS / case.name).visible_sheets()


# ------------------------------------------------------------------ reader over the corpus


def _read_workbook():
    try:
        from kaoping.excel.read import read_workbook
    except ImportError:
        pytest.skip("kaoping.excel.read.read_workbook 尚不存在（表格读取模块未提交）")
    return read_workbook


def test_read_workbook_never_raises_and_names_refused_files():
    read_workbook = _read_workbook()
    before = snapshot()
    for case in CHECKED:
        path = CORPUS / case.name
        result = read_workbook(path)  # must not raise, whatever the file is
        if case.preflight:
            named = [f for f in result.findings if f.file and Path(f.file).name == path.name]
            assert named, f"{case.name}: no finding names the file"
            assert any(case.expect in f.message for f in named), [f.message for f in named]
            assert not result.forms
    assert snapshot() == before


def test_reader_reports_formulas_without_cached_values():
    read_workbook = _read_workbook()
    for name in ("公式无缓存值-张三-2026Q3.xlsx", "公式求和天数-吴刚-2026-07.xlsx"):
        result = read_workbook(CORPUS / name)
        assert any("公式" in f.message for f in result.findings), (name, [f.message for f in result.findings])


def test_reader_cleans_spaces_full_width_and_zero_width():
    read_workbook = _read_workbook()
    result = read_workbook(CORPUS / "空格和全角-欧阳明-2026-07.xlsx")
    (summary,) = result.forms
    assert summary.identity.name == "欧阳明"
    assert summary.sick_personal_days == 1.5


# ------------------------------------------------------------------ the commands


def _run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "250", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-c", "from kaoping.cli import main; main()", *args],
        capture_output=True, text=True, encoding="utf-8", errors="replace", env=env,
        cwd=tmp_path, timeout=300,
    )


def _problems(path: Path) -> dict[str, list[tuple[str, str]]]:
    """File name → [(rule, message)] from the 问题清单's sheet 全部."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    rows = list(wb["全部"].iter_rows(values_only=True))
    wb.close()
    head = list(rows[1])
    f_col, r_col, m_col = head.index("文件"), head.index("规则"), head.index("问题")
    out: dict[str, list[tuple[str, str]]] = {}
    for r in rows[2:]:
        if r[f_col]:
            # The 文件 column shows the path below the folder checked: keyed by the name.
            out.setdefault(Path(r[f_col]).name, []).append((r[r_col] or "", r[m_col] or ""))
    return out


COMMANDS = {
    "quarter": ["quarter", "check", "--roster", str(ROSTER), "--period", QUARTER, str(CORPUS)],
    "month": ["month", "check", "--roster", str(ROSTER), "--period", MONTH, str(CORPUS)],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_check_command_over_the_corpus(command, tmp_path):
    _read_workbook()
    problems = tmp_path / f"{command}-问题清单.xlsx"
    before = snapshot()
    proc = _run([*COMMANDS[command], "--problems", str(problems)], tmp_path)
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output, output[-3000:]
    assert proc.returncode == 1, (proc.returncode, output[-3000:])  # 1 = 错误 found (README)
    assert snapshot() == before, "inputs were modified"
    assert problems.is_file(), output[-2000:]
    named = _problems(problems)
    due = [c for c in CHECKED if command in c.commands]
    missing = [c.name for c in due if Path(c.name).name not in named]
    assert not missing, f"{command} check: no finding names {missing}"
    # ...and the finding says what is wrong (rule id or keyword listed in the corpus README).
    vague = {c.name: named[Path(c.name).name] for c in due
             if not any(c.expect == rule or c.expect in msg for rule, msg in named[Path(c.name).name])}
    assert not vague, f"{command} check: expected finding missing for {vague}"
    for c in SKIPPED:
        assert Path(c.name).name not in named and Path(c.name).name not in output


def test_check_command_refuses_to_overwrite_problems_without_force(tmp_path):
    _read_workbook()
    problems = tmp_path / "问题清单.xlsx"
    problems.write_bytes(b"keep me")
    proc = _run([*COMMANDS["month"], "--problems", str(problems)], tmp_path)
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.returncode == 2
    assert problems.read_bytes() == b"keep me"
