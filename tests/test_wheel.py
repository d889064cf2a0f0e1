"""The wheel installs and runs from any folder (issue 16 items 1 and 9).

A wheel is built from a copy of the source tree (what a clone holds), installed — not editable —
into a fresh venv, and `kaoping` is run from a folder outside the repository: `forms blank`,
`quarter report` (with the shipped templates and with a restyled 附件4), `annual report`, and the
staff forms `forms monthly|quarterly` (with the shipped and a restyled 附件3).
The wheel and the venv are made once per test session (about a minute, most of it pip).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
ANNEX4 = "附件4-公务员平时考核结果备案表.xlsx"
TITLE = "温州市住房公积金管理中心 公务员平时考核结果备案表（改版）"

pytestmark = pytest.mark.wheel


def _pip(*args: str, cwd: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
                         cwd=cwd, capture_output=True, text=True, check=False)
    assert run.returncode == 0, f"pip {' '.join(args)} failed:\n{run.stdout}\n{run.stderr}"


@pytest.fixture(scope="session")
def installed(tmp_path_factory) -> Path:
    """The bin folder of a fresh venv with the wheel built from this tree installed."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src-copy"  # build from a copy: the tree itself gets no build/ or egg-info
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
        ".hypothesis", ".ruff_cache", "benchmarks", "tests"))
    _pip("wheel", "--no-deps", "-q", "-w", str(work / "dist"), str(source), cwd=work)
    wheel = next((work / "dist").glob("kaoping-*.whl"))
    with zipfile.ZipFile(wheel) as zf:  # the templates are package data of the wheel
        shipped = {Path(n).name for n in zf.namelist() if n.startswith("kaoping/templates/xlsx/")}
    assert ANNEX4 in shipped and len(shipped) >= 7, shipped
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = next(p for p in (bin_dir / "python.exe", bin_dir / "python") if p.exists())
    _pip("--python", str(python), "install", "-q", str(wheel), cwd=work)
    return bin_dir


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A clerk's folder outside the repository: the roster and the returned Q2 forms."""
    shutil.copy(EXAMPLES / "花名册.xlsx", tmp_path / "花名册.xlsx")
    shutil.copytree(EXAMPLES / "collected" / "2026Q2", tmp_path / "收回" / "2026Q2")
    return tmp_path


def kaoping(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PYTHONIOENCODING"] = "utf-8"
    exe = bin_dir / ("kaoping.exe" if os.name == "nt" else "kaoping")
    return subprocess.run([str(exe), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          encoding="utf-8", check=False)


def test_the_installed_package_is_the_wheel_not_the_tree(installed, folder):
    run = subprocess.run([str(next(installed.glob("python*"))), "-c",
                          "import kaoping, pathlib; print(pathlib.Path(kaoping.__file__).resolve())"],
                         cwd=folder, capture_output=True, text=True, check=True)
    where = Path(run.stdout.strip())
    assert not where.is_relative_to(REPO) and where.is_relative_to(installed.parent)


def test_forms_blank_quarter_report_and_annual_report_run_outside_the_repo(installed, folder):
    run = kaoping(installed, folder, "forms", "blank", "--out", "空白")
    assert run.returncode == 0, run.stdout + run.stderr
    assert len(list((folder / "空白").glob("附件*.xlsx"))) == 3

    run = kaoping(installed, folder, "quarter", "report", "--roster", "花名册.xlsx", "收回/2026Q2",
                  "--out", "备案", "--date", "2026-07-10")
    assert run.returncode == 0, run.stdout + run.stderr
    ws = load_workbook(folder / "备案" / "全中心" / "附件4-备案表-2026Q2.xlsx").worksheets[0]
    assert ws["A1"].value == "公务员平时考核结果备案表" and ws["A2"].value == "（2026年度第二季度）"
    ledger = folder / "备案" / "季度结果台账-2026Q2.xlsx"
    assert ledger.is_file()

    run = kaoping(installed, folder, "annual", "report", "--roster", "花名册.xlsx", str(ledger),
                  "--out", "年度")
    assert run.returncode in (0, 1), run.stdout + run.stderr  # 1: findings (three quarters missing)
    assert (folder / "年度" / "年度综评-2026.xlsx").is_file()
    assert len(list((folder / "年度").glob("附件6-*.xlsx"))) >= 2


def test_a_title_restyled_in_an_exported_annex4_is_what_the_wheel_writes(installed, folder):
    run = kaoping(installed, folder, "templates", "export", "模板")
    assert run.returncode == 0, run.stdout + run.stderr
    path = folder / "模板" / ANNEX4
    wb = load_workbook(path)
    wb.worksheets[0]["A1"] = TITLE
    wb.save(path)
    run = kaoping(installed, folder, "quarter", "report", "--roster", "花名册.xlsx", "收回/2026Q2",
                  "--out", "备案", "--date", "2026-07-10", "--templates", "模板")
    assert run.returncode == 0, run.stdout + run.stderr
    for unit_file in (folder / "备案").glob("*/附件4-备案表-2026Q2.xlsx"):
        assert load_workbook(unit_file).worksheets[0]["A1"].value == TITLE, unit_file


def test_the_wheel_writes_the_staff_forms_from_its_packaged_templates(installed, folder):
    """附件1–3 come from the wheel's templates (no drawing code left to fall back on): the forms
    carry their placeholders' values, and a restyled exported 附件3 is what the wheel writes."""
    run = kaoping(installed, folder, "forms", "monthly", "--roster", "花名册.xlsx", "--period", "2026-07",
                  "--unit", "财务处", "--out", "月表")
    assert run.returncode == 0, run.stdout + run.stderr
    wb = load_workbook(next((folder / "月表").rglob("*.xlsx")))
    assert wb["月度小结"]["A2"].value == "（7）月份" and len(wb.sheetnames) == 7  # 月度小结, 5 weeks, _kaoping
    assert wb.worksheets[1]["G2"].value == "时间：（7）月第（1）周"
    assert kaoping(installed, folder, "templates", "export", "模板").returncode == 0
    path = folder / "模板" / "附件3-干部日常考评季度评价表.xlsx"
    wb = load_workbook(path)
    wb["季度评价"]["A1"] = "干部日常考评季度评价表（改版）"
    wb.save(path)
    run = kaoping(installed, folder, "forms", "quarterly", "--roster", "花名册.xlsx", "--period", "2026Q3",
                  "--unit", "财务处", "--out", "季表", "--templates", "模板")
    assert run.returncode == 0, run.stdout + run.stderr
    forms = list((folder / "季表").rglob("*.xlsx"))
    assert forms
    for form in forms:
        ws = load_workbook(form)["季度评价"]
        assert ws["A1"].value == "干部日常考评季度评价表（改版）" and ws["A2"].value == "第（3）季度"
