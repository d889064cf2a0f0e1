"""The clerk's documentation (docs/) stays true to the code: the rules page is what
scripts/build_docs.py makes from the catalogue, every setting is documented with its default,
every command shown exists with the options shown (for Linux and Windows alike), and every
link stays inside the repository."""

from __future__ import annotations

import re
import runpy
import types
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from helpers_cli import parse_error
from kaoping.models import Severity
from kaoping.rules.catalog import RULES, Rule
from kaoping.rules.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))


# scripts/build_docs.py as a namespace of its functions (render, main).
BUILD_DOCS = types.SimpleNamespace(**runpy.run_path(str(ROOT / "scripts" / "build_docs.py")))


# ---------------------------------------------------------------- 规则.md


def test_rules_page_is_what_the_script_makes():
    page = (DOCS / "规则.md").read_text("utf-8")
    assert page == BUILD_DOCS.render(), "docs/规则.md is out of date: run python scripts/build_docs.py"


@pytest.mark.parametrize("r", RULES, ids=lambda r: r.id)
def test_every_catalogued_rule_has_a_row_with_its_levels_clause_title_and_fix(r):
    rows = [line for line in BUILD_DOCS.render().splitlines() if line.startswith(f"| {r.id} |")]
    assert len(rows) == 1
    for text in (r.clause, r.title, r.fix, *(s.value for s in r.levels)):
        assert text in rows[0]


def test_a_rule_of_a_new_scope_gets_a_section_of_its_own():
    new = Rule("Z1", Severity.WARNING, "§四(五)", "新的检查", "按提示改正", "新范围",
               (Severity.WARNING, Severity.INFO))
    page = BUILD_DOCS.render((*RULES, new))
    section = page.split("## 新范围", 1)[1]
    assert "| Z1 | 警告（也可为提示） | §四(五) | 新的检查 | 按提示改正 |" in section


def test_check_exits_1_when_the_page_is_out_of_date(tmp_path, capsys):
    mod = BUILD_DOCS
    page = tmp_path / "规则.md"
    page.write_text("# 旧的规则页\n", encoding="utf-8")
    assert mod.main(["--check", "--out", str(page)]) == 1
    assert mod.main(["--out", str(page)]) == 0
    assert mod.main(["--check", "--out", str(page)]) == 0
    assert page.read_text("utf-8") == mod.render()
    capsys.readouterr()


# ---------------------------------------------------------------- 设置.md


def _leaf_fields(model: type[BaseModel], prefix: str = ""):
    """(section, field name, FieldInfo) of every setting: section is the TOML table, e.g. "quota"."""
    for name, info in model.model_fields.items():
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            yield from _leaf_fields(ann, f"{prefix}{name}.")
        else:
            yield prefix.rstrip("."), name, info


def _shown(value: object) -> str:
    """A default as the settings page writes it in its 默认值 column."""
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, str):
        return f'`"{value}"`'
    if isinstance(value, dict) and not value:
        return "（空）"
    return f"`{value}`"


def _settings_sections() -> dict[str, str]:
    text = (DOCS / "设置.md").read_text("utf-8")
    parts = re.split(r"^## ", text, flags=re.M)[1:]
    return {m.group(1): part for part in parts if (m := re.match(r"\[([\w.]+)\]", part))}


SETTINGS = list(_leaf_fields(Settings))


def test_the_walk_finds_every_table_of_settings():
    assert {section for section, _, _ in SETTINGS} == {"quota", "attendance", "categories", "annual", "text", "centre", "limits"}


def _setting_row(section: str, name: str) -> str:
    """The one table row of setting `name` in the section ## [section] of 设置.md."""
    sections = _settings_sections()
    assert section in sections, f"设置.md has no section ## [{section}]"
    rows = [line for line in sections[section].splitlines() if line.startswith(f"| `{name}` |")]
    assert len(rows) == 1, f"设置.md [{section}] has no row for {name}"
    return rows[0]


@pytest.mark.parametrize("section,name,info", SETTINGS, ids=[f"{s}.{n}" for s, n, _ in SETTINGS])
def test_every_setting_is_documented_with_its_default_choices_and_clause(section, name, info):
    row = _setting_row(section, name)
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] == _shown(info.get_default(call_default_factory=True))
    assert cells[3].startswith(("§", "附件", "kaoping")), f"{name}: no clause in the 依据 column"
    choices = typing.get_args(info.annotation) if typing.get_origin(info.annotation) is typing.Literal else ()
    assert [c for c in choices if f'"{c}"' not in row] == []


# ---------------------------------------------------------------- commands shown in the pages

LINUX, WINDOWS = ".venv/bin/kaoping", ".venv\\Scripts\\kaoping"


def _commands(page: Path, fence: str, prefix: str) -> list[str]:
    """The kaoping command lines inside the page's ```fence blocks, without the prefix."""
    out: list[str] = []
    inside = False
    for line in page.read_text("utf-8").splitlines():
        if line.startswith("```"):
            inside = not inside and line[3:].strip() == fence
            continue
        if inside and line.startswith(prefix + " "):
            out.append(line[len(prefix) + 1:].strip())
    return out


def _all_linux_commands() -> list[tuple[str, str]]:
    return [(p.name, c) for p in PAGES for c in _commands(p, "bash", LINUX)]


def test_the_pages_show_commands():
    assert len(_all_linux_commands()) > 20, "the command pattern found (almost) nothing: it is broken"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_command_is_shown_for_linux_and_windows_alike(page):
    linux = _commands(page, "bash", LINUX)
    windows = [c.replace("\\", "/") for c in _commands(page, "powershell", WINDOWS)]
    assert linux == windows


@pytest.mark.parametrize("page,line", _all_linux_commands(), ids=lambda x: x if isinstance(x, str) else None)
def test_every_command_shown_exists_with_the_options_shown(page, line, capsys):
    # PowerShell passes * and ? through to kaoping unexpanded: the pages list files one by one.
    assert not set(line) & set("*?"), f"{page}: a wildcard in '{line}'"
    error = parse_error(line)
    capsys.readouterr()  # the --help a line asks for
    assert error is None, f"{page}: kaoping {line}: {error}"


# ---------------------------------------------------------------- links


_LINK = re.compile(r"\]\(([^)\s]+)\)")
_OUTSIDE = ("DESIGN.md", "shared/", "/work/", "seed/")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_link_resolves_inside_the_repository(page):
    for target in _LINK.findall(page.read_text("utf-8")):
        if target.startswith(("http://", "https://", "mailto:", "#")):
            continue
        path = (page.parent / target.split("#", 1)[0]).resolve()
        assert path.is_relative_to(ROOT), f"{page.name}: {target} leaves the repository"
        assert path.exists(), f"{page.name}: {target} does not exist"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_page_points_outside_the_repository(page):
    text = page.read_text("utf-8")
    assert [word for word in _OUTSIDE if word in text] == []


def test_the_index_links_every_page():
    index = (DOCS / "README.md").read_text("utf-8")
    linked = {target.split("#", 1)[0] for target in _LINK.findall(index)}
    assert {p.name for p in PAGES if p.name != "README.md"} <= linked
