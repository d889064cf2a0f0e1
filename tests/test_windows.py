"""Windows (issue 16 item 2): file names kaoping makes are one safe Windows path component
(reserved names, length, separators, checked with PureWindowsPath on any system),
LibreOffice is found where its installer puts it, and a GBK console (a Chinese Windows
console, code page 936) gets the whole report instead of a UnicodeEncodeError."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import PureWindowsPath

import pytest

from kaoping.output import pdf
from kaoping.paths import MAX_NAME, MAX_NAME_BYTES, safe_filename

# Windows device names: reserved in any case, with any extension, with spaces before the dot.
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}

HOSTILE = ["CON", "con.xlsx", "CON .xlsx", "Com1.xlsx", "lpt9", "NUL.tar.gz", "COM¹", "aux ",
           "财务处/综合科", r"财务处\综合科", r"C:\Windows\system32", "..", r"..\..\花名册", "a:b",
           'a"b<c>d|e?f*', "名字.", "名字 . ", " 前后空格 ", "\u200b隐形", "x" * 300, "张" * 300,
           "张" * 99 + ".", "", "...", "___"]


def _windows_component_problems(name: str) -> list[str]:
    p = PureWindowsPath(name)
    problems = []
    if len(p.parts) != 1 or p.name != name or p.drive or p.root:
        problems.append("not one component")
    if name in ("", ".", ".."):
        problems.append("empty or dots")
    if name.split(".")[0].strip().upper() in RESERVED:
        problems.append("reserved")
    if name != name.rstrip(". "):
        problems.append("trailing dot or space")
    if any(ch in name for ch in '<>:"/\\|?*') or any(ord(ch) < 32 for ch in name):
        problems.append("forbidden character")
    if len(name) > MAX_NAME or len(name.encode("utf-8")) > MAX_NAME_BYTES:
        problems.append("too long")
    return problems


@pytest.mark.parametrize("name", HOSTILE)
def test_every_made_name_is_one_safe_windows_path_component(name):
    made = safe_filename(name)
    assert _windows_component_problems(made) == [], (name, made)


def test_the_check_itself_catches_each_problem():
    assert _windows_component_problems("CON .xlsx") == ["reserved"]
    assert "not one component" in _windows_component_problems(r"a\b")
    assert _windows_component_problems("名字.") == ["trailing dot or space"]
    assert _windows_component_problems("张" * 51) == ["too long"]


def test_a_reserved_name_is_kept_readable():
    assert safe_filename("CON.xlsx") == "_CON.xlsx"
    assert safe_filename("财务处") == "财务处"


def test_a_long_path_made_of_safe_names_stays_under_windows_max_path():
    """A realistic output path: the clerk's folder, a unit, a section, a person's file."""
    base = PureWindowsPath(r"C:\Users\办公室\Documents\考评\下发\2026Q3")
    path = base / safe_filename("住房公积金管理中心某某县分中心") / safe_filename("归集业务科") / \
        safe_filename("欧阳明月-2026Q3-1001.xlsx")
    assert len(str(path)) < 260


def test_libreoffice_is_looked_for_where_windows_installs_it():
    env = {"ProgramFiles": r"D:\Program Files", "ProgramFiles(x86)": r"D:\Program Files (x86)",
           "LOCALAPPDATA": r"C:\Users\张三\AppData\Local"}
    found = pdf.windows_soffice_candidates(env)
    assert found[:2] == [r"D:\Program Files\LibreOffice\program\soffice.exe",
                         r"D:\Program Files (x86)\LibreOffice\program\soffice.exe"]
    assert r"C:\Program Files\LibreOffice\program\soffice.exe" in found  # the default drive too
    assert r"C:\Users\张三\AppData\Local\Programs\LibreOffice\program\soffice.exe" in found
    assert len(found) == len(set(found))
    assert pdf.windows_soffice_candidates({})[0] == r"C:\Program Files\LibreOffice\program\soffice.exe"


def test_a_versioned_install_folder_is_found(tmp_path, monkeypatch):
    exe = tmp_path / "LibreOffice 7" / "program" / "soffice.exe"
    exe.parent.mkdir(parents=True)
    exe.write_text("")
    exe.chmod(0o755)
    monkeypatch.delenv("KAOPING_SOFFICE", raising=False)
    monkeypatch.setattr(pdf.shutil, "which", lambda _name: None)
    monkeypatch.setattr(pdf, "windows_soffice_candidates",
                        lambda _env: [str(tmp_path / "LibreOffice" / "program" / "soffice.exe")])
    assert pdf.soffice_path() == str(exe)


def _kaoping(args, tmp_path, encoding="gbk"):
    env = {**os.environ, "PYTHONIOENCODING": encoding, "COLUMNS": "100"}
    code = "import sys; sys.argv[0] = 'kaoping'; from kaoping.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *args],
                          capture_output=True, env=env, cwd=tmp_path, timeout=300)


def test_a_gbk_console_gets_the_whole_report(tmp_path):
    from kaoping.forms.roster import roster_template_workbook
    from kaoping.models import Person, RankCategory
    from kaoping.output.workbook import save_workbook

    # A unit and a name with characters GBK cannot encode (✔, an emoji), as real input has.
    people = [Person(staff_id="1", name="王✔", unit="财务处😀", rank_category=RankCategory.CLERK),
              Person(staff_id="1", name="李四", unit="财务处😀", rank_category=RankCategory.CLERK)]
    roster = save_workbook(roster_template_workbook(people=people), tmp_path / "花名册.xlsx")
    proc = _kaoping(["roster", "check", str(roster)], tmp_path)
    err = proc.stderr.decode("gbk", "replace")
    assert b"Traceback" not in proc.stderr and "UnicodeEncodeError" not in err, err
    assert proc.returncode == 1  # the duplicate 工号 is an 错误; the report printed to its end
    out = proc.stdout.decode("gbk")
    assert "财务处?" in out and "合计：错误" in out


def test_a_gbk_console_still_gets_utf8_json(tmp_path):
    from kaoping.forms.roster import roster_template_workbook
    from kaoping.models import Person, RankCategory
    from kaoping.output.workbook import save_workbook

    people = [Person(staff_id="1", name="王✔", unit="财务处", rank_category=RankCategory.CLERK)]
    roster = save_workbook(roster_template_workbook(people=people), tmp_path / "花名册.xlsx")
    proc = _kaoping(["roster", "check", str(roster), "--json", "-"], tmp_path)
    import json

    report = json.loads(proc.stdout.decode("utf-8"))
    assert report["summary"]["units"][0]["unit"] == "财务处"


def test_help_prints_on_a_gbk_console(tmp_path):
    proc = _kaoping(["quarter", "check", "-h"], tmp_path)
    assert proc.returncode == 0 and "用法：kaoping quarter check" in proc.stdout.decode("gbk")
