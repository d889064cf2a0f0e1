"""Every command refuses to write an output over a file it reads (issue 15, item 1), `--force`
or not: the problems list, the filing, the forms, the annual set, the tally, the .ics. A
kaoping 问题清单 found in the checked folder is no input: a re-run may replace it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from helpers_annual import AV, FG, G, ledgers
from helpers_output import ENGLISH, leftovers, snapshot
from helpers_quarter_cli import PEOPLE, write_forms, write_roster
from kaoping.cli import app
from kaoping.report.ledger import write_ledger

runner = CliRunner()
REFUSED = "不能覆盖输入文件"


def _invoke(*args: object) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200", "KAOPING_WORKERS": "1"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    output = "".join(result.output.split())
    assert not any(e.replace(" ", "") in output for e in ENGLISH), output
    return result.exit_code, output


@pytest.fixture()
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    monkeypatch.chdir(tmp_path)
    roster = write_roster(tmp_path / "花名册.xlsx")
    folder = tmp_path / "collected"
    write_forms(folder, leave={})
    settings = tmp_path / "kaoping.toml"  # read from the current folder without -c
    settings.write_text("[quota]\ngood_ratio = 0.4\n", encoding="utf-8")
    grades = {p.staff_id: [G, FG, AV, FG] for p in PEOPLE}
    books = [write_ledger(lg, tmp_path / f"台账-2026Q{lg.quarter}.xlsx")
             for lg in ledgers(list(PEOPLE), grades)]
    return {"roster": roster, "folder": folder, "settings": settings, "ledger": books[0],
            "ledgers": books, "form": next(folder.rglob("*-2026-07.xlsx")), "tmp": tmp_path}


def _all_inputs(r: dict[str, Path]) -> dict:
    return snapshot(r["roster"], r["folder"], r["settings"], *r["ledgers"])


def _refused(r: dict[str, Path], *args: object) -> str:
    before = _all_inputs(r)
    code, output = _invoke(*args)
    assert code == 2 and REFUSED in output, output
    assert _all_inputs(r) == before
    assert leftovers(r["tmp"]) == []
    return output


# ---------------------------------------------------------------- --problems over an input


@pytest.mark.parametrize("target", ["roster", "form", "settings"])
@pytest.mark.parametrize("command", ["week", "month", "quarter"])
def test_check_problems_over_an_input_is_refused(run, command, target):
    period = {"week": [], "month": ["-p", "2026-07"], "quarter": ["-p", "2026Q3"]}[command]
    _refused(run, command, "check", run["folder"], "-r", run["roster"], *period,
             "--problems", run[target], "--force")


def test_check_problems_over_the_settings_given_with_c_is_refused(run, tmp_path):
    other = tmp_path / "设置" / "本地.toml"
    other.parent.mkdir()
    other.write_text("[quota]\ngood_ratio = 0.4\n", encoding="utf-8")
    before = snapshot(other)
    code, output = _invoke("month", "check", run["folder"], "-p", "2026-07", "-c", other,
                           "--problems", other, "--force")
    assert code == 2 and REFUSED in output and snapshot(other) == before


def test_quarter_check_problems_over_the_attendance_sheet_is_refused(run):
    sheet = run["tmp"] / "考勤.xlsx"
    wb = Workbook()
    wb.active.append(["工号", "月份", "病事假"])
    wb.active.append([PEOPLE[0].staff_id, "2026-07", 1])
    wb.save(sheet)
    before = snapshot(sheet)
    code, output = _invoke("quarter", "check", run["folder"], "-r", run["roster"], "-p", "2026Q3",
                           "-a", sheet, "--problems", sheet, "--force")
    assert code == 2 and REFUSED in output and snapshot(sheet) == before


def test_roster_check_problems_over_the_roster_is_refused(run):
    _refused(run, "roster", "check", run["roster"], "--problems", run["roster"], "--force")


@pytest.mark.parametrize("target", ["roster", "ledger", "settings"])
def test_annual_eligible_problems_over_an_input_is_refused(run, target):
    _refused(run, "annual", "eligible", "-r", run["roster"], *run["ledgers"],
             "--problems", run[target], "--force")


def test_annual_report_refuses_its_problems_list_before_writing_the_set(run):
    out = run["tmp"] / "年度"
    _refused(run, "annual", "report", "-r", run["roster"], *run["ledgers"], "-o", out,
             "--problems", run["ledger"], "--force")
    assert not out.exists()


def test_annual_report_refuses_a_set_over_a_hard_link_of_a_ledger(run):
    out = run["tmp"] / "年度"
    out.mkdir()
    os.link(run["ledger"], out / "年度综评-2026.xlsx")
    output = _refused(run, "annual", "report", "-r", run["roster"], *run["ledgers"], "-o", out, "--force")
    assert "硬链接" in output


# ---------------------------------------------------------------- generated sets over an input


def test_forms_refuse_a_set_over_a_hard_link_of_the_roster(run):
    out = run["tmp"] / "下发"
    args = ["forms", "quarterly", "-r", run["roster"], "-p", "2026Q3", "-o", out]
    assert _invoke(*args)[0] == 0
    form = sorted(out.rglob("*.xlsx"))[0]
    form.unlink()
    os.link(run["roster"], form)
    before = snapshot(out)
    output = _refused(run, *args, "--force")
    assert "硬链接" in output and snapshot(out) == before


def test_halfyear_forms_refuse_a_set_over_a_hard_link_of_a_ledger(run):
    out = run["tmp"] / "半年"
    code, _ = _invoke("halfyear", "forms", "--max-ticks", "3", "-r", run["roster"], "--half", "2026H1", "-o", out,
                      "--ledger", run["ledger"])
    assert code == 0
    record = sorted((out / "干部成长考核考察记实表").rglob("*.xlsx"))[0]
    record.unlink()
    os.link(run["ledger"], record)
    _refused(run, "halfyear", "forms", "--max-ticks", "3", "-r", run["roster"], "--half", "2026H1", "-o", out,
             "--ledger", run["ledger"], "--force")


# ---------------------------------------------------------------- calendar --ics


def test_calendar_ics_over_the_settings_read_from_the_current_folder_is_refused(run):
    _refused(run, "calendar", "2026", "--ics", run["settings"], "--force")


def test_calendar_ics_elsewhere_is_written(run):
    code, _ = _invoke("calendar", "2026", "--ics", run["tmp"] / "日程.ics")
    assert code == 0 and (run["tmp"] / "日程.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")


# ---------------------------------------------------------------- the last run's 问题清单


@pytest.mark.parametrize("command", ["week", "month", "quarter"])
def test_a_problems_list_inside_the_folder_is_replaced_by_a_re_run(run, command):
    period = {"week": [], "month": ["-p", "2026-07"], "quarter": ["-p", "2026Q3"]}[command]
    problems = run["folder"] / "问题清单.xlsx"
    args = [command, "check", run["folder"], "-r", run["roster"], *period, "--problems", problems]
    first, _ = _invoke(*args)
    assert first in (0, 1) and problems.is_file()
    forms = snapshot(run["folder"])
    del forms[str(problems)]
    again, output = _invoke(*args, "--force")
    assert again == first, output
    after = snapshot(run["folder"])
    del after[str(problems)]
    assert after == forms and leftovers(run["tmp"]) == []


# ---------------------------------------------------------------- halfyear tally


@pytest.fixture()
def votes(run) -> Path:
    out = run["tmp"] / "半年"
    assert _invoke("halfyear", "forms", "--max-ticks", "3", "-r", run["roster"], "--half", "2026H1", "-o", out)[0] == 0
    folder = run["tmp"] / "收回"
    folder.mkdir()
    for i, ballot in enumerate(sorted((out / "集中测评票").rglob("*.xlsx"))):
        (folder / f"票{i}.xlsx").write_bytes(ballot.read_bytes())
    return folder


@pytest.mark.parametrize("option", ["--out", "--problems"])
def test_tally_over_a_ballot_is_refused(run, votes, option):
    ballot = sorted(votes.glob("*.xlsx"))[0]
    before = snapshot(votes)
    other = votes.parent / ("r.xlsx" if option == "--problems" else "p.xlsx")
    args = ["--out", ballot, "--problems", other] if option == "--out" else ["--out", other, "--problems", ballot]
    code, output = _invoke("halfyear", "tally", votes, *args, "--force")
    assert code == 2 and REFUSED in output and snapshot(votes) == before


def test_tally_re_run_into_the_ballot_folder_replaces_its_own_result(run, votes):
    result, problems = votes / "推荐结果.xlsx", votes / "问题清单.xlsx"
    args = ["halfyear", "tally", votes, "--out", result, "--problems", problems]
    first, out1 = _invoke(*args)
    assert first in (0, 1) and result.is_file() and problems.is_file()
    again, out2 = _invoke(*args, "--force")
    assert again == first, out2
    assert out2.count("已跳过") == out1.count("已跳过")  # its own files not read


# ---------------------------------------------------------------- every other writing command
#
# Issue 15, item 3: each command that writes, pointed at one of its inputs (a set: a hard
# link of an input where one of its files goes; a folder output: an input file as the
# folder), is refused with --force, exit 2, every input unchanged. `explain`, `rules` and
# `templates check` write nothing; `templates export`, `forms blank` and `roster template`
# read no file of the user's.


def _set_over_a_hard_link_refused(r: dict[str, Path], args: list, out: Path, source: Path) -> None:
    code, output = _invoke(*args)
    assert code in (0, 1), output
    target = sorted(out.rglob("*.xlsx"))[0]
    target.unlink()
    os.link(source, target)
    before = snapshot(out)
    assert "硬链接" in _refused(r, *args, "--force")
    assert snapshot(out) == before


def _folder_over_an_input_file_refused(r: dict[str, Path], args: list) -> None:
    before = _all_inputs(r)
    code, output = _invoke(*args, "--force")
    assert code == 2 and "不是文件夹" in output, output
    assert _all_inputs(r) == before and leftovers(r["tmp"]) == []


@pytest.mark.parametrize("source", ["roster", "settings"])
def test_quota_notices_over_a_hard_link_of_an_input_are_refused(run, source):
    out = run["tmp"] / "名额"
    _set_over_a_hard_link_refused(run, ["quarter", "quota", "-r", run["roster"], "-p", "2026Q3", "-o", out],
                                  out, run[source])


def test_quota_notices_into_the_roster_file_are_refused(run):
    _folder_over_an_input_file_refused(run, ["quarter", "quota", "-r", run["roster"], "-p", "2026Q3",
                                             "-o", run["roster"]])


@pytest.mark.parametrize("source", ["ledger", "roster"])
def test_profiles_over_a_hard_link_of_an_input_are_refused(run, source):
    out = run["tmp"] / "画像"
    _set_over_a_hard_link_refused(run, ["profile", *run["ledgers"], "-r", run["roster"], "-o", out],
                                  out, run[source])


def test_profiles_into_a_ledger_file_are_refused(run):
    _folder_over_an_input_file_refused(run, ["profile", *run["ledgers"], "-r", run["roster"],
                                             "-o", run["ledger"]])


@pytest.mark.parametrize("kind", ["monthly", "quarterly"])
def test_forms_into_the_roster_file_are_refused(run, kind):
    period = "2026-07" if kind == "monthly" else "2026Q3"
    _folder_over_an_input_file_refused(run, ["forms", kind, "-r", run["roster"], "-p", period,
                                             "-o", run["roster"]])


@pytest.mark.parametrize("source", ["roster", "settings"])
def test_forms_over_a_hard_link_of_an_input_are_refused(run, source):
    """forms monthly over the roster; forms quarterly also reads kaoping.toml (the 好 seats it
    prints): an input too."""
    out = run["tmp"] / "下发"
    kind = "quarterly" if source == "settings" else "monthly"
    period = "2026Q3" if kind == "quarterly" else "2026-07"
    _set_over_a_hard_link_refused(run, ["forms", kind, "-r", run["roster"], "-p", period, "-o", out],
                                  out, run[source])


def test_halfyear_forms_over_a_hard_link_of_the_settings_are_refused(run):
    """Without --max-ticks the ballots' limit comes from kaoping.toml: read, so an input."""
    run["settings"].write_text("[halfyear]\nmax_ticks = 3\n", encoding="utf-8")
    out = run["tmp"] / "半年"
    _set_over_a_hard_link_refused(run, ["halfyear", "forms", "-r", run["roster"], "--half", "2026H1",
                                        "-o", out], out, run["settings"])


