"""Faults injected into the writes of an output set (the 附件4/5 + 台账 filing, the forms)
and of a single file (a 问题清单): an interrupt, a full disk, no permission, a read-only disk
at the k-th file written or moved into place, and a kill (SIGKILL) of the writing process;
at the end the same faults and a held lock end to end (`test_fault_matrix`: quarter report,
quarter check --problems, annual report), and the OS errors' Chinese messages. Faults are
injected at the one write primitive (`output.files.put_bytes`) and the one move (`_move`).

Each asserts: no traceback (a Chinese `KaopingError`, or the interrupt itself for the CLI to
turn into exit 130), every input byte-identical with its mtime, the old set or nothing —
never a part of the new one — and no temp, staging or lock file left."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path

import pytest
from openpyxl import Workbook

from helpers_output import (
    ENGLISH,
    OS_FAULTS,
    count_writes,
    failing_move,
    failing_write,
    fake_soffice,
    leftovers,
    run_killed,
    snapshot,
    tree,
)
from helpers_report import sample
from kaoping.errors import KaopingError, OutputExistsError
from kaoping.output.files import OutputSet
from kaoping.output.workbook import save_workbook
from kaoping.periods import Quarter
from kaoping.report.filing import write_filing
from kaoping.report.problems import write_problems

Q3 = Quarter(2026, 3)
DAY, LATER = dt.date(2026, 10, 15), dt.date(2026, 10, 20)
N_FILING = 10  # 2 units and 全中心 × (附件4, 附件5, 谈话提醒和批评教育名单) + 台账
REASONS = {"ENOSPC": "磁盘已满", "EACCES": "没有写入权限", "EROFS": "只读", "EEXIST": "已有同名"}
FAULTS = {"interrupt": KeyboardInterrupt, **OS_FAULTS}
posix_only = pytest.mark.skipif(os.name != "posix", reason="SIGKILL")


@pytest.fixture()
def inputs(tmp_path: Path) -> list[Path]:
    """A roster and a folder of forms the run 'reads' (outputs must leave them alone)."""
    roster = save_workbook(Workbook(), tmp_path / "in" / "花名册.xlsx")
    save_workbook(Workbook(), tmp_path / "in" / "collected" / "综合处" / "张一-2026Q3.xlsx")
    return [roster, tmp_path / "in" / "collected"]


def _filing(out: Path, inputs: list[Path], *, day: dt.date = DAY, force: bool = False) -> list[Path]:
    roster, outcome = sample()
    return write_filing(outcome, roster, Q3, out, report_date=day, force=force, inputs=inputs)


def _fails_cleanly(fault: str, call, target_hint: str | None = None) -> None:
    """`call()` raises the fault: the interrupt as it is, an OS error as a Chinese message."""
    if fault == "interrupt":
        with pytest.raises(KeyboardInterrupt):
            call()
        return
    with pytest.raises(KaopingError) as err:
        call()
    text = err.value.where() + err.value.message
    assert REASONS[fault] in text and not any(e in text for e in ENGLISH), text
    if target_hint is not None:
        assert target_hint in text


# ---------------------------------------------------------------- a new output folder


@pytest.mark.parametrize("k", [1, 4, N_FILING])
@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_while_writing_a_new_set_leaves_nothing(tmp_path, inputs, monkeypatch, k, fault):
    before = snapshot(*inputs)
    out = tmp_path / "报送" / "2026Q3"
    with failing_write(monkeypatch, k, FAULTS[fault]):
        _fails_cleanly(fault, lambda: _filing(out, inputs), target_hint="无法写入" if fault != "interrupt" else None)
    assert not out.exists() and not out.parent.exists()  # not even the folder made for it
    assert snapshot(*inputs) == before
    assert leftovers(tmp_path) == []
    assert len(_filing(out, inputs)) == N_FILING  # and the next run writes the whole set


def test_failed_rename_of_a_new_folder_leaves_nothing(tmp_path, inputs, monkeypatch):
    from kaoping.output import files as output

    real = output._move
    out = tmp_path / "out"

    def move(src: Path, dst: Path) -> None:
        if dst == out:
            raise FileExistsError(17, "File exists", str(dst))
        real(src, dst)

    monkeypatch.setattr(output, "_move", move)
    _fails_cleanly("EEXIST", lambda: _filing(out, inputs))
    assert not out.exists() and leftovers(tmp_path) == []


# ---------------------------------------------------------------- replacing a set (--force)


@pytest.fixture()
def old_set(tmp_path, inputs) -> tuple[Path, dict]:
    """A filing written earlier, plus a file of the clerk's own in the same folder."""
    out = tmp_path / "out"
    _filing(out, inputs)
    (out / "报送说明.docx").write_bytes(b"the clerk's own note")
    return out, snapshot(out)


