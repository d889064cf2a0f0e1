#!/usr/bin/env python3
"""Build the hostile corpus of issue 15: inputs a clerk (or a careless script) hands kaoping
that once crashed it, overwrote an input or left half a batch, each with the command line it
is run with and the exit code it must give.

    .venv/bin/python scripts/build_hostile_corpus.py OUT_DIR

Unlike tests/corpus/bad/ the cases are built on demand, not committed: pipes, paths past the
OS limit and file names that are not valid UTF-8 cannot live in git. `tests/test_hostile.py`
builds them into a temporary folder and checks each: no traceback, the exit code listed here,
every input byte-identical with its mtime, no output of a refused run, no `.~kaoping-` file.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))


@dataclass
class Case:
    name: str
    what: str  # Chinese, what is hostile about it
    args: list[str]  # the command line, paths absolute
    exit_codes: tuple[int, ...]  # the documented codes: 0/1 checked, 2 refused
    expect: str = ""  # a text the output must contain (spaces removed)
    outputs: list[Path] = field(default_factory=list)  # must not exist after a refusal (exit 2)


def _base(root: Path) -> dict[str, Path]:
    """A roster and one quarter's collected forms (附件3 and the three 月度小结)."""
    from helpers_quarter_cli import write_forms, write_roster

    roster = write_roster(root / "花名册.xlsx")
    folder = root / "collected"
    write_forms(folder, leave={})
    return {"roster": roster, "folder": folder}


def _set_leave(form: Path, value: object) -> None:
    """The first leave figure of a 月度小结 replaced by `value`."""
    from openpyxl import load_workbook

    wb = load_workbook(form)
    ws = wb.worksheets[0]
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool) and cell.value == 0:
                cell.value = value
                wb.save(form)
                return
    raise AssertionError(f"no leave figure in {form}")


def _error_value(form: Path, field: str, value: str, dst: Path) -> Path:
    """A copy of `form` whose cell for `field` holds the Excel error value `value` (t="e")."""
    from openpyxl import load_workbook

    from kaoping.excel.read import read_workbook

    ref = read_workbook(form).forms[0].source.cells[field].split(":")[0]
    wb = load_workbook(form)
    ws = wb.worksheets[0]
    ws[ref] = value
    ws[ref].data_type = "e"
    dst.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dst)
    return dst


def _shared_index(path: Path, index: bytes) -> Path:
    """A one-sheet workbook whose A1 names shared string `index` of a table of two."""
    from helpers_safety import bad_corpus_builder

    b = bad_corpus_builder()
    sst = (b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           b'count="2" uniqueCount="2"><si><t>a</t></si><si><t>b</t></si></sst>')
    xml = b.sheet_xml(b'<row r="1"><c r="A1" t="s"><v>' + index + b"</v></c></row>", "A1:A1")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b.minimal_xlsx(xml, shared=sst))
    return path


def _cell_cases(root: Path, b: dict[str, Path]) -> list[Case]:
    """Cells calamine reads wrong without a word: Excel error values, broken shared strings."""
    quarterly = next(b["folder"].rglob("*-2026Q3.xlsx"))
    monthly = next(b["folder"].rglob("*-2026-07.xlsx"))
    ticks = root / "错误值" / "季度"
    _error_value(quarterly, "self_ticks", "#REF!", ticks / quarterly.name)
    days = root / "错误值" / "月度"
    _error_value(monthly, "sick_personal_days", "#DIV/0!", days / monthly.name)
    broken = root / "共享文字"
    _shared_index(broken / "负" / "编号为负.xlsx", b"-1")
    _shared_index(broken / "超出" / "编号超出.xlsx", b"7")
    roster = str(b["roster"])
    return [
        Case("勾选格是#REF!", "自评档次的勾选格是 Excel 错误值 #REF!：F3 错误，不是“未勾选”", [
            "quarter", "check", str(ticks), "-r", roster, "-p", "2026Q3"], (1,), "Excel 错误值 #REF!"),
        Case("天数格是#DIV/0!", "病事假天数格是公式错误值 #DIV/0!：F3 错误，不是 0 天", [
            "month", "check", str(days), "-r", roster, "-p", "2026-07"], (1,), "Excel 错误值 #DIV/0!"),
        Case("共享文字编号-1", "单元格的共享文字编号是 -1（calamine 读成第一条文字）：整份文件一条 F1", [
            "week", "check", str(broken / "负")], (1,), "共享文字编号无效"),
        Case("共享文字编号超出", "编号超出共享文字表：中文的 F1，没有 calamine 的英文原文", [
            "week", "check", str(broken / "超出")], (1,), "文件已损坏"),
    ]


def _ledger(path: Path) -> Path:
    """A readable 季度结果台账 of the base roster's people (kaoping's own writer)."""
    from helpers_annual import FG, ledgers
    from helpers_quarter_cli import PEOPLE
    from kaoping.report.ledger import write_ledger

    [ledger] = ledgers(list(PEOPLE), {p.staff_id: [FG] * 4 for p in PEOPLE}, quarters=(2,))
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_ledger(ledger, path)


