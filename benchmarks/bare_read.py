"""Baselines: read every sheet of every workbook, values only, with no checks at all.

    python benchmarks/bare_read.py calamine|openpyxl FOLDER

Prints one JSON line: {"library", "files", "sheets", "cells", "seconds", "cpu_seconds"}:
the wall time and the CPU time (`time.process_time`) of the reading loop alone (interpreter
start and imports excluded). Single process.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def calamine_read(paths: list[Path]) -> tuple[int, int]:
    import python_calamine as pc

    sheets = cells = 0
    for path in paths:
        with open(path, "rb") as fh:
            wb = pc.CalamineWorkbook.from_filelike(fh)
            for name in wb.sheet_names:
                rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
                sheets += 1
                cells += sum(len(r) for r in rows)
            wb.close()
    return sheets, cells


def openpyxl_read(paths: list[Path]) -> tuple[int, int]:
    from openpyxl import load_workbook

    sheets = cells = 0
    for path in paths:
        wb = load_workbook(path, read_only=True, data_only=True)
        for ws in wb.worksheets:
            sheets += 1
            for row in ws.iter_rows(values_only=True):
                cells += len(row)
        wb.close()
    return sheets, cells


READERS = {"calamine": calamine_read, "openpyxl": openpyxl_read}


def main(argv: list[str]) -> int:
    library, folder = argv[0], Path(argv[1])
    from kaoping.paths import scan_workbooks  # the same file list as `quarter check`

    paths = list(scan_workbooks(folder))
    t0, c0 = time.perf_counter(), time.process_time()
    sheets, cells = READERS[library](paths)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"library": library, "files": len(paths), "sheets": sheets, "cells": cells,
                      "seconds": seconds, "cpu_seconds": cpu}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