@pytest.mark.parametrize("k", [1, N_FILING])
@pytest.mark.parametrize("fault", ["interrupt", "ENOSPC", "EACCES"])
def test_fault_while_writing_a_replacement_keeps_the_old_set(tmp_path, inputs, old_set, monkeypatch, k, fault):
    out, old = old_set
    with failing_write(monkeypatch, k, FAULTS[fault]):
        _fails_cleanly(fault, lambda: _filing(out, inputs, day=LATER, force=True))
    assert snapshot(out) == old
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("k", [1, 4, N_FILING])
@pytest.mark.parametrize("fault", ["interrupt", "EACCES", "ENOSPC"])
def test_fault_while_moving_files_in_puts_the_old_set_back(tmp_path, inputs, old_set, monkeypatch, k, fault):
    """EACCES here is Windows' answer when the clerk has the old 附件4 open in Excel."""
    out, old = old_set
    with failing_move(monkeypatch, k, FAULTS[fault]):
        _fails_cleanly(fault, lambda: _filing(out, inputs, day=LATER, force=True))
    assert snapshot(out) == old  # bytes and mtimes: the very same files are back
    assert leftovers(tmp_path) == []


def test_a_rollback_cut_short_is_finished_by_the_next_run(tmp_path, inputs, old_set, monkeypatch):
    """A second Ctrl+C while the moves are being undone: the journal stays for the next run."""
    from kaoping.output import files as output

    out, old = old_set

    def cut_short(*_args) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(output, "roll_back", cut_short)
    with failing_move(monkeypatch, 4, FAULTS["EACCES"]):
        _fails_cleanly("interrupt", lambda: _filing(out, inputs, day=LATER, force=True))
    monkeypatch.undo()
    assert snapshot(out) != old and [p.name for p in leftovers(out)] != []
    with pytest.raises(OutputExistsError):
        _filing(out, inputs, day=LATER)
    assert snapshot(out) == old and leftovers(tmp_path) == []


def test_fault_while_moving_into_a_folder_of_other_files_removes_the_folders_it_made(tmp_path, inputs, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "报送说明.docx").write_bytes(b"note")
    with failing_move(monkeypatch, 5, FAULTS["interrupt"]):
        _fails_cleanly("interrupt", lambda: _filing(out, inputs))
    assert tree(out) == ["报送说明.docx"]


def test_a_replacement_is_the_new_set_exactly_and_keeps_other_files(tmp_path, inputs, old_set):
    out, old = old_set
    written = _filing(out, inputs, day=LATER, force=True)
    new = snapshot(out)
    assert new[str(out / "报送说明.docx")] == old[str(out / "报送说明.docx")]
    assert all(new[str(p)] != old[str(p)] for p in written)  # every file is a new one
    assert set(new) == set(old) and leftovers(tmp_path) == []


def test_refusal_without_force_changes_nothing(tmp_path, inputs, old_set):
    out, old = old_set
    with pytest.raises(OutputExistsError, match="未写入任何文件"):
        _filing(out, inputs, day=LATER)
    assert snapshot(out) == old and leftovers(tmp_path) == []


