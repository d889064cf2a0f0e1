"""One writer per output: a second run to the same output refuses at once with a Chinese
message; a lock left by a process that is gone (killed, or a pid that came back in a fresh
container) is taken over; a lock of another computer on a shared folder is respected for a
day."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers_output import SRC, TESTS, leftovers, tree
from kaoping.errors import OutputExistsError
from kaoping.output.files import OutputBusyError, OutputSet, output_key
from kaoping.report.problems import write_problems

posix_only = pytest.mark.skipif(os.name != "posix", reason="process handling of the test")


def _lock_of(target: Path) -> Path:
    return target.parent / f".~kaoping-lock-{output_key(target.name)}"


def _write_lock(target: Path, *, pid: int, host: str | None = None, age: float = 0.0) -> Path:
    lock = _lock_of(target)
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_text(json.dumps({"pid": pid, "host": host or socket.gethostname(), "token": "x",
                                "started": "2026-10-15 09:00:00", "output": str(target)}))
    if age:
        past = time.time() - age
        os.utime(lock, (past, past))
    return lock


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.fixture()
def sleeper():
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield proc.pid
    proc.kill()
    proc.wait()


def test_a_live_holder_makes_a_second_run_refuse_at_once(tmp_path, sleeper):
    target = tmp_path / "问题清单.xlsx"
    lock = _write_lock(target, pid=sleeper)
    before = lock.read_bytes()
    with pytest.raises(OutputBusyError) as err:
        write_problems([], target)
    assert "另一个 kaoping" in err.value.message and "请等它结束后再试" in err.value.message
    assert str(sleeper) in err.value.message and str(lock) in err.value.message
    assert not target.exists() and lock.read_bytes() == before  # the holder's lock stays


@pytest.mark.parametrize("holder", ["dead", "own pid", "garbage, old", "other host, 2 days"])
def test_a_stale_lock_is_taken_over(tmp_path, holder):
    target = tmp_path / "问题清单.xlsx"
    if holder == "dead":
        _write_lock(target, pid=_dead_pid())
    elif holder == "own pid":  # a killed run whose pid a fresh container gave us again
        _write_lock(target, pid=os.getpid())
    elif holder == "garbage, old":
        _lock_of(target).write_bytes(b"")
        past = time.time() - 60
        os.utime(_lock_of(target), (past, past))
    else:
        _write_lock(target, pid=1, host="另一台电脑", age=2 * 86400)
    write_problems([], target)
    assert [p.name for p in tmp_path.iterdir()] == ["问题清单.xlsx"]


@pytest.mark.parametrize("holder", ["other host, fresh", "garbage, fresh"])
def test_a_lock_that_may_be_live_is_respected(tmp_path, holder):
    target = tmp_path / "问题清单.xlsx"
    if holder == "other host, fresh":
        _write_lock(target, pid=1, host="另一台电脑")
    else:
        _lock_of(target).write_bytes(b"")  # a run between creating its lock and filling it
    with pytest.raises(OutputBusyError, match="另一个 kaoping"):
        write_problems([], target)
    assert not target.exists()


HOLD = """
import sys, time
from pathlib import Path
sys.path[:0] = [{tests!r}, {src!r}]
from kaoping.output.files import OutputSet
out = Path("out")
with OutputSet(out, [out / "a.xlsx", out / "b.xlsx"]) as s:
    s.write_bytes(out / "a.xlsx", b"first run, a")
    Path("holding").touch()
    while not Path("go").exists():
        time.sleep(0.02)
    s.write_bytes(out / "b.xlsx", b"first run, b")
"""


@posix_only
def test_two_runs_at_once_one_writes_the_other_refuses(tmp_path):
    first = subprocess.Popen([sys.executable, "-c", HOLD.format(tests=str(TESTS), src=str(SRC))],
                             cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(500):
            if (tmp_path / "holding").exists() or first.poll() is not None:
                break
            time.sleep(0.02)
        assert (tmp_path / "holding").exists(), first.stderr.read() if first.stderr else ""
        out = tmp_path / "out"
        for force in (False, True):
            with pytest.raises(OutputBusyError, match="正在写入"):
                with OutputSet(out, [out / "a.xlsx", out / "b.xlsx"], force=force):
                    pytest.fail("the second run must not get the lock")
        (tmp_path / "go").touch()
        assert first.wait(timeout=60) == 0
    finally:
        first.kill()
        first.wait()
    out = tmp_path / "out"
    assert tree(out) == ["a.xlsx", "b.xlsx"]  # one run's set, whole
    assert [(out / n).read_bytes() for n in ("a.xlsx", "b.xlsx")] == [b"first run, a", b"first run, b"]
    assert leftovers(tmp_path) == []


def test_the_lock_is_released_after_a_refusal_and_after_a_failure(tmp_path):
    out = tmp_path / "out"
    with OutputSet(out, [out / "a.xlsx"]) as s:
        s.write_bytes(out / "a.xlsx", b"a")
    with pytest.raises(OutputExistsError):
        with OutputSet(out, [out / "a.xlsx"]):
            pass  # exists, no force: refused
    with pytest.raises(ZeroDivisionError):
        with OutputSet(out, [out / "a.xlsx"], force=True):
            1 / 0
    with OutputSet(out, [out / "a.xlsx"], force=True) as s:
        s.write_bytes(out / "a.xlsx", b"b")
    assert (out / "a.xlsx").read_bytes() == b"b" and leftovers(tmp_path) == []
