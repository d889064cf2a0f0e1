"""kaoping.output.pdf without LibreOffice: argument checks, batching, and failures of soffice, using
small fake `soffice` scripts (the real conversions are in test_libreoffice_*.py)."""

from __future__ import annotations

import os
import stat
import sys
import time
from pathlib import Path

import pytest

from kaoping.output import pdf
from kaoping.errors import KaopingError, OutputExistsError

posix_only = pytest.mark.skipif(os.name != "posix", reason="fake soffice is a POSIX shell script")


def _fake(tmp_path: Path, body: str) -> Path:
    """A stand-in soffice: a shell script; `$outdir` and the inputs are parsed for it."""
    script = tmp_path / "fake-soffice"
    script.write_text(
        "#!/bin/sh\n"
        'echo "$@" >> "$(dirname "$0")/calls.log"\n'
        "outdir=''; fmt=''\n"
        "while [ $# -gt 0 ]; do case \"$1\" in\n"
        "  --outdir) outdir=\"$2\"; shift 2;;\n"
        "  --convert-to) fmt=\"${2%%:*}\"; shift 2;;\n"
        "  -*) shift;;\n"
        "  *) break;;\n"
        "esac; done\n" + body,
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


COPY = 'for f in "$@"; do b=$(basename "$f"); cp "$f" "$outdir/${b%.*}.$fmt"; done\n'


def _inputs(tmp_path: Path, *rel: str) -> list[Path]:
    out = []
    for r in rel:
        p = tmp_path / "in" / r
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"PK fake " + r.encode())
        out.append(p)
    return out