# ---------------------------------------------------------------- forms: one set per command


@pytest.mark.parametrize("k", [1, 3])
@pytest.mark.parametrize("fault", ["interrupt", "ENOSPC"])
def test_fault_while_generating_forms(tmp_path, monkeypatch, k, fault):
    from helpers_quarter_cli import PEOPLE
    from kaoping.forms.routine import generate_forms
    from kaoping.models import Roster

    out = tmp_path / "下发"
    roster = Roster(people=list(PEOPLE))
    with failing_write(monkeypatch, k, FAULTS[fault]):
        _fails_cleanly(fault, lambda: generate_forms(roster, Q3, out))
    assert not out.exists() and leftovers(tmp_path) == []


@posix_only
@pytest.mark.parametrize("works", [True, False])
def test_forms_with_pdf_are_one_set(tmp_path, monkeypatch, works):
    from helpers_quarter_cli import PEOPLE
    from kaoping.forms.routine import generate_forms
    from kaoping.models import Roster

    monkeypatch.setenv("KAOPING_SOFFICE", str(fake_soffice(tmp_path, works=works)))
    out = tmp_path / "下发"
    call = lambda: generate_forms(Roster(people=list(PEOPLE)), Q3, out, pdf=True)  # noqa: E731
    if works:
        paths = call()
        assert sorted(out.rglob("*.pdf")) == sorted(p.with_suffix(".pdf") for p in paths)
    else:
        with pytest.raises(KaopingError, match="LibreOffice 未能转换 5 个文件"):
            call()
        assert not out.exists()
    assert leftovers(tmp_path) == []


def test_forms_of_another_unit_survive_an_interrupted_run(tmp_path, monkeypatch):
    """`forms --unit A` then `forms --unit B` share a folder: B's failure leaves A's forms."""
    from helpers_quarter_cli import PEOPLE
    from kaoping.forms.routine import generate_forms
    from kaoping.models import Roster

    people = [*PEOPLE[:2], PEOPLE[2].model_copy(update={"unit": "财务处"})]
    roster, out = Roster(people=people), tmp_path / "下发"
    generate_forms(roster, Q3, out, unit="综合处")
    old = snapshot(out)
    with failing_move(monkeypatch, 1, FAULTS["interrupt"]):
        _fails_cleanly("interrupt", lambda: generate_forms(roster, Q3, out, unit="财务处"))
    assert snapshot(out) == old and leftovers(tmp_path) == []


# ---------------------------------------------------------------- a single file


@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_while_saving_a_single_file_keeps_the_old_one(tmp_path, inputs, monkeypatch, fault):
    target = tmp_path / "问题清单.xlsx"
    target.write_bytes(b"last week's list")
    old = snapshot(target)

    def save(self, filename) -> None:
        Path(filename).write_bytes(b"PK half")
        raise FAULTS[fault]()

    monkeypatch.setattr(Workbook, "save", save)
    _fails_cleanly(fault, lambda: write_problems([], target, force=True, inputs=inputs))
    assert snapshot(target) == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "问题清单.xlsx"]


@pytest.mark.parametrize("fault", ["EROFS", "EACCES"])
def test_an_unwritable_folder_is_refused_before_anything_is_built(tmp_path, monkeypatch, fault):
    """The lock is the first write: a read-only or forbidden folder fails there."""
    from kaoping.output import files as output

    real_open = os.open

    def deny(path, flags, mode=0o777):
        if output.PREFIX in str(path):
            raise FAULTS[fault]()
        return real_open(path, flags, mode)

    monkeypatch.setattr(output.os, "open", deny)
    _fails_cleanly(fault, lambda: write_problems([], tmp_path / "问题清单.xlsx"))
    with pytest.raises(KaopingError, match=REASONS[fault]):
        with OutputSet(tmp_path / "out", [tmp_path / "out" / "a.xlsx"]):
            pytest.fail("the set must not open")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- killed runs


