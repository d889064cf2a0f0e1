#!/usr/bin/env python3
"""Build the blank staff forms into templates/xlsx/ (附件1 一周小记表, 附件2 月度小结表,
附件3 季度评价表).

Usage: .venv/bin/python scripts/build_templates.py [--force] [OUT_DIR]

The layout lives in `kaoping.forms.routine` — the same code `kaoping forms monthly|quarterly`
uses for the per-person forms — so templates and generated forms cannot drift apart;
tests/test_forms.py compares the committed files with the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kaoping.errors import KaopingError
from kaoping.forms.routine import TEMPLATE_DIR, write_templates


def main(argv: list[str]) -> int:
    force = "--force" in argv
    args = [a for a in argv if a != "--force"]
    out = Path(args[0]) if args else TEMPLATE_DIR
    try:
        for path in write_templates(out, force=force):
            print(path)
    except KaopingError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