def test_halfyear_forms_into_the_roster_file_are_refused(run):
    _folder_over_an_input_file_refused(run, ["halfyear", "forms", "--max-ticks", "3", "-r", run["roster"],
                                             "--half", "2026H1", "-o", run["roster"]])


@pytest.fixture()
def records(run) -> Path:
    """The 记实表 of 2026H1 as the units return them (kaoping's own, unsigned)."""
    out = run["tmp"] / "半年"
    assert _invoke("halfyear", "forms", "--max-ticks", "3", "-r", run["roster"], "--half", "2026H1",
                   "-o", out)[0] == 0
    return out / "干部成长考核考察记实表"


@pytest.mark.parametrize("option", ["--problems", "--json"])
@pytest.mark.parametrize("target", ["roster", "record"])
def test_halfyear_check_output_over_an_input_is_refused(run, records, option, target):
    record = sorted(records.rglob("*.xlsx"))[0]
    path = run["roster"] if target == "roster" else record
    before = snapshot(records)
    _refused(run, "halfyear", "check", records, "-r", run["roster"], "--half", "2026H1", option, path, "--force")
    assert snapshot(records) == before


@pytest.fixture()
def returned(run) -> Path:
    """The 谈话提醒和批评教育名单 of Q3 as the units return them (quarter report's)."""
    out = run["tmp"] / "报送"
    code, output = _invoke("quarter", "report", run["folder"], "-r", run["roster"], "-p", "2026Q3", "-o", out,
                           "--date", "2026-10-15")
    assert code == 0, output
    folder = run["tmp"] / "交回"
    folder.mkdir()
    for i, path in enumerate(sorted(out.rglob("谈话提醒和批评教育名单-*.xlsx"))):
        (folder / f"{i}-{path.name}").write_bytes(path.read_bytes())
    return folder


