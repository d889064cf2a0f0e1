"""`paths.scan_workbooks` (os.scandir walk) yields exactly what the plain
`sorted(folder.rglob("*"))` + `is_ignored` + suffix filter yields, in the same order: every
entry with a workbook's name that is no folder (files, and the pipes, devices and broken
links the reader then lists as 提示), and the folders that cannot be opened."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaoping.paths import WORKBOOK_SUFFIXES, is_ignored, scan_workbook_names, scan_workbooks


def _plain(folder: Path) -> list[Path]:
    return [p for p in sorted(folder.rglob("*"))
            if not p.is_dir() and not is_ignored(p.relative_to(folder))
            and p.suffix.lower() in WORKBOOK_SUFFIXES and not p.name.endswith("~")]


def _touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")


def test_tricky_tree_same_files_same_order(tmp_path: Path) -> None:
    for rel in ["b/张三-2026Q3.xlsx", "a/Z.XLSX", "a/a.xlsx", "a/B.xlsx", "a10/x.xlsx", "a2/x.xlsx",
                "~$锁.xlsx", "b/~$张三-2026Q3.xlsx", ".hidden/x.xlsx", "b/.x.xlsx", "b/tmp.xlsx~",
                "c/旧.xls", "c/表.et", "c/x.ods", "c/x.xlsb", "c/x.csv", "c/x.html", "c/x.htm",
                "c/readme.txt", "c/x.pdf", "c/noext", "~$dir/x.xlsx", "d/e/f/深层.xlsm",
                "全角　空格/表 .xlsx", "b/a..xlsx"]:
        _touch(tmp_path / rel)
    (tmp_path / "empty").mkdir()
    (tmp_path / "link-dir").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / "link-file.xlsx").symlink_to(tmp_path / "a" / "a.xlsx")
    (tmp_path / "broken.xlsx").symlink_to(tmp_path / "nowhere.xlsx")
    (tmp_path / "dir.xlsx").mkdir()
    got = list(scan_workbooks(tmp_path))
    assert got == _plain(tmp_path)
    assert scan_workbook_names(tmp_path) == [str(p) for p in got]
    names = [p.relative_to(tmp_path).as_posix() for p in got]
    assert "link-file.xlsx" in names and "dir.xlsx" not in names and "broken.xlsx" in names
    assert not any(n.startswith("link-dir/") for n in names)  # symlinked folders not entered
    assert not any("~$" in n or n.startswith(".hidden") for n in names)


def test_missing_folder_and_file_give_nothing(tmp_path: Path) -> None:
    assert list(scan_workbooks(tmp_path / "nope")) == []
    _touch(tmp_path / "a.xlsx")
    assert list(scan_workbooks(tmp_path / "a.xlsx")) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_unreadable_subfolder_is_listed_not_entered(tmp_path: Path) -> None:
    _touch(tmp_path / "ok" / "a.xlsx")
    _touch(tmp_path / "locked" / "b.xlsx")
    (tmp_path / "locked").chmod(0)
    try:
        assert [p.name for p in scan_workbooks(tmp_path)] == ["locked", "a.xlsx"]
    finally:
        (tmp_path / "locked").chmod(0o755)


def test_a_folder_past_the_path_limit_is_listed_not_entered(tmp_path: Path) -> None:
    from kaoping.paths import entry_problem

    _touch(tmp_path / "a.xlsx")
    deep = _deep_folder(tmp_path)
    listed = scan_workbook_names(tmp_path)
    assert listed[0] == str(tmp_path / "a.xlsx") and len(listed) == 2
    is_error, message = entry_problem(listed[1])
    assert is_error and "路径过长" in message and str(deep).startswith(listed[1])


def _deep_folder(root: Path) -> Path:
    """Folders nested past the OS path limit (PATH_MAX 4096 on Linux), made from inside."""
    here = os.getcwd()
    path = root
    try:
        os.chdir(root)
        for _ in range(25):
            os.mkdir("d" * 200)
            os.chdir("d" * 200)
            path = path / ("d" * 200)
        with open("x.xlsx", "wb") as f:
            f.write(b"x")
    finally:
        os.chdir(here)
    return path


_segment = st.text(alphabet="aAbB1~$.张三 -_", min_size=1, max_size=6).filter(
    lambda s: s not in (".", "..") and s.strip() == s)
_suffix = st.sampled_from([".xlsx", ".XLSX", ".xls", ".txt", "", ".xlsx~", ".ods"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(st.tuples(st.lists(_segment, max_size=3), _segment, _suffix), max_size=12))
def test_random_trees_match_rglob(tmp_path_factory, files) -> None:
    root = tmp_path_factory.mktemp("scan")
    for dirs, stem, suffix in files:
        path = root.joinpath(*dirs, stem + suffix)
        try:
            _touch(path)
        except (FileExistsError, NotADirectoryError, IsADirectoryError):
            continue  # a file where a folder is wanted, or the reverse: skip that entry
    assert list(scan_workbooks(root)) == _plain(root)
    assert scan_workbook_names(root) == [str(p) for p in _plain(root)]


def test_names_spelled_as_paths_for_relative_and_root_folders(tmp_path: Path, monkeypatch) -> None:
    _touch(tmp_path / "a" / "x.xlsx")
    monkeypatch.chdir(tmp_path)
    assert scan_workbook_names(Path(".")) == [str(Path(".") / "a" / "x.xlsx")] == ["a/x.xlsx"]
    assert scan_workbook_names("a/") == [str(Path("a/") / "x.xlsx")]
    assert scan_workbook_names(tmp_path) == [str(tmp_path / "a" / "x.xlsx")]