def _deep(folder: Path) -> None:
    here = os.getcwd()
    try:
        os.chdir(folder)
        for _ in range(25):
            os.mkdir("d" * 200)
            os.chdir("d" * 200)
        Path("x.xlsx").write_bytes(b"x")
    finally:
        os.chdir(here)


def _toml(root: Path, text: str | bytes) -> Path:
    path = root / "kaoping.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def _config_cases(root: Path, b: dict[str, Path]) -> list[Case]:
    check = ["quarter", "check", str(b["folder"]), "-r", str(b["roster"]), "-p", "2026Q3", "-c"]
    bad = {
        "设置-文件夹": (str(root), "是一个文件夹"),
        "设置-零设备": ("/dev/zero", "不是普通文件"),
        "设置-nan工作日": (str(_toml(root / "a", '[attendance.workdays]\n"2026-07" = nan\n')), "应为"),
        "设置-深嵌套": (str(_toml(root / "b", "a = " + "[" * 5000 + "]" * 5000 + "\n")), "嵌套层数过多"),
        "设置-GBK": (str(_toml(root / "c", "# 本地\n[quota]\ngood_ratio = 0.3\n".encode("gbk"))), "UTF-8"),
        "设置-上限为0": (str(_toml(root / "d", "[limits]\nmax_rows = 0\n")), "limits.max_rows=0"),
        "设置-布尔": (str(_toml(root / "e", "[limits]\nmax_columns = true\n")), "true/false"),
        "设置-1e11": (str(_toml(root / "f", "[limits]\nmax_file_bytes = 1e11\n")), "应为"),
    }
    return [Case(name, f"kaoping.toml：{name}", [*check, path], (2,), text)
            for name, (path, text) in bad.items() if os.path.exists(path) or path == str(root)]


def build(root: Path) -> list[Case]:
    """Every case, its inputs written below `root` (a fresh folder)."""
    (root / "a").mkdir(parents=True)
    for sub in "bcdef":
        (root / sub).mkdir()
    b = _base(root)
    forms = sorted(b["folder"].rglob("*-2026-07.xlsx"))
    _set_leave(forms[0], 1e308)
    _set_leave(forms[1], "9" * 5000)
    month = ["month", "check", str(b["folder"]), "-r", str(b["roster"]), "-p", "2026-07"]
    cases = [
        Case("天数1e308与5000位", "病事假天数 1e308 和 5,000 位数字：各是一条 F3，不是 OverflowError",
             month, (1,), "超过一年"),
        Case("期间9999-12", "forms monthly -p 9999-12：超出日历的年份", [
            "forms", "monthly", "-r", str(b["roster"]), "-p", "9999-12", "-o", str(root / "下发")],
            (2,), "1900到9998", [root / "下发"]),
        Case("问题清单写到花名册上", "--problems 指向花名册，加 --force", [*month, "--problems", str(b["roster"]),
             "--force"], (2,), "不能覆盖输入文件"),
        Case("问题清单写到收回的表上", "--problems 指向收回的一份表，加 --force", [
            *month, "--problems", str(forms[2]), "--force"], (2,), "不能覆盖输入文件"),
        Case("有错误时只加--force", "quarter report 仍有错误，只加 --force：不输出", [
            "quarter", "report", str(b["folder"]), "-r", str(b["roster"]), "-p", "2026Q3", "-o",
            str(root / "报送"), "--force"], (1,), "--allow-errors", [root / "报送"]),
        Case("花名册是文件夹", "-r 指向文件夹", ["roster", "check", str(root / "a")], (2,), "这是一个文件夹"),
    ]
    ledger = root / "台账-2026Q3.xlsx"
    ledger.write_bytes(b"not a ledger")
    cases.append(Case("唯一的台账读不了", "annual 只给一份读不了的台账", [
        "annual", "eligible", "-r", str(b["roster"]), str(ledger)], (2,), "台账-2026Q3.xlsx"))
    odd = root / "奇怪的文件夹"
    odd.mkdir()
    shutil.copy(forms[3], odd / forms[3].name)
    if hasattr(os, "mkfifo"):
        os.mkfifo(odd / "管道.xlsx")
    (odd / "断链.xlsx").symlink_to(root / "不存在.xlsx")
    (odd / os.fsdecode("张三".encode("gbk") + b".xlsx")).write_bytes(b"junk")
    _deep(odd)
    cases.append(Case("管道断链GBK名与深路径", "管道、断链、GBK 文件名、超过路径上限的文件夹", [
        "week", "check", str(odd), "--problems", str(root / "问题清单.xlsx")], (1,), "路径过长"))
    good = _ledger(root / "台账" / "台账-2026Q2.xlsx")
    link = root / "台账的硬链接.xlsx"
    os.link(good, link)
    cases.append(Case("问题清单写到台账的硬链接", "--problems 指向所读台账的硬链接，加 --force", [
        "annual", "eligible", "-r", str(b["roster"]), str(good), "--problems", str(link), "--force"],
        (2,), "硬链接"))
    return cases + _cell_cases(root, b) + _config_cases(root, b)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    out = Path(argv[0])
    if out.exists():
        print(f"{out} exists; give a new folder")
        return 2
    for case in build(out):
        print(f"{case.name}: {' '.join(case.args[:2])} → exit {case.exit_codes}  ({case.what})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