@pytest.mark.parametrize("target", ["roster", "list", "settings"])
def test_followup_check_problems_over_an_input_is_refused(run, returned, target):
    """kaoping.toml read from the current folder (no -c) is an input too."""
    path = {"roster": run["roster"], "list": sorted(returned.glob("*.xlsx"))[0], "settings": run["settings"]}[target]
    before = snapshot(returned)
    _refused(run, "followup", "check", returned, "-r", run["roster"], "--problems", path, "--force")
    assert snapshot(returned) == before


def test_annual_report_problems_over_a_returned_list_is_refused(run, returned):
    before = snapshot(returned)
    _refused(run, "annual", "report", "-r", run["roster"], *run["ledgers"], "-o", run["tmp"] / "年度",
             "--records", returned, "--problems", sorted(returned.glob("*.xlsx"))[0], "--force")
    assert snapshot(returned) == before and not (run["tmp"] / "年度").exists()


@pytest.mark.parametrize("over", ["tally", "returned list"])
def test_annual_report_set_over_a_hard_link_of_its_tally_or_records_is_refused(run, votes, returned, over):
    tally = run["tmp"] / "推荐结果.xlsx"
    assert _invoke("halfyear", "tally", votes, "--out", tally)[0] in (0, 1)
    source = tally if over == "tally" else sorted(returned.glob("*.xlsx"))[0]
    out = run["tmp"] / "年度"
    args = ["annual", "report", "-r", run["roster"], *run["ledgers"], "-o", out, "--tally", tally,
            "--records", returned]
    before = snapshot(tally, returned)
    _set_over_a_hard_link_refused(run, args, out, source)
    assert snapshot(tally, returned) == before


