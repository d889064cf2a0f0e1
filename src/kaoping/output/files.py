"""Every output kaoping writes goes through here: one file (`write_file`) or a set of files
under one folder (`OutputSet`). What it guarantees, whatever happens during the run:

- an output that is (or is a hard link of) a file the run reads is refused, --force or not;
- an existing output is replaced only with --force (a set is checked whole before writing);
- one writer per output: a lock file beside it, taken over when the process that made it is
  gone;
- a single file is written to a temporary file beside it and renamed into place;
- a set is written whole into a staging folder first. A new output folder is then renamed
  into place in one step. An existing output folder is never renamed or replaced itself (it
  may be shared, have permissions of its own, be open in Explorer or be the current folder):
  the staging folder is made inside it and the files are moved in one by one under a
  journal; any failure or interrupt undoes the moves, and so does the next start after a
  kill. Either way the folder ends with the old set or the new set, never a part of it;
- leftovers of a killed run (temp files, staging) are cleared or rolled back at the next
  start, under the lock;
- files and folders are created with the user's umask (0644/0755 under umask 022);
- an OS error becomes a Chinese message naming the file and what to do.

Hidden names (leading dot, and FILE_ATTRIBUTE_HIDDEN on Windows), `<key>` from the output's
name, so a run only ever touches the leftovers of its own output:
    .~kaoping-lock-<key>                  the lock (pid, host, token)
    .~kaoping-tmp-<key>-<pid>-<rand><ext> a single file being written
    .~kaoping-staging-<key>-<pid>         a set being written (beside a new folder, inside
                                          an existing one)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..errors import KaopingError, OutputExistsError
from ..paths import shown
from .errors import SET_UNTOUCHED, os_error

PREFIX = ".~kaoping-"
# A temp file of an older kaoping (tempfile.mkstemp: no owner in the name); cleared when it
# is older than the run.
_LEGACY_TEMP = re.compile(r"\.~kaoping-[a-z0-9_]{8}\.[A-Za-z0-9]+")
_FRESH_LOCK_SECONDS = 10.0          # a lock file just made, its content not yet written
_OTHER_HOST_LOCK_SECONDS = 86400.0  # a lock of another computer (shared folder): one day
_HIDDEN = 0x2                       # FILE_ATTRIBUTE_HIDDEN
_O_NEW = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0)


class OutputIsInputError(KaopingError):
    """An output path is a file the run reads."""


class OutputBusyError(KaopingError):
    """Another kaoping is writing the same output."""


def output_key(name: str) -> str:
    """The short key of an output name in leftover names (fits any name in 255 bytes)."""
    return hashlib.sha1(name.casefold().encode("utf-8", "surrogateescape")).hexdigest()[:10]


# ---------------------------------------------------------------- hidden names on Windows


def set_hidden(path: Path, hidden: bool) -> None:
    """Hide (or show) a file or folder in Explorer; elsewhere the leading dot hides it."""
    if os.name != "nt":
        return
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    attrs = kernel32.GetFileAttributesW(str(path))
    if attrs == 0xFFFFFFFF:
        return
    wanted = attrs | _HIDDEN if hidden else attrs & ~_HIDDEN
    if wanted != attrs:
        kernel32.SetFileAttributesW(str(path), wanted)


def _move(src: Path, dst: Path) -> None:
    """Rename `src` to `dst` (replacing a file there); the result is hidden iff its name is
    one of ours. A visible result is shown before the rename: a reader must never get a
    hidden output."""
    hide = dst.name.startswith(PREFIX)
    if not hide:
        set_hidden(src, False)
    if src.is_dir():
        os.rename(src, dst)
    else:
        os.replace(src, dst)
    if hide:
        set_hidden(dst, True)


def put_bytes(path: Path, write: Callable[[Path], Any]) -> None:
    """`write(path)`: the one place an output's bytes are written (a single file's temporary
    file, a set's staged file), as `_move` is the one place they are moved. The fault tests
    inject interrupts and OS errors at these two, as SQLite's tests do at its VFS."""
    write(path)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            path.unlink()
        except OSError:
            pass


