"""`pipeline.batch.FolderReader`: the same results, in the same order, whether read in this
process or by workers, started early or not, and the workers are gone after close()."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from kaoping.pipeline.batch import CHUNK, FolderReader
from kaoping.excel.read import read_workbook
from kaoping.pipeline.batch import read_folder
from kaoping.paths import scan_workbooks
from kaoping.pipeline import records_of
from kaoping.rules.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "examples" / "collected" / "2026Q3"
CORPUS = ROOT / "tests" / "corpus" / "bad"


def _dump(result) -> tuple:
    """What a result holds, compared by value (pickle bytes differ when equal texts are
    shared objects in one process and not in another)."""
    return (str(result.path), result.kind, result.forms, result.findings,
            getattr(result, "digests", None))


def test_sequential_reader_gives_what_read_workbook_gives() -> None:
    reader = FolderReader(CORPUS, workers=1)
    assert reader.paths == [str(p) for p in scan_workbooks(CORPUS)]
    got = list(reader)
    assert [p for p, _ in got] == reader.paths
    assert [_dump(r) for _, r in got] == [_dump(read_workbook(p)) for p in reader.paths]


@pytest.mark.parametrize("early", [False, True])
def test_workers_give_the_sequential_results_in_order(early: bool) -> None:
    slim = functools.partial(records_of, settings=Settings())
    seq = list(FolderReader(FOLDER, workers=1, transform=slim))
    reader = FolderReader(FOLDER, workers=2, transform=slim)
    assert reader.workers == 2 and len(reader) > 3 * CHUNK
    with reader:
        if early:
            reader.start()
            assert reader._pool is not None and reader._pending  # working already
        par = list(reader)
    assert [p for p, _ in par] == [p for p, _ in seq]
    assert [_dump(r) for _, r in par] == [_dump(r) for _, r in seq]
    assert reader._pool is None


def test_close_before_iterating_shuts_the_workers_down() -> None:
    reader = FolderReader(FOLDER, workers=2).start()
    processes = list(reader._pool._processes.values())
    assert processes and all(p.is_alive() for p in processes)
    reader.close()
    for p in processes:
        p.join(timeout=10)
    assert not any(p.is_alive() for p in processes)
    reader.close()  # twice is harmless


def test_stopping_early_shuts_the_workers_down() -> None:
    with FolderReader(FOLDER, workers=2) as reader:
        processes = list(reader.start()._pool._processes.values())
        for _ in zip(range(3), reader):
            pass
    for p in processes:
        p.join(timeout=10)
    assert not any(p.is_alive() for p in processes)


def test_read_folder_passes_paths_to_on_file() -> None:
    seen: list[Path] = []
    results = list(read_folder(CORPUS, on_file=seen.append, workers=2))
    assert seen == list(scan_workbooks(CORPUS))
    assert [r.path for r in results] == seen


def test_spawned_workers_give_the_sequential_results_with_the_callers_limits(monkeypatch) -> None:
    """Under spawn the workers share nothing with this process: the limits travel with each
    chunk. 236 workbooks with max_rows=16: the monthly forms are refused (F1), the quarterly
    ones read, each exactly as a single-process read gives it."""
    from kaoping.rules.settings import LimitSettings

    limits = LimitSettings(max_rows=16)
    seq = [(p, _dump(r)) for p, r in FolderReader(FOLDER, workers=1, limits=limits)]
    monkeypatch.setenv("KAOPING_START_METHOD", "spawn")
    reader = FolderReader(FOLDER, workers=2, limits=limits)
    assert len(reader) >= 200 and reader.workers == 2
    with reader:
        par = [(p, _dump(r)) for p, r in reader]
    assert par == seq
    refused = [p for p, d in seq if any(f.rule == "F1" and "超过上限 16 行" in f.message for f in d[3])]
    assert 0 < len(refused) < len(seq)  # both refused and read workbooks are compared


@pytest.mark.parametrize(("value", "expected"), [("", None), ("spawn", "spawn"), (" Spawn ", "spawn"),
                                                 ("forkserver", "forkserver"), ("fork", "fork")])
def test_start_method_from_the_environment(monkeypatch, value: str, expected: str | None) -> None:
    import multiprocessing

    from kaoping.pipeline.batch import pool_context

    monkeypatch.setenv("KAOPING_START_METHOD", value)
    default = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    assert pool_context().get_start_method() == (expected or default)


@pytest.mark.parametrize("value", ["threads", "fork-please"])
def test_unknown_start_method_is_refused_in_chinese(monkeypatch, value: str) -> None:
    from kaoping.errors import KaopingError
    from kaoping.pipeline.batch import pool_context

    monkeypatch.setenv("KAOPING_START_METHOD", value)
    with pytest.raises(KaopingError, match="KAOPING_START_METHOD"):
        pool_context()


def test_fork_where_the_platform_has_none_is_refused(monkeypatch) -> None:
    import multiprocessing

    from kaoping.errors import KaopingError
    from kaoping.pipeline.batch import pool_context

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    monkeypatch.delenv("KAOPING_START_METHOD", raising=False)
    assert pool_context().get_start_method() == "spawn"
    monkeypatch.setenv("KAOPING_START_METHOD", "fork")
    with pytest.raises(KaopingError, match="本机可用：spawn"):
        pool_context()