FILING = """
from pathlib import Path
import datetime as dt
from helpers_report import sample
from kaoping.periods import Quarter
from kaoping.report.filing import write_filing
roster, outcome = sample()
write_filing(outcome, roster, Quarter(2026, 3), Path("out"), force=True,
             report_date=dt.date(2026, 10, {day}))
"""


@posix_only
def test_a_run_killed_while_writing_is_cleaned_up_by_the_next(tmp_path, inputs):
    proc = run_killed(FILING.format(day=15), kill_at="write", k=3, cwd=tmp_path)
    assert proc.returncode == -9, proc.stderr
    assert not (tmp_path / "out").exists() and leftovers(tmp_path)  # its staging and lock
    written = _filing(tmp_path / "out", inputs)
    assert len(written) == N_FILING and leftovers(tmp_path) == []


@posix_only
@pytest.mark.parametrize("k", [1, 4, N_FILING])
def test_a_run_killed_while_moving_files_in_is_rolled_back_by_the_next(tmp_path, inputs, old_set, k):
    out, old = old_set
    proc = run_killed(FILING.format(day=20), kill_at="move", k=k, cwd=tmp_path)
    assert proc.returncode == -9, proc.stderr
    assert snapshot(out) != old  # killed half-way: a part of the new set is in place
    with pytest.raises(OutputExistsError):  # the next run (even one that refuses) rolls back
        _filing(out, inputs, day=LATER)
    assert snapshot(out) == old and leftovers(tmp_path) == []


@posix_only
def test_a_single_file_save_killed_half_way_is_cleaned_up_by_the_next(tmp_path):
    code = """
from pathlib import Path
from kaoping.report.problems import write_problems
write_problems([], Path("问题清单.xlsx"))
"""
    proc = run_killed(code, kill_at="save", k=1, cwd=tmp_path)
    assert proc.returncode == -9, proc.stderr
    assert not (tmp_path / "问题清单.xlsx").exists()
    assert len(leftovers(tmp_path)) == 2  # the half-written temp file and the lock
    write_problems([], tmp_path / "问题清单.xlsx")
    assert [p.name for p in tmp_path.iterdir()] == ["问题清单.xlsx"]


# ---------------------------------------------------------------- the matrix, end to end
#
# Every fault of issue 15 against three commands as the clerk runs them: `quarter report` (a
# set of files), `quarter check --problems` (one file) and `annual report` (a set with the
# year's files). Each is run into a fresh output and over an old one (--force), with the
# fault at the k-th file written (`output.put_bytes`), at the k-th file moved into place
# (`output._move`), or with another run holding the lock. Checked every time: the
# documented exit code (130 interrupted, 2 otherwise), a Chinese message without English or
# traceback, every input byte-identical with its mtime, the old output exactly as it was
# (or no output at all), and no temp, staging or lock file anywhere.


class _Command:
    def __init__(self, name: str, argv, inputs: list[Path], output: Path) -> None:
        self.name, self.argv, self.inputs, self.output = name, argv, inputs, output

    def run(self, *extra: str):
        from typer.testing import CliRunner

        from kaoping.cli import app

        result = CliRunner().invoke(app, [str(a) for a in [*self.argv, *extra]],
                                    env={"COLUMNS": "300", "KAOPING_WORKERS": "1"})
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        return result.exit_code, "".join(result.output.split())


def _build_inputs(root: Path) -> None:
    """A roster, a quarter's collected forms and the year's four ledgers under root/in."""
    from helpers_annual import AV, FG, G, ledgers
    from helpers_quarter_cli import PEOPLE, write_forms, write_roster
    from kaoping.report.ledger import write_ledger

    write_roster(root / "in" / "花名册.xlsx")
    write_forms(root / "in" / "collected", leave={})
    grades = {p.staff_id: [G, FG, AV, FG] for p in PEOPLE}
    for lg in ledgers(list(PEOPLE), grades):
        write_ledger(lg, root / "in" / f"台账-2026Q{lg.quarter}.xlsx")