# ---------------------------------------------------------------- the run's inputs


class RunInputs:
    """The files a run reads: (st_dev, st_ino) of each input file and of every file below
    each input folder, built at the first question (one memo per output, not per process).

    `own`: files below an input folder that are kaoping's own earlier outputs, read and
    skipped as such (a 问题清单 of the last run inside the checked folder): not inputs, so a
    re-run may replace them with --force."""

    def __init__(self, inputs: Iterable[Path | str | None] = (), *,
                 own: Iterable[Path | str] = ()) -> None:
        self._given = [Path(p) for p in inputs if p is not None]
        self._own = [Path(p) for p in own]
        self._ids: dict[tuple[Any, ...], Path] | None = None

    @classmethod
    def of(cls, inputs: RunInputs | Iterable[Path | str | None]) -> RunInputs:
        """`inputs` as given (one memo shared by a command's writers), or built from paths."""
        return inputs if isinstance(inputs, RunInputs) else cls(inputs)

    def plus(self, *paths: Path | str | None) -> RunInputs:
        """These inputs and `paths` (a template folder the run also reads), same `own`."""
        return RunInputs([*self._given, *paths], own=self._own)

    def __iter__(self) -> Iterator[Path]:
        return iter(self._given)

    def owner(self, target: Path) -> Path | None:
        """The input file `target` is (same file, a symlink to it, or a hard link of it)."""
        if not self._given:
            return None
        key = _file_id(target)
        return None if key is None else self._index().get(key)

    def _index(self) -> dict[tuple[Any, ...], Path]:
        if self._ids is None:
            own = {_file_id(p) for p in self._own} - {None}
            self._ids = {}
            for path in self._given:
                for file in _files_of(path):
                    key = _file_id(file)
                    if key is not None and key not in own:
                        self._ids.setdefault(key, file)
        return self._ids


def _files_of(path: Path) -> Iterator[Path]:
    if path.is_dir():
        for folder, _dirs, files in os.walk(path):
            for name in files:
                yield Path(folder) / name
    elif path.exists():
        yield path


def _file_id(path: Path) -> tuple[Any, ...] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    if st.st_ino:
        return (st.st_dev, st.st_ino)
    # No inode numbers (FAT on some systems): the same file has the same resolved path.
    return ("path", os.path.normcase(os.path.realpath(path)))


def refuse_input(target: Path, inputs: RunInputs) -> None:
    """Refuse to write over a file the run reads, with both paths named."""
    source = inputs.owner(target)
    if source is None:
        return
    same = os.path.normcase(os.path.realpath(source)) == os.path.normcase(os.path.realpath(target))
    if not same:
        what = f"与本次读取的输入文件 {source} 是同一个文件（硬链接）"
    elif str(source) != str(target):
        what = f"就是本次读取的输入文件 {source}"
    else:
        what = "就是本次读取的输入文件"
    # No file=: the message names the output already.
    raise OutputIsInputError(f"输出文件 {target} {what}，不能覆盖输入文件；请换一个输出文件名或输出文件夹")


# ---------------------------------------------------------------- the lock


def _pid_alive(pid: int) -> bool:
    if os.name == "nt":
        return _pid_alive_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, another user's
    except OSError:
        return False
    return True


