"""The hostile corpus (scripts/build_hostile_corpus.py, issue 15): each case ends with its
documented exit code and no traceback, leaves every input byte-identical with its mtime,
writes no output when it is refused, and leaves no `.~kaoping-` work file."""

from __future__ import annotations

import importlib.util
import os
import stat
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers_output import ENGLISH
from kaoping.cli import app

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="pipes, byte names and PATH_MAX of Linux")


def _builder():
    """scripts/build_hostile_corpus.py, imported once."""
    if "build_hostile_corpus" in sys.modules:
        return sys.modules["build_hostile_corpus"]
    spec = importlib.util.spec_from_file_location("build_hostile_corpus", ROOT / "scripts" / "build_hostile_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_hostile_corpus"] = module  # before exec: its dataclass looks itself up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile") / "corpus"
    return root, {c.name: c for c in _builder().build(root)}


def _state(root: Path) -> dict[str, tuple]:
    """Every entry below `root` as this test can reach it without following links or opening
    a pipe: files by bytes and mtime, links by target, other entries by mtime; folders past
    the path limit end the walk there."""
    out: dict[str, tuple] = {}
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for e in entries:
            try:
                st = e.stat(follow_symlinks=False)
            except OSError:  # past the path limit
                continue
            if e.is_symlink():
                out[e.path] = ("link", os.readlink(e.path))
            elif e.is_dir(follow_symlinks=False):
                stack.append(e.path)
            elif stat.S_ISREG(st.st_mode):
                with open(e.path, "rb") as f:
                    out[e.path] = (f.read(), st.st_mtime_ns)
            else:
                out[e.path] = ("special", st.st_mtime_ns)
    return out


def _names() -> list[str]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return [c.name for c in _builder().build(Path(tmp) / "c")]


@pytest.mark.parametrize("name", _names())
def test_case(corpus, name):
    root, cases = corpus
    case = cases[name]
    before = _state(root)
    result = CliRunner().invoke(app, case.args, env={"COLUMNS": "300", "KAOPING_WORKERS": "1"})
    output = "".join(result.output.split())
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in case.exit_codes, output[-2000:]
    assert not any(e.replace(" ", "") in output for e in ENGLISH), output[-2000:]
    assert case.expect.replace(" ", "") in output, output[-2000:]
    after = _state(root)
    written = {k for k in after if k not in before}
    assert {k: v for k, v in after.items() if k not in written} == before  # inputs untouched
    assert not any(Path(o).exists() for o in case.outputs)  # a refused run writes no part of its set
    assert not [k for k in after if Path(k).name.startswith(".~kaoping-")]
    for path in written:  # whatever a run wrote opens (a 问题清单 with raw surrogates did not)
        if path.endswith(".xlsx"):
            from openpyxl import load_workbook

            load_workbook(path)