def _commands(root: Path) -> dict[str, _Command]:
    """The three commands on the inputs under root/in, writing below root/out."""
    roster, folder = root / "in" / "花名册.xlsx", root / "in" / "collected"
    books = [root / "in" / f"台账-2026Q{q}.xlsx" for q in (1, 2, 3, 4)]
    out = root / "out"
    inputs = [roster, folder, *books]
    return {
        "quarter report": _Command("quarter report", [
            "quarter", "report", "-r", roster, folder, "-o", out / "报送", "--date", "2026-10-15"],
            inputs, out / "报送"),
        "quarter check --problems": _Command("quarter check --problems", [
            "quarter", "check", folder, "-r", roster, "-p", "2026Q3", "--problems", out / "问题清单.xlsx"],
            inputs, out / "问题清单.xlsx"),
        "annual report": _Command("annual report", [
            "annual", "report", "-r", roster, *books, "-o", out / "年度"], inputs, out / "年度"),
    }


def _everything(path: Path) -> dict:
    return snapshot(path) if path.exists() else {}


def _moving_fails(monkeypatch, command: _Command, old: bool, n: int, fault):
    """The last move into place fails: the n-th file moved into an old set, else the one
    rename that puts a new set's folder or a single file in place."""
    from kaoping.output import files as output

    if old and command.output.suffix != ".xlsx":
        return failing_move(monkeypatch, n, fault)
    real = output._move

    def move(src: Path, dst: Path) -> None:
        if Path(dst) == command.output:
            raise fault()
        real(src, dst)

    monkeypatch.setattr(output, "_move", move)
    return contextlib.nullcontext()


def _holding_the_lock(command: _Command):
    """A live process holds the output's lock (as a second kaoping writing it would)."""
    import json
    import socket
    import subprocess
    import sys

    from kaoping.output.files import output_key

    @contextlib.contextmanager
    def held():
        sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        lock = command.output.parent / f".~kaoping-lock-{output_key(command.output.name)}"
        lock.parent.mkdir(parents=True, exist_ok=True)
        lock.write_text(json.dumps({"pid": sleeper.pid, "host": socket.gethostname(), "token": "x",
                                    "started": "2026-10-15 09:00:00", "output": str(command.output)}))
        try:
            yield
        finally:
            sleeper.kill()
            sleeper.wait()
            lock.unlink()

    return held()


# Which faults where: every fault at the first file written; at the last file written and at
# the last move an interrupt (and EACCES at the move: Windows' answer when the old file is
# open in Excel); the lock once. OS errors share one path (output.errors.os_error), so the
# full product would only repeat it.
MATRIX = [*(("write-first", f) for f in ["interrupt", *OS_FAULTS]), ("write-last", "interrupt"),
          ("move-last", "interrupt"), ("move-last", "EACCES"), ("lock", "lock")]
EXPECTED = {"interrupt": (130, "已中断"), "lock": (2, "另一个kaoping"),
            **{f: (2, REASONS[f]) for f in OS_FAULTS}}


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    """The inputs and, under old/, each command's output of a clean run (built once, copied
    by each case with their mtimes); and n, the files each command writes."""
    import shutil

    root = tmp_path_factory.mktemp("world")
    _build_inputs(root)
    mp = pytest.MonkeyPatch()
    counts: dict[str, int] = {}
    for name, command in _commands(root).items():
        written = count_writes(mp)
        code, text = command.run()
        mp.undo()
        assert code in (0, 1) and command.output.exists(), text
        counts[name] = len(written)
    shutil.move(root / "out", root / "old")
    return root, counts