def _pid_alive_windows(pid: int) -> bool:  # pragma: no cover - Windows only
    # os.kill(pid, 0) would terminate the process on Windows.
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return kernel32.GetLastError() == 5  # access denied: it exists
    try:
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def _read_lock(path: Path) -> dict[str, Any] | None:
    try:
        with open(path, "rb") as f:
            data = json.loads(f.read(4096).decode("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


def _holder_alive(holder: dict[str, Any] | None, lock: Path) -> bool:
    """Whether the run that made `lock` may still be writing."""
    if holder is None:  # being written right now, or garbage left by a crash
        return _age(lock) < _FRESH_LOCK_SECONDS
    if holder.get("host") != socket.gethostname():
        return _age(lock) < _OTHER_HOST_LOCK_SECONDS
    pid = holder.get("pid")
    if not isinstance(pid, int) or pid <= 0 or pid == os.getpid():
        return False  # our pid in a lock we do not hold: a killed run whose pid came back
    return _pid_alive(pid)


class OutputLock:
    """`.~kaoping-lock-<key>` in `folder`, made with O_CREAT|O_EXCL, holding pid, host and a
    token; a lock whose process is gone is taken over."""

    def __init__(self, folder: Path, key: str, target: Path) -> None:
        self.path = folder / f"{PREFIX}lock-{key}"
        self.target = target
        self.token = secrets.token_hex(8)

    def acquire(self) -> OutputLock:
        for _ in range(5):
            try:
                fd = os.open(self.path, _O_NEW, 0o666)
            except FileExistsError:
                holder = _read_lock(self.path)
                if _holder_alive(holder, self.path):
                    raise self._busy(holder) from None
                self._take_over(holder)
                continue
            except OSError as exc:
                raise os_error(exc, self.target) from None
            self._fill(fd)
            return self
        raise self._busy(_read_lock(self.path))

    def _fill(self, fd: int) -> None:
        content = {"pid": os.getpid(), "host": socket.gethostname(), "token": self.token,
                   "started": time.strftime("%Y-%m-%d %H:%M:%S"), "output": shown(str(self.target))}
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(json.dumps(content, ensure_ascii=False).encode("utf-8"))
        except OSError as exc:
            _remove(self.path)
            raise os_error(exc, self.target) from None
        set_hidden(self.path, True)

    def _take_over(self, holder: dict[str, Any] | None) -> None:
        """Move the stale lock aside (only one run can) and drop it if it is still the one we
        judged stale; a fresh lock moved by mistake is put back."""
        aside = self.path.with_name(f"{self.path.name}.{os.getpid()}.stale")
        try:
            os.replace(self.path, aside)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise os_error(exc, self.target) from None
        if _read_lock(aside) != holder:
            try:
                os.link(aside, self.path)
            except OSError:
                pass
        _remove(aside)

    def _busy(self, holder: dict[str, Any] | None) -> OutputBusyError:
        who = ""
        if holder:
            who = f"（进程 {holder.get('pid')}，计算机 {holder.get('host')}，{holder.get('started')} 开始）"
        return OutputBusyError(
            f"另一个 kaoping{who}正在写入 {self.target}，请等它结束后再试；"
            f"如确认没有其他 kaoping 在运行，可删除锁文件 {self.path} 后重试", file=str(self.target))

    def release(self) -> None:
        holder = _read_lock(self.path)
        if holder is not None and holder.get("token") == self.token:
            _remove(self.path)  # if that fails, the next run takes the lock over


# ---------------------------------------------------------------- folders we make


def make_parents(folder: Path, target: Path) -> list[Path]:
    """Create `folder` and its missing parents; returns the ones created (so a failed run
    can remove them again)."""
    missing: list[Path] = []
    probe = folder
    while not (probe.exists() or probe.is_symlink()) and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    try:
        for path in reversed(missing):
            path.mkdir(exist_ok=True)
    except OSError as exc:
        remove_empty(missing)
        raise os_error(exc, target) from None
    return missing


def remove_empty(folders: Iterable[Path]) -> None:
    """Remove the folders that are empty, innermost first."""
    for path in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        try:
            path.rmdir()
        except OSError:
            pass


# ---------------------------------------------------------------- leftovers of killed runs


def _leftovers(folder: Path, key: str) -> Iterator[tuple[str, Path]]:
    """(kind, path) of this output's leftovers in `folder`: tmp, staging, stale lock."""
    try:
        with os.scandir(folder) as it:
            names = sorted(entry.name for entry in it)
    except OSError:
        return
    for name in names:
        # The live lock is exactly `lock-<key>`; `lock-<key>.<pid>.stale` is a takeover's.
        match = re.fullmatch(rf"\.~kaoping-(tmp|staging|lock)-{key}[.-].+", name)
        if match:
            yield match.group(1), folder / name


def clear_leftovers(folder: Path, key: str, *, started: float) -> None:
    """Under the lock of this output, every leftover of it is stale: remove temp files and
    staging, rolling back a move-in interrupted by a kill. Temp files of older kaoping
    versions go too when they are older than the run."""
    for kind, path in _leftovers(folder, key):
        if kind == "staging":
            roll_back_staging(path)
        else:
            _remove(path)
    _clear_legacy_temps(folder, started)


def _clear_legacy_temps(folder: Path, started: float) -> None:
    try:
        with os.scandir(folder) as it:
            old = [e.path for e in it if _LEGACY_TEMP.fullmatch(e.name)
                   and e.is_file(follow_symlinks=False) and e.stat().st_mtime < started]
    except OSError:
        return
    for path in old:
        _remove(Path(path))


# ---------------------------------------------------------------- the journal of a move-in

JOURNAL = "journal.json"
COMMITTED = "committed"


def write_journal(staging: Path, root: Path, rels: Sequence[str]) -> dict[str, Any]:
    """Before the first move: which files come in (with size and mtime, so a rollback
    removes only what it put there) and which folders the moves will create."""
    files = []
    for rel in rels:
        st = (staging / "new" / rel).stat()
        files.append([rel, st.st_size, st.st_mtime_ns])
    dirs = sorted({p.as_posix() for rel in rels for p in Path(rel).parents
                   if p != Path(".") and not (root / p).exists()})
    journal = {"files": files, "dirs": dirs}
    # ASCII: a file name that is not valid UTF-8 (lone surrogates) round-trips as \udcxx.
    (staging / JOURNAL).write_text(json.dumps(journal), encoding="utf-8")
    return journal


def roll_back_staging(staging: Path) -> None:
    """Remove a staging folder; if it holds the journal of an unfinished move-in, first put
    the folder it was moving into (its parent) back as it was."""
    journal = _read_journal(staging)
    if journal is not None and not (staging / COMMITTED).exists():
        roll_back(staging, staging.parent, journal)
    _remove(staging)


def _read_journal(staging: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((staging / JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and {"files", "dirs"} <= data.keys() else None


def roll_back(staging: Path, root: Path, journal: dict[str, Any]) -> None:
    """Undo the moves of `journal`, last first: a file moved in is taken out again (only if
    it is still the one moved in), the file it replaced is put back."""
    for rel, size, mtime_ns in reversed(journal["files"]):
        dst, new, old = root / rel, staging / "new" / rel, staging / "old" / rel
        if not new.exists() and _is_moved_in(dst, size, mtime_ns):
            dst.unlink()
        if old.exists() or old.is_symlink():
            _move(old, dst)
    remove_empty(root / d for d in journal["dirs"])


def _is_moved_in(dst: Path, size: int, mtime_ns: int) -> bool:
    try:
        st = dst.stat(follow_symlinks=False)
    except OSError:
        return False
    return st.st_size == size and st.st_mtime_ns == mtime_ns


def _move_in(staging: Path, root: Path, rel: str) -> None:
    """One step of a move-in: the file it replaces goes to staging/old, the new one in."""
    dst, new, old = root / rel, staging / "new" / rel, staging / "old" / rel
    dst.parent.mkdir(parents=True, exist_ok=True)
    if dst.exists() or dst.is_symlink():
        old.parent.mkdir(parents=True, exist_ok=True)
        os.replace(dst, old)
    _move(new, dst)


# ---------------------------------------------------------------- one file


def write_file(path: Path, write: Callable[[Path], Any], *, force: bool = False,
               inputs: RunInputs | Iterable[Path | str | None] = ()) -> Path:
    """Write one output: `write(tmp)` on a temporary file beside `path`, then rename it into
    place (see the module docstring for the refusals, lock, mode and messages)."""
    path = Path(path)
    folder, key = path.parent, output_key(path.name)
    started = time.time()
    made = make_parents(folder, path)
    try:
        lock = OutputLock(folder, key, path).acquire()
    except BaseException:
        remove_empty(made)
        raise
    tmp: Path | None = None
    try:
        clear_leftovers(folder, key, started=started)
        check_target(path, force=force, inputs=RunInputs.of(inputs))
        tmp = _new_temp(folder, key, path)
        put_bytes(tmp, write)
        _move(tmp, path)
        tmp = None
        made = []
        return path
    except OSError as exc:
        raise os_error(exc, path) from None
    finally:
        if tmp is not None:
            _remove(tmp)
        lock.release()
        remove_empty(made)


def _new_temp(folder: Path, key: str, path: Path) -> Path:
    """An empty temporary file beside `path`, made like any file (mode from the umask, not
    mkstemp's 0600): the rename keeps the mode."""
    for _ in range(100):
        tmp = folder / f"{PREFIX}tmp-{key}-{os.getpid()}-{secrets.token_hex(4)}{path.suffix or '.tmp'}"
        try:
            fd = os.open(tmp, _O_NEW, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        set_hidden(tmp, True)
        return tmp
    raise FileExistsError(17, "temporary names exhausted", str(folder))


def check_target(path: Path, *, force: bool, inputs: RunInputs) -> None:
    """Refuse a folder in the way, an input, or an existing file without --force."""
    if path.is_dir():
        raise KaopingError("这个位置是一个文件夹，不是文件；请指定一个文件名（例如 问题清单.xlsx）",
                           file=str(path))
    if path.exists() or path.is_symlink():
        refuse_input(path, inputs)
        if not force:
            raise OutputExistsError("输出文件已存在；如确需覆盖，请加 --force", file=str(path))


# ---------------------------------------------------------------- a set of files


class OutputSet:
    """All-or-nothing output of `targets` (every file below `root`, all known before anything
    is written). Use as a context manager: write each target with `save`/`write_bytes`/
    `write` (or into `path(target)`); leaving the block without an exception puts the whole
    set in place, an exception (KeyboardInterrupt too) leaves `root` as it was.

        with OutputSet(out_dir, plan, force=force, inputs=inputs) as out:
            for path, wb in plan.items():
                out.save(wb, path)
    """

    def __init__(self, root: Path, targets: Iterable[Path], *, force: bool = False,
                 inputs: RunInputs | Iterable[Path | str | None] = ()) -> None:
        self.root = Path(root)
        self.targets = [Path(t) for t in targets]
        self.rels = [_relative(t, self.root) for t in self.targets]
        if len(set(self.rels)) != len(self.rels):
            raise ValueError("an output set names a file twice")
        self.force = force
        self.inputs = RunInputs.of(inputs)
        self.key = output_key(self.root.name)
        self.mode = ""          # "new" or "merge" (see _make_staging)
        self.staging: Path | None = None
        self._made: list[Path] = []
        self._lock: OutputLock | None = None
        self._keep_staging = False  # a rollback was cut short: the next start finishes it

    # -- opening

    def __enter__(self) -> OutputSet:
        if self.root.exists() and not self.root.is_dir():
            raise KaopingError("输出位置是一个文件，不是文件夹；请用 --out 指定一个文件夹",
                               file=str(self.root))
        self._made = make_parents(self.root.parent, self.root)
        self._undone_on_failure(self._open)
        return self

    def _open(self) -> None:
        started = time.time()
        self._lock = OutputLock(self.root.parent, self.key, self.root).acquire()
        clear_leftovers(self.root.parent, self.key, started=started)
        if self.root.is_dir():
            clear_leftovers(self.root, self.key, started=started)
        self._check()
        self.staging = self._make_staging()

    def _undone_on_failure(self, step: Callable[[], None]) -> None:
        """Run `step`; on any failure (an interrupt too) remove the staging, release the lock,
        remove the folders made for the set, and say an OS error in Chinese."""
        try:
            step()
        except OSError as exc:
            self._close(failed=True)
            raise os_error(exc, self.root, note=SET_UNTOUCHED) from None
        except BaseException:
            self._close(failed=True)
            raise

    def _check(self) -> None:
        existing: list[Path] = []
        for target in self.targets:
            if target.is_dir():
                raise KaopingError("这个位置已有一个同名的文件夹，无法写入文件；请移走该文件夹或换一个输出文件夹",
                                   file=str(target))
            if target.exists() or target.is_symlink():
                refuse_input(target, self.inputs)
                existing.append(target)
        if existing and not self.force:
            shown = "、".join(_relative(p, self.root) for p in existing[:3])
            more = f" 等 {len(existing)} 个文件" if len(existing) > 3 else ""
            raise OutputExistsError(f"以下输出文件已存在：{shown}{more}；未写入任何文件。"
                                    "如确需覆盖，请加 --force", file=str(self.root))

    def _make_staging(self) -> Path:
        """new: `root` does not exist; the staging folder beside it becomes it. merge: `root`
        exists; the staging folder inside it (same file system, even for a mount point) holds
        the new files under new/ and, during the moves, the ones they replace under old/."""
        self.mode = "merge" if self.root.exists() else "new"
        name = f"{PREFIX}staging-{self.key}-{os.getpid()}"
        staging = (self.root if self.mode == "merge" else self.root.parent) / name
        staging.mkdir()
        set_hidden(staging, True)
        return staging

    # -- writing

    def path(self, target: Path) -> Path:
        """Where `target` is written in the staging folder (its folder exists)."""
        staged = self._staged(_relative(Path(target), self.root))
        staged.parent.mkdir(parents=True, exist_ok=True)
        return staged

    def _staged(self, rel: str) -> Path:
        return (self.staging / "new" / rel) if self.mode == "merge" else (self.staging / rel)

    def write(self, target: Path, write: Callable[[Path], Any]) -> Path:
        """`write(staged_path)` for `target`; an OS error names `target`."""
        try:
            put_bytes(self.path(target), write)
        except OSError as exc:
            raise os_error(exc, Path(target), note=SET_UNTOUCHED) from None
        return Path(target)

    def save(self, wb: Any, target: Path) -> Path:
        return self.write(target, wb.save)

    def write_bytes(self, target: Path, data: bytes) -> Path:
        return self.write(target, lambda p: p.write_bytes(data))

    # -- closing

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None:
            self._close(failed=True)
            if isinstance(exc, OSError):  # written straight into path(): still no traceback
                raise os_error(exc, self.root, note=SET_UNTOUCHED) from None
            return
        self._undone_on_failure(self._commit)
        self._close(failed=False)

    def _commit(self) -> None:
        missing = [t for t, rel in zip(self.targets, self.rels, strict=True)
                   if not self._staged(rel).exists()]
        if missing:
            raise RuntimeError(f"output set: {len(missing)} target(s) not written, first {missing[0]}")
        if self.mode == "new":
            _move(self.staging, self.root)
        else:
            self._merge()

    def _merge(self) -> None:
        journal = write_journal(self.staging, self.root, self.rels)
        try:
            for rel in self.rels:
                _move_in(self.staging, self.root, rel)
            (self.staging / COMMITTED).touch()
        except BaseException:
            try:
                roll_back(self.staging, self.root, journal)
            except BaseException:
                self._keep_staging = True  # (a second Ctrl+C): keep the journal for the next run
                raise
            raise

    def _close(self, *, failed: bool) -> None:
        if self.staging is not None and not self._keep_staging:
            _remove(self.staging)  # after a merge: the files replaced (--force)
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        if failed:
            remove_empty(self._made)


def _relative(target: Path, root: Path) -> str:
    try:
        rel = target.relative_to(root)
    except ValueError:
        raise ValueError(f"{target} is not below the output folder {root}") from None
    if not rel.parts or ".." in rel.parts:
        raise ValueError(f"{target} is not a file below the output folder {root}")
    return rel.as_posix()
