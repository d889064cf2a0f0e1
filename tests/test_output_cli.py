"""The output guarantees end to end, as the clerk meets them: `quarter report`,
`forms quarterly` and `month check --problems` interrupted (Ctrl+C: exit 130), out of disk
space (exit 2, a Chinese message), refused over an input or while another run writes; never
a traceback, never a changed input, never a part of a set or a work file left behind."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from helpers_output import ENGLISH, OS_FAULTS, failing_write, fake_soffice, leftovers, snapshot
from helpers_quarter_cli import write_forms, write_roster
from kaoping.cli import app
from kaoping.output.files import output_key

runner = CliRunner()


class _Run:
    def __init__(self, result) -> None:
        self.exit_code = result.exit_code
        self.output = "".join(result.output.split())
        # No traceback: the command ended by its own exit code, not an exception.
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert not any(e.replace(" ", "") in self.output for e in ENGLISH), self.output


def _invoke(*args: object) -> _Run:
    return _Run(runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200", "KAOPING_WORKERS": "1"}))


@pytest.fixture()
def quarter(tmp_path: Path) -> dict[str, Path]:
    roster = write_roster(tmp_path / "花名册.xlsx")
    folder = tmp_path / "collected"
    write_forms(folder, leave={})  # 附件3 and the 月度小结 of the quarter
    return {"roster": roster, "folder": folder, "out": tmp_path / "报送"}


def _report(q: dict[str, Path], *extra: object) -> _Run:
    return _invoke("quarter", "report", "-r", q["roster"], q["folder"], "--out", q["out"],
                   "--date", "2026-10-15", *extra)


def _inputs(q: dict[str, Path]) -> dict:
    return snapshot(q["roster"], q["folder"])


# ---------------------------------------------------------------- quarter report


@pytest.mark.parametrize("k", [2, 5])
def test_quarter_report_interrupted_writes_nothing(quarter, tmp_path, monkeypatch, k):
    before = _inputs(quarter)
    with failing_write(monkeypatch, k, KeyboardInterrupt):
        r = _report(quarter)
    assert r.exit_code == 130 and "已中断" in r.output
    assert not quarter["out"].exists() and _inputs(quarter) == before
    assert leftovers(tmp_path) == []


def test_quarter_report_on_a_full_disk_keeps_the_previous_filing(quarter, tmp_path, monkeypatch):
    assert _report(quarter).exit_code == 0
    old = snapshot(quarter["out"])
    before = _inputs(quarter)
    with failing_write(monkeypatch, 3, OS_FAULTS["ENOSPC"]):
        r = _report(quarter, "--date", "2026-10-20", "--force")
    assert r.exit_code == 2 and "磁盘已满" in r.output and "原有文件保持不变" in r.output
    assert snapshot(quarter["out"]) == old and _inputs(quarter) == before
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_quarter_report_refuses_a_problems_list_over_the_roster(quarter, tmp_path, force):
    before = _inputs(quarter)
    r = _report(quarter, "--problems", quarter["roster"], *force)
    assert r.exit_code == 2 and "就是本次读取的输入文件" in r.output
    assert _inputs(quarter) == before and not quarter["out"].exists()
    assert leftovers(tmp_path) == []


def test_quarter_report_refuses_a_filing_over_a_hard_link_of_a_form(quarter, tmp_path):
    form = next(quarter["folder"].rglob("*Q3.xlsx"))
    quarter["out"].mkdir()
    os.link(form, quarter["out"] / "季度结果台账-2026Q3.xlsx")
    before = _inputs(quarter)
    r = _report(quarter, "--force")
    assert r.exit_code == 2 and "硬链接" in r.output and "不能覆盖输入文件" in r.output
    assert _inputs(quarter) == before
    assert sorted(p.name for p in quarter["out"].rglob("*")) == ["季度结果台账-2026Q3.xlsx"]


def test_quarter_report_while_another_run_writes_refuses(quarter, tmp_path):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock = tmp_path / f".~kaoping-lock-{output_key('报送')}"
        lock.write_text(json.dumps({"pid": sleeper.pid, "host": socket.gethostname(),
                                    "token": "x", "started": "09:00", "output": "报送"}))
        r = _report(quarter)
        assert r.exit_code == 2 and "另一个kaoping" in r.output and "请等它结束后再试" in r.output
        assert not quarter["out"].exists() and lock.exists()
    finally:
        sleeper.kill()
        sleeper.wait()
    assert _report(quarter).exit_code == 0  # the holder is gone: its lock is taken over
    assert leftovers(tmp_path) == []


# ---------------------------------------------------------------- forms quarterly


@pytest.mark.parametrize(("fault", "code", "text"), [("interrupt", 130, "已中断"),
                                                     ("ENOSPC", 2, "磁盘已满"),
                                                     ("EACCES", 2, "请先在Excel/WPS中关闭该文件")])
def test_forms_quarterly_fault_writes_no_form(quarter, tmp_path, monkeypatch, fault, code, text):
    out = tmp_path / "下发"
    before = snapshot(quarter["roster"])
    exc = KeyboardInterrupt if fault == "interrupt" else OS_FAULTS[fault]
    with failing_write(monkeypatch, 3, exc):
        r = _invoke("forms", "quarterly", "-r", quarter["roster"], "-p", "2026Q3", "-o", out)
    assert r.exit_code == code and text in r.output
    assert not out.exists() and snapshot(quarter["roster"]) == before
    assert leftovers(tmp_path) == []


# ---------------------------------------------------------------- month check --problems


def _month(q: dict[str, Path], problems: Path, *extra: object) -> _Run:
    return _invoke("month", "check", "-r", q["roster"], "-p", "2026-07", q["folder"],
                   "--problems", problems, *extra)


@pytest.mark.parametrize(("fault", "code", "text"), [("interrupt", 130, "已中断"),
                                                     ("ENOSPC", 2, "磁盘已满"),
                                                     ("EROFS", 2, "只读")])
def test_month_check_problems_fault_keeps_the_old_list(quarter, tmp_path, monkeypatch, fault, code, text):
    problems = tmp_path / "8月问题清单.xlsx"
    problems.write_bytes(b"the list sent last week")
    old, before = snapshot(problems), _inputs(quarter)
    exc = KeyboardInterrupt if fault == "interrupt" else OS_FAULTS[fault]

    def save(self, filename) -> None:
        Path(filename).write_bytes(b"PK half")
        raise exc()

    monkeypatch.setattr(Workbook, "save", save)
    r = _month(quarter, problems, "--force")
    assert r.exit_code == code and text in r.output
    assert snapshot(problems) == old and _inputs(quarter) == before
    assert leftovers(tmp_path) == []


def test_month_check_refuses_a_problems_list_over_a_collected_form(quarter):
    form = next(quarter["folder"].rglob("*-2026-07.xlsx"))
    before = _inputs(quarter)
    r = _month(quarter, form, "--force")
    assert r.exit_code == 2 and "就是本次读取的输入文件" in r.output
    assert _inputs(quarter) == before


# ---------------------------------------------------------------- --pdf: PDFs in the same set


@pytest.mark.skipif(os.name != "posix", reason="fake soffice is a POSIX shell script")
def test_quarter_report_pdf_failure_writes_no_workbook_either(quarter, tmp_path, monkeypatch):
    monkeypatch.setenv("KAOPING_SOFFICE", str(fake_soffice(tmp_path, works=False)))
    r = _report(quarter, "--pdf")
    assert r.exit_code == 2 and "LibreOffice未能转换" in r.output
    assert not quarter["out"].exists() and leftovers(tmp_path) == []
    monkeypatch.setenv("KAOPING_SOFFICE", str(fake_soffice(tmp_path, works=True)))
    assert _report(quarter, "--pdf").exit_code == 0
    xlsx = sorted(p for p in quarter["out"].rglob("附件*.xlsx"))
    assert sorted(quarter["out"].rglob("*.pdf")) == [p.with_suffix(".pdf") for p in xlsx]
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("command", [
    ["quarter", "check"], ["quarter", "report", "--out", "{tmp}/out"], ["month", "check"], ["week", "check"]])
@pytest.mark.parametrize("option", ["--problems", "--json"])
def test_an_existing_output_is_refused_before_the_folder_is_read(tmp_path, monkeypatch, command, option):
    """The clerk learns at once, not after the whole folder was read, that the file exists."""
    from typer.testing import CliRunner

    from kaoping.cli import app
    from kaoping.pipeline import batch

    if option == "--json" and command[1] == "report":
        pytest.skip("quarter report has no --json")
    existing = tmp_path / "已有.xlsx"
    existing.write_bytes(b"old")
    read = []
    monkeypatch.setattr(batch, "read_folder", lambda *a, **k: read.append(a) or iter(()))
    examples = Path(__file__).resolve().parents[1] / "examples"
    args = [c.format(tmp=tmp_path) for c in command] + [
        "-r", str(examples / "花名册.xlsx"), str(examples / "collected" / "2026Q3"), option, str(existing)]
    # wide: the message names a temporary path, whose length differs between machines
    result = CliRunner().invoke(app, args, env={"COLUMNS": "400"})
    assert result.exit_code == 2, result.output
    assert "输出文件已存在" in result.output and "--force" in result.output
    assert read == [] and existing.read_bytes() == b"old"