def test_missing_soffice_is_a_clear_chinese_error(tmp_path, monkeypatch):
    monkeypatch.setenv("KAOPING_SOFFICE", str(tmp_path / "no-such-soffice"))
    assert not pdf.soffice_available()
    (src,) = _inputs(tmp_path, "a.xlsx")
    with pytest.raises(KaopingError, match="未找到 LibreOffice.*libreoffice-calc"):
        pdf.convert([src], "pdf", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_unknown_format_and_missing_input(tmp_path):
    (src,) = _inputs(tmp_path, "a.xlsx")
    with pytest.raises(KaopingError, match="不支持的转换格式"):
        pdf.convert([src], "docx", tmp_path / "out")
    with pytest.raises(KaopingError, match="文件不存在"):
        pdf.convert([tmp_path / "nope.xlsx"], "pdf", tmp_path / "out")
    assert pdf.convert([], "pdf", tmp_path / "out") == []


def test_never_overwrites_an_input(tmp_path):
    (src,) = _inputs(tmp_path, "a.xlsx")
    with pytest.raises(KaopingError, match="不能覆盖输入"):
        pdf.convert([src], "xlsx", src.parent, force=True)
    assert src.read_bytes() == b"PK fake a.xlsx"


def test_two_inputs_to_one_output_refused(tmp_path):
    a, b = _inputs(tmp_path, "u1/张三.xlsx", "u2/张三.xlsx")
    with pytest.raises(KaopingError, match="同一文件"):
        pdf.convert([a, b], "pdf", tmp_path / "out")


def test_batches_never_share_a_stem():
    paths = [Path(f"/x/u{i % 3}/{'张三' if i % 2 else '李四'}-{i // 6}.xlsx") for i in range(24)]
    batches = pdf._batches(paths, 5)
    assert sorted(p for b in batches for p in b) == sorted(paths)
    for batch in batches:
        assert len(batch) <= 5
        stems = [p.stem for p in batch]
        assert len(stems) == len(set(stems))


@posix_only
def test_converts_in_batches_and_keeps_tree(tmp_path, monkeypatch):
    fake = _fake(tmp_path, COPY)
    monkeypatch.setenv("KAOPING_SOFFICE", str(fake))
    monkeypatch.setattr(pdf, "BATCH_SIZE", 2)
    srcs = _inputs(tmp_path, "办公室/张三-2026Q3.xlsx", "营业部/张三-2026Q3.xlsx", "营业部/李四.xlsx")
    seen = []
    out = pdf.convert(srcs, "pdf", tmp_path / "pdf", relative_to=tmp_path / "in",
                      on_progress=seen.append)
    assert out == [tmp_path / "pdf" / "办公室" / "张三-2026Q3.pdf",
                   tmp_path / "pdf" / "营业部" / "张三-2026Q3.pdf",
                   tmp_path / "pdf" / "营业部" / "李四.pdf"]
    assert [p.read_bytes() for p in out] == [s.read_bytes() for s in srcs]
    assert sorted(seen) == sorted(out)  # in batch order
    calls = (tmp_path / "calls.log").read_text(encoding="utf-8").splitlines()
    assert len(calls) == 2  # two batches: same stems are split, size 2
    for call in calls:
        assert "-env:UserInstallation=file:///" in call and "--headless" in call
    # Each call gets a private profile, never the user's.
    assert "kaoping-soffice-" in calls[0]
    # Nothing was written next to the inputs.
    assert sorted(p.name for p in (tmp_path / "in").rglob("*") if p.is_file()) == \
        ["张三-2026Q3.xlsx", "张三-2026Q3.xlsx", "李四.xlsx"]


@posix_only
def test_existing_output_needs_force(tmp_path, monkeypatch):
    monkeypatch.setenv("KAOPING_SOFFICE", str(_fake(tmp_path, COPY)))
    (src,) = _inputs(tmp_path, "a.xlsx")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.pdf").write_bytes(b"old")
    with pytest.raises(OutputExistsError, match="--force"):
        pdf.convert([src], "pdf", out)
    assert (out / "a.pdf").read_bytes() == b"old"
    assert not (tmp_path / "calls.log").exists()  # refused before starting soffice
    pdf.convert([src], "pdf", out, force=True)
    assert (out / "a.pdf").read_bytes() == b"PK fake a.xlsx"


@posix_only
def test_soffice_that_produces_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("KAOPING_SOFFICE", str(_fake(
        tmp_path, 'echo "Error: source file could not be loaded" >&2\nexit 0\n')))
    (src,) = _inputs(tmp_path, "坏文件.xlsx")
    with pytest.raises(KaopingError, match="未能转换 1 个文件.*坏文件.xlsx.*could not be loaded"):
        pdf.convert([src], "pdf", tmp_path / "out")
    assert not (tmp_path / "out" / "坏文件.pdf").exists()


@posix_only
def test_partial_failure_writes_none_and_names_failed(tmp_path, monkeypatch):
    body = ('for f in "$@"; do b=$(basename "$f"); case "$b" in bad*) ;; '
            '*) cp "$f" "$outdir/${b%.*}.$fmt";; esac; done\nexit 81\n')
    monkeypatch.setenv("KAOPING_SOFFICE", str(_fake(tmp_path, body)))
    srcs = _inputs(tmp_path, "good.xlsx", "bad.xlsx")
    with pytest.raises(KaopingError, match=r"未能转换 1 个文件：.*bad\.xlsx.*退出码 81"):
        pdf.convert(srcs, "pdf", tmp_path / "out")
    assert not (tmp_path / "out").exists()  # all or nothing: good.pdf is not left alone


@posix_only
def test_timeout_kills_soffice(tmp_path, monkeypatch):
    pidfile = tmp_path / "pid"
    monkeypatch.setenv("KAOPING_SOFFICE", str(_fake(
        tmp_path, f'sleep 30 &\necho $! > "{pidfile}"\nwait\n')))
    (src,) = _inputs(tmp_path, "a.xlsx")
    start = time.monotonic()
    with pytest.raises(KaopingError, match="超时"):
        pdf.convert([src], "pdf", tmp_path / "out", timeout=1)
    assert time.monotonic() - start < 10
    # The grandchild (soffice.bin in real life) is gone too.
    child = int(pidfile.read_text())
    for _ in range(50):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("soffice child process survived the timeout")


def test_soffice_not_startable(tmp_path, monkeypatch):
    bad = tmp_path / "soffice"
    bad.write_text("not a program")
    bad.chmod(0o755)
    monkeypatch.setenv("KAOPING_SOFFICE", str(bad))
    (src,) = _inputs(tmp_path, "a.xlsx")
    if sys.platform == "win32":
        pytest.skip("exec format errors differ on Windows")
    with pytest.raises(KaopingError, match="无法启动 LibreOffice"):
        pdf.convert([src], "pdf", tmp_path / "out")


@posix_only
def test_pdf_beside_puts_each_pdf_next_to_its_workbook(tmp_path, monkeypatch):
    monkeypatch.setenv("KAOPING_SOFFICE", str(_fake(tmp_path, COPY)))
    srcs = _inputs(tmp_path, "全中心/附件4-备案表-2026Q3.xlsx", "鹿城分中心/附件4-备案表-2026Q3.xlsx",
                   "鹿城分中心/综合科/张三-2026Q3.xlsx")
    out = pdf.pdf_beside(srcs)
    assert out == [s.resolve().with_suffix(".pdf") for s in srcs]
    assert all(p.is_file() for p in out)
    assert pdf.pdf_beside([]) == []


def test_require_soffice_names_the_package(monkeypatch, tmp_path):
    monkeypatch.setenv("KAOPING_SOFFICE", str(tmp_path / "missing"))
    with pytest.raises(KaopingError, match="libreoffice-calc"):
        pdf.require_soffice()


def test_quarter_report_pdf_without_libreoffice_says_so_and_writes_nothing(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from kaoping.cli import app

    monkeypatch.setenv("KAOPING_SOFFICE", str(tmp_path / "missing"))
    res = CliRunner().invoke(app, ["quarter", "report", str(tmp_path / "collected"), "-r",
                                   str(tmp_path / "花名册.xlsx"), "--out", str(tmp_path / "out"),
                                   "--pdf"])
    assert res.exit_code == 2
    assert "未找到 LibreOffice" in res.output and "libreoffice-calc" in res.output
    assert not (tmp_path / "out").exists()


def test_forms_pdf_without_libreoffice_says_so_and_writes_nothing(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from kaoping.cli import app

    monkeypatch.setenv("KAOPING_SOFFICE", str(tmp_path / "missing"))
    res = CliRunner().invoke(app, ["forms", "quarterly", "-r", str(tmp_path / "花名册.xlsx"),
                                   "-p", "2026Q3", "--out", str(tmp_path / "out"), "--pdf"])
    assert res.exit_code == 2
    assert "未找到 LibreOffice" in res.output and "libreoffice-calc" in res.output
    assert not (tmp_path / "out").exists()


def test_fontconfig_aliases_include_the_system_config(tmp_path, monkeypatch):
    monkeypatch.delenv("FONTCONFIG_FILE", raising=False)
    system = tmp_path / "system-fonts.conf"
    system.write_text("<fontconfig/>")
    monkeypatch.setattr(pdf, "SYSTEM_FONTCONFIG", system)
    conf = pdf._fontconfig_file(tmp_path)
    import xml.etree.ElementTree as ET

    root = ET.parse(conf).getroot()
    assert root.find("include").text == str(system)
    aliases = {a.find("family").text: [f.text for f in a.find("accept")] for a in root.iter("alias")}
    assert aliases["宋体"][0] == "Noto Serif CJK SC" and aliases["仿宋"] == aliases["宋体"]
    assert aliases["黑体"][0] == "Noto Sans CJK SC"
    # accept (not prefer): a real 宋体 installed on the machine still comes first.
    assert all(a.find("prefer") is None for a in root.iter("alias"))


def test_fontconfig_left_alone_when_user_set_one_or_no_fontconfig(tmp_path, monkeypatch):
    monkeypatch.setenv("FONTCONFIG_FILE", "/somewhere/fonts.conf")
    assert pdf._fontconfig_file(tmp_path) is None
    monkeypatch.delenv("FONTCONFIG_FILE")
    monkeypatch.setattr(pdf, "SYSTEM_FONTCONFIG", tmp_path / "missing.conf")
    assert pdf._fontconfig_file(tmp_path) is None
    assert not (tmp_path / "fonts.conf").exists()
