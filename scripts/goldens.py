"""Golden outputs: what kaoping's commands write for the examples and the bad corpus, as JSON.

Every command below runs in-process through the CLI (as a clerk would type it, paths relative
to the repository) into a scratch folder; every workbook it writes is recorded cell by cell
(values only, sheet names and visibility), with its exit code. `tests/test_goldens.py`
compares a fresh run with `tests/goldens/*.json` field by field, so a change in anything a
user sees shows up as a named difference.

    python scripts/goldens.py --write        # record (after a deliberate change of output)
    python scripts/goldens.py --check        # compare, print the differences

A golden is rewritten only on purpose, in a commit that says which outputs changed and why.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN_DIR = ROOT / "tests" / "goldens"
ROSTER = "examples/花名册.xlsx"
COLLECTED = "examples/collected"
BAD = "tests/corpus/bad"
BAD_ROSTER = "tests/corpus/roster.xlsx"
FILING_DATE = "2026-10-15"  # filings carry a date: a fixed one, not the day of the run


@dataclass(frozen=True)
class Case:
    """One command line; `{out}` is the case's scratch folder, `{ledgers}` the four 2026 台账."""

    name: str
    args: tuple[str, ...]


def _quarter_cases() -> Iterator[Case]:
    for q in range(1, 5):
        folder = f"{COLLECTED}/2026Q{q}"
        # --allow-errors: Q3 has planted errors and is filed anyway, marked (as examples/README shows).
        yield Case(f"quarter-report-2026Q{q}", (
            "quarter", "report", "--roster", ROSTER, folder, "--out", "{out}/filing",
            "--problems", "{out}/问题清单.xlsx", "--date", FILING_DATE, "--allow-errors"))


def _month_cases() -> Iterator[Case]:
    for m in range(1, 13):
        folder = f"{COLLECTED}/2026Q{(m - 1) // 3 + 1}"
        yield Case(f"month-check-2026-{m:02d}", (
            "month", "check", "--roster", ROSTER, "--period", f"2026-{m:02d}", folder,
            "--problems", "{out}/问题清单.xlsx"))


def cases() -> list[Case]:
    out = [Case("roster-check", ("roster", "check", ROSTER))]
    out += _quarter_cases()
    out += _month_cases()
    out += [Case(f"week-check-2026Q{q}", ("week", "check", f"{COLLECTED}/2026Q{q}",
                                           "--problems", "{out}/问题清单.xlsx"))
            for q in range(1, 5)]
    out += [
        Case("annual-report-2026", ("annual", "report", "--roster", ROSTER, "{ledgers}",
                                    "--out", "{out}/annual", "--problems", "{out}/问题清单.xlsx")),
        Case("bad-quarter-check", ("quarter", "check", "--roster", BAD_ROSTER, "--period", "2026Q3",
                                   BAD, "--problems", "{out}/问题清单.xlsx")),
        Case("bad-month-check", ("month", "check", "--roster", BAD_ROSTER, "--period", "2026-07",
                                 BAD, "--problems", "{out}/问题清单.xlsx")),
        Case("bad-week-check", ("week", "check", BAD, "--problems", "{out}/问题清单.xlsx")),
        Case("forms-blank", ("forms", "blank", "--out", "{out}/blank")),
        Case("forms-monthly-财务处", ("forms", "monthly", "--roster", ROSTER, "--period", "2026-07",
                                     "--unit", "财务处", "--out", "{out}/forms")),
        Case("forms-quarterly-财务处", ("forms", "quarterly", "--roster", ROSTER, "--period", "2026Q3",
                                       "--unit", "财务处", "--out", "{out}/forms")),
        Case("halfyear-forms-财务处", ("halfyear", "forms", "--roster", ROSTER, "--half", "2026H1",
                                      "--unit", "财务处", "--ratio", "0.4", "--out", "{out}/halfyear")),
    ]
    return out


# ---------------------------------------------------------------- recording


def cell_value(v: object) -> object:
    """A cell value as JSON: dates and times as tagged ISO text, numbers and text as they are."""
    if isinstance(v, dt.datetime):
        return {"datetime": v.isoformat()}
    if isinstance(v, dt.date):
        return {"date": v.isoformat()}
    if isinstance(v, dt.time):
        return {"time": v.isoformat()}
    if isinstance(v, dt.timedelta):
        return {"timedelta": v.total_seconds()}
    return v


def workbook_json(path: Path) -> dict:
    """Every sheet of a workbook: its visibility and every non-empty cell's value."""
    from openpyxl import load_workbook

    wb = load_workbook(path, data_only=False)
    sheets = {}
    for ws in wb.worksheets:
        cells = {c.coordinate: cell_value(c.value) for row in ws.iter_rows() for c in row
                 if c.value is not None}
        sheets[ws.title] = {"state": ws.sheet_state, "cells": cells}
    # `sheets` is written with sorted keys: the order of the tabs is kept apart.
    return {"sheet_order": [ws.title for ws in wb.worksheets], "sheets": sheets}


