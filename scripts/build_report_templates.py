#!/usr/bin/env python3
"""Build the filing-table templates into templates/xlsx/ (附件4, 附件5, 附件6, 季度结果台账).

Usage: .venv/bin/python scripts/build_report_templates.py [--force] [OUT_DIR]

The layout lives in `kaoping.report.annex_templates` (the fillers use the same constants),
so the committed files and the code cannot drift apart; tests compare the two.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kaoping.output.workbook import save_workbook
from kaoping.report.annex_templates import BUILDERS, TEMPLATE_DIR


def main(argv: list[str]) -> int:
    force = "--force" in argv
    args = [a for a in argv if a != "--force"]
    out = Path(args[0]) if args else TEMPLATE_DIR
    for name, build in BUILDERS.items():
        path = save_workbook(build(), out / name, force=force)
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