def test_annual_report_problems_over_its_tally_is_refused(run, votes):
    tally = run["tmp"] / "推荐结果.xlsx"
    assert _invoke("halfyear", "tally", votes, "--out", tally)[0] in (0, 1)
    before = snapshot(tally)
    _refused(run, "annual", "report", "-r", run["roster"], *run["ledgers"], "-o", run["tmp"] / "年度",
             "--tally", tally, "--problems", tally, "--force")
    assert snapshot(tally) == before


@pytest.mark.parametrize("command", ["week", "month", "quarter"])
def test_check_json_over_an_input_is_refused(run, command):
    period = {"week": [], "month": ["-p", "2026-07"], "quarter": ["-p", "2026Q3"]}[command]
    _refused(run, command, "check", run["folder"], "-r", run["roster"], *period, "--json", run["roster"], "--force")


# ---------------------------------------------------------------- a template folder is read


@pytest.fixture()
def layouts(run) -> Path:
    """`templates export`'s folder, as a clerk restyles it and gives it with --templates."""
    folder = run["tmp"] / "模板"
    assert _invoke("templates", "export", folder)[0] == 0
    return folder


def _template_link(layouts: Path, out: Path, name: str) -> None:
    """The first file below `out` replaced by a hard link of the template `name*`."""
    target = sorted(out.rglob("*.xlsx"))[0]
    target.unlink()
    os.link(next(layouts.glob(f"{name}*.xlsx")), target)


