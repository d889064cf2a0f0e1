"""Fault injection for the output tests, in the spirit of SQLite's I/O tests: make the k-th
write (or the k-th move of a commit) fail with an OS error or an interrupt, or kill the
process there, then check what is left on disk."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from kaoping.output import files as output

TESTS = Path(__file__).resolve().parent
SRC = TESTS.parent / "src"

# The faults a write can meet, each as the exception the system raises.
OS_FAULTS = {
    "ENOSPC": lambda: OSError(errno.ENOSPC, "No space left on device"),
    "EACCES": lambda: PermissionError(errno.EACCES, "Permission denied"),
    "EROFS": lambda: OSError(errno.EROFS, "Read-only file system"),
    "EEXIST": lambda: FileExistsError(errno.EEXIST, "File exists"),
}
ENGLISH = ("No space left", "Permission denied", "Read-only file system", "File exists",
           "Is a directory", "Traceback")


def snapshot(*roots: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below `roots` (hidden ones included): its bytes and mtime."""
    out: dict[str, tuple[bytes, int]] = {}
    for root in roots:
        if root.is_file():
            out[str(root)] = (root.read_bytes(), root.stat().st_mtime_ns)
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file():
                out[str(path)] = (path.read_bytes(), path.stat().st_mtime_ns)
    return out


def tree(root: Path) -> list[str]:
    """Every file and folder below `root`, relative, hidden ones included."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) if root.exists() else []


def leftovers(root: Path) -> list[Path]:
    """kaoping's hidden work files (temp, staging, lock) anywhere below `root`."""
    return sorted(p for p in root.rglob("*") if p.name.startswith(output.PREFIX))


@contextmanager
def failing_write(monkeypatch: pytest.MonkeyPatch, k: int, fault: Callable[[], BaseException]) -> Iterator[None]:
    """The k-th output file written (a file of a set, or a single file's temporary file, in
    the order the run writes them) gets half its bytes, then `fault`: injected at
    `output.put_bytes`, the one write primitive."""
    real = output.put_bytes
    count = [0]

    def put_bytes(path: Path, fn: Callable[[Path], Any]) -> None:
        count[0] += 1
        if count[0] != k:
            return real(path, fn)

        def half(p: Path) -> None:
            p.write_bytes(b"PK\x03\x04 half a workbook")
            raise fault()

        return real(path, half)

    monkeypatch.setattr(output, "put_bytes", put_bytes)
    yield
    monkeypatch.setattr(output, "put_bytes", real)


def count_writes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The paths `output.put_bytes` writes from now on (to know n, the files of a run)."""
    written: list[Path] = []
    real = output.put_bytes

    def put_bytes(path: Path, fn: Callable[[Path], Any]) -> None:
        written.append(Path(path))
        real(path, fn)

    monkeypatch.setattr(output, "put_bytes", put_bytes)
    return written


def is_move_in(src: Path, dst: Path) -> bool:
    """A commit step: a staged file (staging/new/...) moved to its visible place."""
    parts = Path(src).parts
    staged = [i for i, p in enumerate(parts) if p.startswith(output.PREFIX + "staging")]
    return bool(staged) and parts[staged[-1] + 1:staged[-1] + 2] == ("new",) \
        and not Path(dst).name.startswith(output.PREFIX)


@contextmanager
def failing_move(monkeypatch: pytest.MonkeyPatch, k: int, fault: Callable[[], BaseException]) -> Iterator[None]:
    """The k-th file moved into an existing output folder fails with `fault` (after the file
    it replaces was moved aside)."""
    real = output._move
    count = [0]

    def move(src: Path, dst: Path) -> None:
        if is_move_in(src, dst):
            count[0] += 1
            if count[0] == k:
                raise fault()
        real(src, dst)

    monkeypatch.setattr(output, "_move", move)
    yield
    monkeypatch.setattr(output, "_move", real)


def run_killed(code: str, *, kill_at: str, k: int, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh Python that SIGKILLs itself at the k-th `kill_at` ("write": an
    output file written, "move": a file moved in, "save": a single-file save), as a
    power cut or `kill -9` would: no cleanup at all."""
    prelude = textwrap.dedent(f"""
        import os, signal, sys
        sys.path[:0] = [{str(TESTS)!r}, {str(SRC)!r}]
        from kaoping.output import files as output
        from openpyxl import Workbook
        count = [0]
        def tick():
            count[0] += 1
            if count[0] == {k}:
                os.kill(os.getpid(), signal.SIGKILL)
        kind = {kill_at!r}
        if kind == "write":
            real_put = output.put_bytes
            def put_bytes(path, fn):
                tick()
                return real_put(path, fn)
            output.put_bytes = put_bytes
        elif kind == "move":
            real_move = output._move
            from helpers_output import is_move_in
            def move(src, dst):
                if is_move_in(src, dst):
                    tick()
                real_move(src, dst)
            output._move = move
        else:
            real_save = Workbook.save
            def save(self, filename):
                open(filename, "wb").write(b"PK half")
                tick()
                return real_save(self, filename)
            Workbook.save = save
    """)
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], cwd=cwd,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "KAOPING_WORKERS": "1"})


def fake_soffice(tmp_path: Path, *, works: bool) -> Path:
    """A stand-in soffice that copies each input to <stem>.pdf in --outdir, or makes nothing."""
    script = tmp_path / "fake-soffice"
    body = ('for f in "$@"; do b=$(basename "$f"); cp "$f" "$outdir/${b%.*}.pdf"; done\n'
            if works else 'echo "Error: source file could not be loaded" >&2\n')
    script.write_text("#!/bin/sh\noutdir=''\nwhile [ $# -gt 0 ]; do case \"$1\" in\n"
                      "  --outdir) outdir=\"$2\"; shift 2;;\n  --convert-to) shift 2;;\n  -*) shift;;\n"
                      "  *) break;;\n"
                      "esac; done\n" + body, encoding="utf-8")
    script.chmod(0o755)
    return script
