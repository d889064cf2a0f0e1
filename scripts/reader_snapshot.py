"""What the reader makes of every example and bad-corpus workbook, as JSON: a developer's guard
while the read path changes (`tests/goldens` pin what commands write; this pins what is read,
including the texts no output shows).

    python scripts/reader_snapshot.py write SNAPSHOT.json.gz
    python scripts/reader_snapshot.py check SNAPSHOT.json.gz   # prints the files that differ
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("examples/collected", "tests/corpus/bad")


def snapshot() -> dict[str, object]:
    from kaoping.excel.read import read_workbook
    from kaoping.paths import scan_workbooks

    out: dict[str, object] = {}
    for folder in FOLDERS:
        for path in sorted(scan_workbooks(ROOT / folder)):
            rel = path.relative_to(ROOT).as_posix()
            result = read_workbook(path)
            out[rel] = {
                "kind": str(result.kind) if result.kind else None,
                "forms": [f.model_dump(mode="json") for f in result.forms],
                # clause and title come from the rule catalogue, not from the reading
                "findings": [f.model_dump(mode="json", exclude={"clause", "title"})
                             for f in result.findings],
            }
    return json.loads(json.dumps(out, ensure_ascii=False).replace(str(ROOT) + "/", ""))


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("write", "check"):
        print(__doc__)
        return 2
    target = Path(argv[1])
    now = snapshot()
    if argv[0] == "write":
        target.write_bytes(gzip.compress(json.dumps(now, ensure_ascii=False, sort_keys=True).encode()))
        print(f"{len(now)} workbooks written to {target}")
        return 0
    before = json.loads(gzip.decompress(target.read_bytes()))
    differ = sorted(k for k in set(before) | set(now) if before.get(k) != now.get(k))
    for k in differ[:50]:
        print("differs:", k)
    print(f"{len(now) - len(differ)} of {len(set(before) | set(now))} workbooks read the same")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main(sys.argv[1:]))
