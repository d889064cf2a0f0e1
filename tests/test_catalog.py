"""The rule catalogue: every rule id kaoping reports is catalogued, once, with its clause."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kaoping.models import Severity
from kaoping.rules.catalog import BY_ID, RULES, finding, rule

SRC = Path(__file__).resolve().parent.parent / "src" / "kaoping"
# rule="Q1", ctx.add("F4", …), add("R2", …), bad("H0", …), problems.append(("H3", …)
_USES = re.compile(r"""(?:rule=|finding\(|\.add\(|\badd\(|\bbad\(|\(\()\s*"([A-Z][0-9]{1,2})"[,)]""")


def _ids_used_in_source() -> set[str]:
    return {m.group(1) for p in SRC.rglob("*.py") for m in _USES.finditer(p.read_text("utf-8"))}


def test_ids_are_unique():
    assert len(BY_ID) == len(RULES)


def test_every_id_used_in_the_code_is_catalogued():
    used = _ids_used_in_source()
    assert used, "the pattern found no rule ids: it is broken"
    assert used - set(BY_ID) == set()


@pytest.mark.parametrize("r", RULES, ids=lambda r: r.id)
def test_each_rule_has_clause_title_fix_and_its_own_level(r):
    assert r.clause and r.title and r.fix and r.scope
    assert r.severity in r.levels
    assert r.clause == "kaoping" or r.clause.startswith(("§", "附件"))


def test_finding_takes_clause_and_title_from_the_catalogue():
    f = finding("Q2", "超过比例", unit="鹿城分中心")
    assert (f.rule, f.severity, f.clause, f.title, f.unit) == (
        "Q2", Severity.ERROR, "§四(三)3", rule("Q2").title, "鹿城分中心")
    assert finding("Q2", "全中心", severity=Severity.WARNING).severity == Severity.WARNING
    with pytest.raises(ValueError):
        finding("Q7", "x", severity=Severity.INFO)  # Q7 is never a 提示
    with pytest.raises(KeyError):
        finding("Z9", "x")


# Thresholds that kaoping.toml sets: the catalogue's texts are the same for every run, so
# they name none of them (a clerk with min_ratio = 0.75 must not read "80%" beside a 75%
# message); each finding's message names the one the run used.
_SET_THRESHOLD = re.compile(r"\d+(?:\.\d+)?\s*[%％]|\d+\s*次以上|超过\s*\d+\s*次|[一二三四五两]成")


@pytest.mark.parametrize("r", RULES, ids=lambda r: r.id)
def test_no_title_or_fix_names_a_threshold_the_settings_set(r):
    assert not _SET_THRESHOLD.search(r.title), r.title
    assert not _SET_THRESHOLD.search(r.fix), r.fix


def test_the_threshold_pattern_finds_what_the_old_texts_said():
    for old in ("出勤未达应出勤天数的 80% 却定为好或较好", "使“好”不超过实际参加人数的 40%",
                "“好”2次以上且无一般、较差", "一般、较差累计超过 2 次"):
        assert _SET_THRESHOLD.search(old), old