def _case(world, tmp_path: Path, name: str, old: bool) -> tuple[_Command, int]:
    import shutil

    root, counts = world
    shutil.copytree(root / "in", tmp_path / "in", copy_function=shutil.copy2)
    command = _commands(tmp_path)[name]
    if old:
        src = root / "old" / command.output.relative_to(tmp_path / "out")
        command.output.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, command.output, copy_function=shutil.copy2)
        else:
            shutil.copy2(src, command.output)
    return command, counts[name]


@pytest.mark.parametrize("old", [False, True], ids=["fresh", "over-old"])
@pytest.mark.parametrize(("where", "fault"), MATRIX, ids=[f"{w}-{f}" for w, f in MATRIX])
@pytest.mark.parametrize("name", ["quarter report", "quarter check --problems", "annual report"])
def test_fault_matrix(world, tmp_path, monkeypatch, name, where, fault, old):
    command, n = _case(world, tmp_path, name, old)
    before, old_output = snapshot(*command.inputs), _everything(command.output)
    exc = KeyboardInterrupt if fault in ("interrupt", "lock") else OS_FAULTS[fault]
    if where == "lock":
        context = _holding_the_lock(command)
    elif where.startswith("write"):
        context = failing_write(monkeypatch, 1 if where == "write-first" else n, exc)
    else:
        context = _moving_fails(monkeypatch, command, old, n, exc)
    with context:
        code, text = command.run(*(["--force"] if old else []))
    monkeypatch.undo()
    expected_code, reason = EXPECTED[fault]
    assert (code, reason in text) == (expected_code, True), text[-1500:]
    assert not any(e.replace(" ", "") in text for e in ENGLISH), text[-1500:]
    assert snapshot(*command.inputs) == before
    assert _everything(command.output) == old_output
    assert leftovers(tmp_path) == []
    if not old and where != "lock":
        assert not command.output.exists() and not command.output.parent.exists()


# ---------------------------------------------------------------- OS errors in Chinese


def _winerror(code: int) -> OSError:
    exc = PermissionError(13, "The process cannot access the file because it is being used by another process")
    exc.winerror = code  # as Windows sets it (ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION)
    return exc


@pytest.mark.parametrize(("exc", "text"), [
    (OS_FAULTS["ENOSPC"](), "磁盘已满"),
    (OS_FAULTS["EROFS"](), "只读"),
    (OS_FAULTS["EEXIST"](), "已有同名"),
    (OS_FAULTS["EACCES"](), "没有写入权限"),
    (IsADirectoryError(21, "Is a directory"), "这是一个文件夹"),
    (_winerror(32), "请先在 Excel/WPS 中关闭"),
    (_winerror(33), "请先在 Excel/WPS 中关闭"),
], ids=["ENOSPC", "EROFS", "EEXIST", "EACCES", "EISDIR", "winerror32", "winerror33"])
def test_an_os_error_is_said_in_chinese_naming_the_file(tmp_path, exc, text):
    from kaoping.output.errors import os_error

    err = os_error(exc, tmp_path / "问题清单.xlsx")
    said = err.where() + err.message
    assert text in said and "问题清单.xlsx" in said and not any(e in said for e in ENGLISH), said
    assert "being used" not in said


def test_a_problems_list_open_in_excel_on_windows_is_kept_and_said(tmp_path, monkeypatch):
    """Windows refuses to replace a file Excel holds open (winerror 32) at the rename."""
    from kaoping.output import files as output

    target = tmp_path / "问题清单.xlsx"
    target.write_bytes(b"the list the clerk has open")
    old = snapshot(target)
    real = output._move

    def move(src: Path, dst: Path) -> None:
        if Path(dst) == target:
            raise _winerror(32)
        real(src, dst)

    monkeypatch.setattr(output, "_move", move)
    with pytest.raises(KaopingError) as err:
        write_problems([], target, force=True)
    assert "请先在 Excel/WPS 中关闭该文件" in err.value.message and err.value.file == str(target)
    assert snapshot(target) == old and leftovers(tmp_path) == []
