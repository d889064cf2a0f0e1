"""Shared by the file-safety tests: the bad-corpus builder script as a module, and finding a
member's central-directory entry in a zip's bytes."""

from __future__ import annotations

import importlib.util
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bad_corpus_builder():
    """scripts/build_bad_corpus.py, imported once per test session."""
    if "build_bad_corpus" in sys.modules:
        return sys.modules["build_bad_corpus"]
    spec = importlib.util.spec_from_file_location("build_bad_corpus", ROOT / "scripts" / "build_bad_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["build_bad_corpus"] = mod
    spec.loader.exec_module(mod)
    return mod


def cd_entry(data: bytes, member: str) -> int:
    """Offset of `member`'s central-directory entry (PK\\x01\\x02) in the zip `data`."""
    at = 0
    while True:
        at = data.find(b"PK\x01\x02", at)
        assert at >= 0, member
        n = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + n] == member.encode():
            return at
        at += 4