@pytest.mark.parametrize(("command", "template"), [
    (["forms", "quarterly", "-p", "2026Q3"], "附件3"),
    (["forms", "monthly", "-p", "2026-07"], "附件2"),
])
def test_forms_over_a_hard_link_of_a_template_are_refused(run, layouts, command, template):
    out = run["tmp"] / "下发"
    args = [*command, "-r", run["roster"], "-o", out, "--templates", layouts]
    assert _invoke(*args)[0] == 0
    _template_link(layouts, out, template)
    before = snapshot(layouts)
    assert "硬链接" in _refused(run, *args, "--force")
    assert snapshot(layouts) == before


def test_quarter_report_over_a_hard_link_of_a_template_is_refused(run, layouts):
    out = run["tmp"] / "报送"
    args = ["quarter", "report", run["folder"], "-r", run["roster"], "-p", "2026Q3", "-o", out,
            "--date", "2026-10-15", "--templates", layouts]
    assert _invoke(*args)[0] == 0
    _template_link(layouts, out, "附件4")
    before = snapshot(layouts)
    assert "硬链接" in _refused(run, *args, "--force")
    assert snapshot(layouts) == before


def test_roster_check_json_over_the_roster_is_refused(run):
    _refused(run, "roster", "check", run["roster"], "--json", run["roster"], "--force")


def test_annual_eligible_json_over_a_ledger_is_refused(run):
    _refused(run, "annual", "eligible", "-r", run["roster"], *run["ledgers"], "--json", run["ledger"], "--force")


def test_followup_check_json_over_a_returned_list_is_refused(run, returned):
    listed = sorted(returned.glob("*.xlsx"))[0]
    before = snapshot(returned)
    _refused(run, "followup", "check", returned, "-r", run["roster"], "--json", listed, "--force")
    assert snapshot(returned) == before
