"""Smoke test: the benchmark script runs end to end on a tiny data set (no timing assertions)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_script_runs_for_n5(tmp_path):
    out = tmp_path / "figures.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "-n", "5", "--help-runs", "2",
         "--data", str(tmp_path / "data"), "--json", str(out)],
        capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    (row,) = figures["rows"]
    assert row["n"] == 5 and row["workbooks"] == 20  # 3 monthly + 1 quarterly per person
    assert row["check_exit"] in (0, 1)
    for key in ("check_s", "calamine_s", "calamine_cpu_s", "openpyxl_s", "check_tree_rss_mb",
                "check_cpu_s", "check_cpu_over_calamine_cpu"):
        assert row[key] > 0, key
    assert figures["forms"]["forms_written"] == 5
    assert figures["help"]["help_runs"] == 2
    assert "| 5 | 20 |" in proc.stdout and "Targets" in proc.stdout
    # generated data is cached: a second generation reuses it
    assert (tmp_path / "data" / "5").is_dir()


def test_benchmark_repeats_and_skips_openpyxl(tmp_path):
    out = tmp_path / "figures.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "-n", "5", "--help-runs", "1",
         "--no-openpyxl", "--no-forms", "--repeat", "2", "--data", str(tmp_path / "data"),
         "--json", str(out)],
        capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (row,) = json.loads(out.read_text(encoding="utf-8"))["rows"]
    assert row["repeat"] == 2 and "openpyxl_s" not in row
    line = next(x for x in proc.stdout.splitlines() if x.startswith("| 5 | 20 |"))
    assert line.count("|") == 15 and line.endswith("| — | — |")  # every column, none lost
    assert "median of 2 runs" in proc.stdout
