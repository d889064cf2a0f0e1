"""The console itself failing (issue 15, item 7): stdout redirected to a full disk, or a pipe
closed early, is exit 2 with at most a Chinese line on stderr, never "Exception ignored" or a
traceback after it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
CMD = [sys.executable, "-c", "from kaoping.cli import main; main()", "calendar", "2026"]
ENV = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "120"}


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_stdout_on_a_full_disk_is_exit_2_in_chinese():
    with open("/dev/full", "w") as full:
        proc = subprocess.run(CMD, stdout=full, stderr=subprocess.PIPE, env=ENV, timeout=120)
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 2, err
    assert "磁盘已满" in err and "屏幕输出" in err
    assert "Traceback" not in err and "Exception ignored" not in err


@pytest.mark.skipif(os.name != "posix", reason="POSIX pipes")
def test_a_pipe_closed_early_is_exit_2_without_a_traceback():
    proc = subprocess.Popen(CMD, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    proc.stdout.close()  # before the first write: like `kaoping calendar 2026 | true`
    err = proc.stderr.read().decode("utf-8")
    assert proc.wait(timeout=120) == 2
    assert "Traceback" not in err and "Exception ignored" not in err