def run_case(case: Case, scratch: Path, ledgers: list[str]) -> dict:
    """Run one case's command line in-process; its exit code and every workbook it wrote."""
    import os

    from typer.testing import CliRunner

    from kaoping.cli import app

    out = scratch / case.name
    out.mkdir(parents=True)
    args: list[str] = []
    for a in case.args:
        if a == "{ledgers}":
            args += ledgers
        else:
            args.append(a.replace("{out}", str(out)))
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(app, args, env={"COLUMNS": "200", "NO_COLOR": "1"})
    finally:
        os.chdir(cwd)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise RuntimeError(f"{case.name}: {result.exception!r}\n{result.output[-2000:]}")
    files = {p.relative_to(out).as_posix(): workbook_json(p)
             for p in sorted(out.rglob("*.xlsx"))}
    return {"args": list(case.args), "exit_code": result.exit_code, "files": files}


def collect(selected: Callable[[Case], bool] = lambda c: True) -> dict[str, dict]:
    """Every case's record, the quarter reports first (the annual case reads their 台账)."""
    scratch = Path(tempfile.mkdtemp(prefix="kaoping-goldens-"))
    try:
        records: dict[str, dict] = {}
        all_cases = cases()
        ledgers = [str(scratch / f"quarter-report-2026Q{q}" / "filing" / f"季度结果台账-2026Q{q}.xlsx")
                   for q in range(1, 5)]
        needs_ledgers = any(selected(c) and "{ledgers}" in c.args for c in all_cases)
        for case in all_cases:
            if selected(case) or (needs_ledgers and case.name.startswith("quarter-report-")):
                record = run_case(case, scratch, ledgers)
                if selected(case):
                    records[case.name] = record
        return records
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def golden_path(name: str) -> Path:
    return GOLDEN_DIR / f"{name}.json"


def load_golden(name: str) -> dict:
    return json.loads(golden_path(name).read_text(encoding="utf-8"))


def write(records: dict[str, dict]) -> None:
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    for name, record in records.items():
        golden_path(name).write_text(
            json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
            encoding="utf-8")


# ---------------------------------------------------------------- comparing


def differences(expected: dict, actual: dict, *, limit: int = 40) -> list[str]:
    """Field-by-field differences of two records: exit code, files, sheets, cells."""
    out: list[str] = []
    if expected["exit_code"] != actual["exit_code"]:
        out.append(f"exit code {expected['exit_code']} → {actual['exit_code']}")
    ef, af = expected["files"], actual["files"]
    out += [f"file missing: {f}" for f in sorted(set(ef) - set(af))]
    out += [f"file added: {f}" for f in sorted(set(af) - set(ef))]
    for f in sorted(set(ef) & set(af)):
        es, as_ = ef[f]["sheets"], af[f]["sheets"]
        if ef[f]["sheet_order"] != af[f]["sheet_order"]:
            out.append(f"{f}: sheets {ef[f]['sheet_order']} → {af[f]['sheet_order']}")
        for s in [s for s in es if s in as_]:
            if es[s]["state"] != as_[s]["state"]:
                out.append(f"{f} [{s}]: state {es[s]['state']} → {as_[s]['state']}")
            ec, ac = es[s]["cells"], as_[s]["cells"]
            for ref in sorted(set(ec) | set(ac), key=_cell_order):
                if ec.get(ref) != ac.get(ref):
                    out.append(f"{f} [{s}] {ref}: {ec.get(ref)!r} → {ac.get(ref)!r}")
    if len(out) > limit:
        out = out[:limit] + [f"… and {len(out) - limit} more"]
    return out


def _cell_order(ref: str) -> tuple[int, str]:
    letters = ref.rstrip("0123456789")
    return (int(ref[len(letters):] or 0), letters.rjust(3))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="record tests/goldens/*.json")
    mode.add_argument("--check", action="store_true", help="compare with tests/goldens/*.json")
    parser.add_argument("names", nargs="*", help="only these cases (default: all)")
    args = parser.parse_args(argv)
    chosen = set(args.names)
    records = collect(lambda c: not chosen or c.name in chosen)
    if args.write:
        write(records)
        print(f"wrote {len(records)} goldens to {GOLDEN_DIR.relative_to(ROOT)}")
        return 0
    failed = 0
    for name, record in records.items():
        diff = differences(load_golden(name), record)
        if diff:
            failed += 1
            print(f"== {name}: {len(diff)} differences")
            print("\n".join("  " + d for d in diff))
    print(f"{len(records) - failed} of {len(records)} goldens unchanged")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
