"""The machine-readable report of a check (`--json PATH` on every check command).

One JSON object a run, in the spirit of a frictionless validation report: whether the input
is `valid` (no 错误), `stats` counted by severity and by rule, and the `findings` as flat
records with the same keys every time (null where a finding has no value), so an IT
colleague can load them into a spreadsheet or a database without knowing kaoping. The
schema, field by field, is docs/JSON报告.md; `SCHEMA` changes when a field changes meaning
or goes away (a field added keeps it).

The report is built here, from the run; the CLI only writes it (to a file or stdout).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.metadata
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from enum import Enum
from pathlib import Path
from typing import Any

from ..models import Finding, Severity
from ..rules.catalog import BY_ID
from ..rules.settings import Settings

SCHEMA = "kaoping-report/1"

# Severity → a code for programs that would rather not match Chinese words.
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}

# Every finding record has exactly these keys, in this order.
FINDING_KEYS = ("rule", "title", "clause", "severity", "level", "unit", "person", "staff_id",
                "file", "sheet", "cell", "message", "fix")

REPORT_KEYS = ("schema", "tool", "command", "valid", "inputs", "settings", "stats", "findings",
               "summary")


def tool_version() -> str:
    """The installed kaoping's version (the wheel's metadata, as `pip show kaoping` gives it)."""
    try:
        return importlib.metadata.version("kaoping")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree never installed
        return "unknown"


def finding_record(f: Finding) -> dict[str, Any]:
    """A finding as a flat record; the fix comes from the rule catalogue."""
    rule = BY_ID.get(f.rule)
    return {
        "rule": f.rule, "title": f.title or (rule.title if rule else None),
        "clause": f.clause or (rule.clause if rule else None),
        "severity": f.severity.value, "level": LEVELS[f.severity],
        "unit": f.unit, "person": f.person, "staff_id": f.staff_id,
        "file": f.file, "sheet": f.sheet, "cell": f.cell,
        "message": f.message, "fix": rule.fix if rule else None,
    }


def stats(findings: Sequence[Finding]) -> dict[str, Any]:
    """How many findings, by severity (all three, zero included) and by rule (catalogue order)."""
    by_rule = Counter(f.rule for f in findings)
    order = {rule_id: i for i, rule_id in enumerate(BY_ID)}
    return {
        "findings": len(findings),
        "severity": {s.value: sum(1 for f in findings if f.severity == s) for s in Severity},
        "rules": {r: by_rule[r] for r in sorted(by_rule, key=lambda r: (order.get(r, len(order)), r))},
    }


def _jsonable(value: Any) -> Any:
    """Paths as text, enums as their (Chinese) values, dates as ISO text, dataclasses as
    objects."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, Mapping):
        return {str(_jsonable(k)): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def check_report(command: str, findings: Sequence[Finding], *, inputs: Mapping[str, Any],
                 settings: Settings | None, settings_file: Path | None = None,
                 summary: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The report object of one run of `command` ("quarter check"): `inputs` as the command
    took them (paths, the period), the settings it ran with (and the file they came from,
    null for the defaults; the whole entry null for a command that takes none), and a
    command-specific `summary`."""
    return {
        "schema": SCHEMA,
        "tool": {"name": "kaoping", "version": tool_version()},
        "command": command,
        "valid": not any(f.severity == Severity.ERROR for f in findings),
        "inputs": _jsonable(dict(inputs)),
        "settings": None if settings is None else {
            "file": str(settings_file) if settings_file else None,
            "values": settings.model_dump(mode="json")},
        "stats": stats(findings),
        "findings": [finding_record(f) for f in findings],
        "summary": _jsonable(dict(summary or {})),
    }


def report_text(report: Mapping[str, Any]) -> str:
    """The report as the file holds it: UTF-8 JSON, Chinese unescaped, one key a line; a
    file name that is not valid UTF-8 with its bytes escaped (`paths.shown`: a lone
    surrogate is no UTF-8)."""
    return json.dumps(_shown_text(report), ensure_ascii=False, indent=2) + "\n"


def _shown_text(value: Any) -> Any:
    from ..paths import shown

    if isinstance(value, str):
        return shown(value)
    if isinstance(value, Mapping):
        return {k: _shown_text(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_shown_text(v) for v in value]
    return value


# ---------------------------------------------------------------- one builder a command


def _units(tallies: Sequence[Any]) -> list[dict[str, Any]]:
    return [_jsonable(t) for t in tallies]


def week_report(run: Any, *, inputs: Mapping[str, Any], settings_file: Path | None) -> dict[str, Any]:
    """`week check`: the logs read, the people, and per unit the forms and findings."""
    summary = {"logs": len(run.logs), "people": run.people, "units": _units(run.tallies())}
    return check_report("week check", run.findings, inputs=inputs, settings=run.settings,
                        settings_file=settings_file, summary=summary)


def month_report(run: Any, *, inputs: Mapping[str, Any], settings_file: Path | None) -> dict[str, Any]:
    """`month check`: the month checked, its workdays and per unit 应交/已交/未交 and findings."""
    summary = {"month": str(run.month), "summaries": len(run.batch), "workdays": run.workdays,
               "units": _units(run.tallies())}
    return check_report("month check", run.findings, inputs=inputs, settings=run.settings,
                        settings_file=settings_file, summary=summary)


def quarter_report(run: Any, *, command: str = "quarter check", inputs: Mapping[str, Any],
                   settings_file: Path | None) -> dict[str, Any]:
    """`quarter check` / `quarter report`: what was read and the summary table's rows (per
    quota group, the units inside a multi-unit group, the centre)."""
    from .summary import summary_rows

    summary = {"quarter": str(run.quarter), "files": run.files, "evaluations": run.evaluations,
               "summaries": run.summaries, "workdays": run.workdays,
               "rows": [_jsonable(row) for row in summary_rows(run)]}
    return check_report(command, run.findings, inputs={**inputs, "period": str(run.quarter)},
                        settings=run.settings, settings_file=settings_file, summary=summary)


def year_report(outcome: Any, *, inputs: Mapping[str, Any], settings: Settings | None,
                settings_file: Path | None) -> dict[str, Any]:
    """`annual eligible`: the year's 优秀 candidates and the other counts of §五."""
    from ..report.annual import outcome_json

    summary = {k: v for k, v in outcome_json(outcome).items() if k != "findings"}
    summary["counts"] = {"basic_or_incompetent": len(outcome.basic_or_incompetent),
                         "may_be_incompetent": len(outcome.may_be_incompetent),
                         "incompetent": len(outcome.incompetent)}
    return check_report("annual eligible", outcome.findings, inputs={**inputs, "year": outcome.year},
                        settings=settings, settings_file=settings_file, summary=summary)


def roster_report(run: Any, *, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """`roster check` (a `pipeline.roster.RosterCheck`): people, 在编, per unit (with its
    考核组) and per 职级类别."""
    counts = run.summary
    summary = {"people": counts.total, "on_establishment": counts.on_establishment,
               "units": [{"unit": u, "quota_group": g, "people": n} for u, g, n in counts.by_unit],
               "ranks": {_jsonable(r): n for r, n in counts.by_rank}}
    return check_report("roster check", run.findings, inputs=inputs, settings=None, summary=summary)


def talks_report(run: Any, *, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """`halfyear check`: the half, the records read, and per unit who should have a signed
    记实表, how many have one, and who has none."""
    check = run.check
    units = []
    for unit, due in check.by_unit().items():
        missing = [p for p in due if p.staff_id not in check.signed]
        units.append({"unit": unit, "due": len(due), "signed": len(due) - len(missing),
                      "missing": [{"staff_id": p.staff_id, "name": p.name} for p in missing]})
    summary = {"half": str(check.half), "files": run.files, "units": units}
    return check_report("halfyear check", run.findings, inputs={**inputs, "half": str(check.half)},
                        settings=None, summary=summary)


def followups_report(run: Any, *, inputs: Mapping[str, Any], settings_file: Path | None) -> dict[str, Any]:
    """`followup check`: the day judged, the lists read, and each 谈话提醒/批评教育 with its
    deadline, the day it was done and where it stands."""
    items = [{"quarter": str(i.quarter), "action": i.action, "staff_id": i.person.staff_id,
              "name": i.person.name, "unit": i.person.unit, "due": i.due,
              "done_on": i.entry.done_on, "status": i.status, "file": i.file}
             for i in run.check.items]
    counts = {s: len(run.check.of(s)) for s in ("已落实", "逾期落实", "逾期未落实", "未到期", "无法判断")}
    summary = {"today": run.today, "files": run.files, "lists": run.lists, "counts": counts,
               "items": items}
    return check_report("followup check", run.findings, inputs={**inputs, "date": run.today},
                        settings=run.settings, settings_file=settings_file, summary=summary)
