"""Reading a whole folder of collected workbooks (`read_folder`), in worker processes for
large batches: the reading of one workbook is `kaoping.excel.read.read_workbook`.

`FolderReader` yields one `ReadResult` per workbook, in the sorted order of
`paths.scan_workbooks`, the same results as reading them one by one in this process. Large
batches (see `read_workers`) are read by a pool of processes; results stream back in
order through a bounded window of pending chunks, so memory holds a window, not the batch.

The workers are forked when the reading starts (`start()`, which the first iteration calls),
so they don't carry what the caller loads later (`pipeline.run_quarter` reads the roster
after the folder). Everything a worker needs
travels with its chunk (paths, year, transform, limits), so the pool works under any start
method: `KAOPING_START_METHOD` = fork | spawn | forkserver, by default fork where the platform
has it (cheap, and works from scripts without a `__main__` guard), spawn elsewhere (Windows).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..excel.read import ReadResult
    from ..rules.settings import LimitSettings

CHUNK = 16  # files per task sent to a worker
# Chunks submitted ahead per worker: enough work to keep the workers busy while the caller
# takes in what came back, little memory (slim results).
WINDOW_PER_WORKER = 16


def _read_chunk(paths: list[str], default_year: int | None,
                transform: Callable[[Any], Any] | None = None,
                limits: LimitSettings | None = None) -> list[Any]:
    from ..excel.read import read_workbook

    results = [read_workbook(p, default_year=default_year, limits=limits) for p in paths]
    return results if transform is None else [transform(r) for r in results]


class FolderReader:
    """Iterate to read every workbook below `folder`; `start()` to fork the workers early.

    `transform` (a picklable, module-level function) is applied to each result where it is
    read, e.g. to keep only what a batch needs before it crosses to this process. Use as a
    context manager (or call `close()`) so the workers are shut down even when the caller
    stops early."""

    def __init__(self, folder: Path | str, *, default_year: int | None = None,
                 workers: int | None = None,
                 transform: Callable[[Any], Any] | None = None,
                 limits: LimitSettings | None = None) -> None:
        from ..paths import count_workbook_names
        self.folder = Path(folder)
        self.default_year = default_year
        self.transform = transform
        self.limits = limits  # handed to every chunk: workers hold no settings of their own
        # Only counted here: the list of paths is made once the workers are forked (`start`),
        # so that they do not each hold a copy of it (20,000 paths: ~6.5 MB per process).
        self._count = count_workbook_names(self.folder)
        self.workers = read_workers(self._count, workers)
        self._listing: list[str] | None = None
        self._pool: Any = None
        self._pending: dict[int, Any] = {}
        self._next = 0  # index of the next chunk to submit

    @property
    def listing(self) -> list[str]:
        """The workbooks' paths, sorted, as text (`paths.scan_workbook_names`); listed on
        first use."""
        if self._listing is None:
            from ..paths import scan_workbook_names

            self._listing = scan_workbook_names(self.folder)
        return self._listing

    @property
    def paths(self) -> list[str]:
        """The workbooks' paths, sorted, as text."""
        return list(self.listing)

    @property
    def _chunks(self) -> int:
        return (len(self.listing) + CHUNK - 1) // CHUNK

    def __len__(self) -> int:
        return self._count if self._listing is None else len(self._listing)

    def __enter__(self) -> FolderReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _chunk(self, i: int) -> list[str]:
        return self.listing[i * CHUNK:(i + 1) * CHUNK]

    def _submit_up_to(self, limit: int) -> None:
        while self._next < min(limit, self._chunks):
            self._pending[self._next] = self._pool.submit(
                _read_chunk, self._chunk(self._next), self.default_year, self.transform,
                self.limits)
            self._next += 1

    def start(self) -> FolderReader:
        """Start the worker processes and hand them their first chunks (no-op for a batch read
        in this process, or when already started)."""
        if self.workers <= 1 or self._pool is not None:
            return self
        from concurrent.futures import ProcessPoolExecutor

        # Everything the workers run is imported here first, so no forked worker waits on an
        # import lock that another thread of the caller (the progress bar) held at fork time.
        import python_calamine  # noqa: F401

        from ..excel import read, safety  # noqa: F401

        self._pool = ProcessPoolExecutor(self.workers, mp_context=pool_context())
        # The executor starts all its workers at the first submit: a no-op one, so that they
        # are forked before the paths are listed (see __init__).
        self._pool.submit(int)
        self._submit_up_to(WINDOW_PER_WORKER * self.workers)
        return self

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        """(path as text, result) for every workbook, in order."""
        if self.workers <= 1:
            from ..excel.read import read_workbook

            for path in self.listing:
                result = read_workbook(path, default_year=self.default_year, limits=self.limits)
                yield path, (result if self.transform is None else self.transform(result))
            return
        self.start()
        window = WINDOW_PER_WORKER * self.workers
        try:
            for i in range(self._chunks):
                results = self._pending.pop(i).result()
                self._submit_up_to(i + 1 + window)
                yield from zip(self._chunk(i), results, strict=True)
        finally:
            self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            self._pending.clear()


START_METHODS = ("fork", "spawn", "forkserver")


def pool_context() -> Any:
    """The multiprocessing context of the pool: `KAOPING_START_METHOD`, else fork where the
    platform has it, else spawn."""
    import multiprocessing

    from ..errors import KaopingError

    available = multiprocessing.get_all_start_methods()
    method = os.environ.get("KAOPING_START_METHOD", "").strip().lower()
    if not method:
        method = "fork" if "fork" in available else "spawn"
    if method not in START_METHODS or method not in available:
        usable = "、".join(m for m in START_METHODS if m in available)
        raise KaopingError(f"环境变量 KAOPING_START_METHOD 的值“{method}”不可用，"
                           f"本机可用：{usable}（或不设置，自动选择）")
    return multiprocessing.get_context(method)


PARALLEL_MIN_FILES = 200  # below this, starting worker processes costs more than it saves


def read_workers(files: int, workers: int | None = None) -> int:
    """How many processes read a batch of `files`: `workers`, else env KAOPING_WORKERS, else
    one per CPU this process may use for batches of PARALLEL_MIN_FILES or more, else 1."""
    import os

    if workers is None:
        env = os.environ.get("KAOPING_WORKERS", "").strip()
        if env.isdigit():
            workers = int(env)
    if workers is None:
        if files < PARALLEL_MIN_FILES:
            return 1
        try:
            workers = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            workers = os.cpu_count() or 1
    return max(1, min(workers, files // CHUNK + 1))


def read_folder(folder: Path | str, on_file: Callable[[Path], None] | None = None, *,
                default_year: int | None = None, workers: int | None = None,
                transform: Callable[[ReadResult], Any] | None = None,
                limits: LimitSettings | None = None) -> Iterator[Any]:
    """Read every workbook below `folder` (sorted; lock files and hidden files skipped).

    Large batches are read by a pool of worker processes (`FolderReader`, see
    `read_workers`); results come back in the same sorted order, and are the same, as when
    read in one process. `transform` (a picklable, module-level function) is applied to each
    result where it is read, e.g. to keep only what a batch needs before it crosses to this
    process. `limits` (kaoping.toml [limits]) go to every worker with its work, so they hold
    under any start method. Nothing is read, and no process started, until the first result
    is asked for."""
    with FolderReader(folder, default_year=default_year, workers=workers,
                      transform=transform, limits=limits) as reader:
        for path, result in reader:
            if on_file is not None:
                on_file(Path(path))
            yield result
