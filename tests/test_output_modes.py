"""What outputs look like on disk: their mode follows the umask (colleagues on a shared
folder can open them), kaoping's work files are hidden on Windows while outputs never are,
and temp files of older versions left by a killed run are cleared."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest
from openpyxl import Workbook

from helpers_output import leftovers
from kaoping.output import files as output
from kaoping.output.files import OutputSet
from kaoping.output.workbook import atomic_write_bytes, save_workbook

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX modes")


@pytest.fixture()
def umask():
    old = os.umask(0o022)
    yield lambda mask: os.umask(mask)
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _write_everything(tmp_path: Path) -> tuple[list[Path], list[Path]]:
    """(files, folders) kaoping made: a single file (new and replaced), a new set, and a set
    moved into an existing folder (with a new subfolder)."""
    single = save_workbook(Workbook(), tmp_path / "问题清单.xlsx")
    atomic_write_bytes(single, b"again", force=True)
    new = tmp_path / "报送" / "2026Q3"
    with OutputSet(new, [new / "全中心" / "a.xlsx", new / "b.xlsx"]) as out:
        out.write_bytes(new / "全中心" / "a.xlsx", b"a")
        out.save(Workbook(), new / "b.xlsx")
    with OutputSet(new, [new / "财务处" / "c.xlsx", new / "b.xlsx"], force=True) as out:
        out.write_bytes(new / "财务处" / "c.xlsx", b"c")
        out.write_bytes(new / "b.xlsx", b"b")
    files = [single, new / "全中心" / "a.xlsx", new / "b.xlsx", new / "财务处" / "c.xlsx"]
    folders = [tmp_path / "报送", new, new / "全中心", new / "财务处"]
    return files, folders


@posix_only
@pytest.mark.parametrize(("mask", "file_mode", "dir_mode"), [(0o022, 0o644, 0o755),
                                                             (0o027, 0o640, 0o750)])
def test_outputs_follow_the_umask(tmp_path, umask, mask, file_mode, dir_mode):
    umask(mask)
    files, folders = _write_everything(tmp_path)
    assert {p.name: oct(_mode(p)) for p in files} == {p.name: oct(file_mode) for p in files}
    assert {p.name: oct(_mode(p)) for p in folders} == {p.name: oct(dir_mode) for p in folders}
    assert leftovers(tmp_path) == []


def test_work_files_are_hidden_and_outputs_are_not(tmp_path, monkeypatch):
    """FILE_ATTRIBUTE_HIDDEN, played here by a table keyed by inode (a rename keeps it, as
    it keeps the attribute on Windows; a removal drops it)."""
    hidden: dict[int, bool] = {}
    made_hidden: list[str] = []

    def set_hidden(path: Path, flag: bool) -> None:
        hidden[os.stat(path).st_ino] = flag
        if flag:
            made_hidden.append(Path(path).name)

    real_remove = output._remove

    def remove(path: Path) -> None:  # a removed file's inode may come back for an output
        for p in [path, *(path.rglob("*") if path.is_dir() else [])]:
            if p.exists():
                hidden.pop(os.stat(p).st_ino, None)
        real_remove(path)

    monkeypatch.setattr(output, "set_hidden", set_hidden)
    monkeypatch.setattr(output, "_remove", remove)
    files, folders = _write_everything(tmp_path)
    assert not [p for p in (*files, *folders) if hidden.get(p.stat().st_ino)]
    kinds = {name.split("-")[1] for name in made_hidden}
    assert kinds == {"tmp", "staging", "lock"}
    assert all(name.startswith(output.PREFIX) for name in made_hidden)


def test_temp_files_of_older_versions_are_cleared_when_older_than_the_run(tmp_path):
    stale = tmp_path / ".~kaoping-ab12cd34.xlsx"  # tempfile.mkstemp's name, as kaoping used
    stale.write_bytes(b"half")
    past = time.time() - 3600
    os.utime(stale, (past, past))
    other = tmp_path / ".~kaoping-notes.txt"  # not such a name: not ours to remove
    other.write_bytes(b"x")
    save_workbook(Workbook(), tmp_path / "问题清单.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".~kaoping-notes.txt", "问题清单.xlsx"]


def test_leftovers_of_another_output_in_the_same_folder_are_not_touched(tmp_path):
    """Only the run holding an output's lock may judge its leftovers stale."""
    theirs = tmp_path / f".~kaoping-staging-{output.output_key('别的输出')}-999999"
    theirs.mkdir()
    (theirs / "a.xlsx").write_bytes(b"another run's work")
    save_workbook(Workbook(), tmp_path / "问题清单.xlsx")
    assert (theirs / "a.xlsx").read_bytes() == b"another run's work"
