"""The half-year talk records (§四(四)1 个别谈话，填写《干部成长考核考察记实表》): who has a
signed record for the half, and who has none.

A record counts as signed when it holds the talk (个别谈话记录), the interviewer's signature,
a talk date inside the half and the interviewee's signature. Rules:

- H5 警告: a record of the half lacking one of these (named, with the cell): not counted;
- H6 错误: a record that cannot be used — an Excel error value (#REF!…) in its sheet, nobody
  on the roster, another half, a talk date outside the half or unreadable; 警告 for a second
  record of the same person (the signed one, else the first, is kept);
- H7 警告: someone who should have a record (`forms.halfyear.half_staff`) has none at all.

Pure: the records are read elsewhere (`excel.growth.read_growth_record`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..models import Finding, Person, Severity
from ..periods import Half
from .catalog import finding


@dataclass
class TalkCheck:
    """The half's talk records against the people who should have one."""

    half: Half
    expected: list[Person]
    signed: dict[str, Any] = field(default_factory=dict)  # 工号 → the signed record
    unsigned: dict[str, Any] = field(default_factory=dict)  # 工号 → a record lacking a part
    findings: list[Finding] = field(default_factory=list)

    def missing(self) -> list[Person]:
        """Who has no signed record, in roster order."""
        return [p for p in self.expected if p.staff_id not in self.signed]

    def by_unit(self) -> dict[str, list[Person]]:
        out: dict[str, list[Person]] = {}
        for p in self.expected:
            out.setdefault(p.unit, []).append(p)
        return out


def _where(rec: Any, cell: str | None = None) -> dict[str, Any]:
    return dict(file=str(rec.path), sheet=rec.sheet, cell=cell, unit=rec.unit, person=rec.name,
                staff_id=rec.staff_id)


def _person(rec: Any, people: Sequence[Person]) -> Person | None:
    """The roster person of a record: by 工号, else the one of that name (in its unit)."""
    if rec.staff_id:
        return next((p for p in people if p.staff_id == rec.staff_id), None)
    named = [p for p in people if p.name == rec.name and rec.unit in (None, p.unit)]
    return named[0] if len(named) == 1 else None


def unusable(rec: Any, person: Person | None, half: Half) -> Finding | None:
    """H6: an Excel error value in the sheet, nobody on the roster, another half, a date
    outside the half or unreadable."""
    if rec.error_values:
        cell, value = next(iter(rec.error_values.items()))  # the first, in reading order
        return finding("H6", f"记实表的单元格是 Excel 错误值 {value}，kaoping 读出来是空白，无法判断是否已谈话、"
                             "已签字，未计入；请改为应填的内容（谈话记录、签字或日期）后交回", **_where(rec, cell))
    if person is None:
        who = f"工号「{rec.staff_id}」" if rec.staff_id else f"姓名「{rec.name or '（空）'}」"
        return finding("H6", f"记实表上的{who}对不上花名册中应参加本半年考核的人，未计入；请核对姓名、工号",
                       **_where(rec, rec.cells.get("name")))
    if rec.half and rec.half != str(half):
        return finding("H6", f"这是 {rec.half} 的记实表，不是 {half.label} 的，未计入",
                       **_where(rec))
    if rec.talk_date_text:
        return finding("H6", f"谈话日期「{rec.talk_date_text}」无法识别，未计入；请写成 2026年6月15日",
                       **_where(rec, rec.cells.get("talk_line")))
    if rec.talk_date and not half.start <= rec.talk_date <= half.end:
        return finding("H6", f"谈话日期 {rec.talk_date} 不在{half.label}（{half.start}～{half.end}）内，"
                             "未计入；请核对日期，或放到所属半年的文件夹", **_where(rec, rec.cells.get("talk_line")))
    return None


def not_signed(rec: Any, person: Person) -> Finding | None:
    """H5: the record lacks its talk, a signature or the date."""
    missing = rec.missing
    if not missing:
        return None
    cell = rec.cells.get("talk") if missing == ["谈话记录"] else rec.cells.get(
        "signed_line" if missing == ["被谈话人签字"] else "talk_line")
    return finding("H5", f"{person.name}的记实表缺少{'、'.join(missing)}，不算已签字的谈话记录；"
                         "请补齐后交回", **{**_where(rec, cell), "person": person.name,
                                      "staff_id": person.staff_id, "unit": person.unit})


def no_record(p: Person, half: Half) -> Finding:
    """H7: no signed record of the half."""
    return finding("H7", f"{half.label}没有{p.name}已签字的干部成长考核考察记实表（个别谈话）",
                   unit=p.unit, person=p.name, staff_id=p.staff_id)


def check_talks(expected: Sequence[Person], roster_people: Sequence[Person], records: Sequence[Any],
                half: Half) -> TalkCheck:
    """H5–H7 over the half's returned records (in reading order)."""
    check = TalkCheck(half=half, expected=list(expected))
    due = {p.staff_id for p in expected}
    for rec in records:
        person = _person(rec, [p for p in roster_people if p.staff_id in due])
        found = unusable(rec, person, half)
        if found is not None or person is None:
            check.findings += [found] if found else []
            continue
        if person.staff_id in check.signed:
            check.findings.append(finding("H6", f"{person.name}还有一份已签字的记实表（"
                                                f"{Path(check.signed[person.staff_id].path).name}），本份未计入",
                                          severity=Severity.WARNING, **_where(rec)))
            continue
        found = not_signed(rec, person)
        if found is None:
            check.signed[person.staff_id] = rec
            check.unsigned.pop(person.staff_id, None)
        else:
            check.unsigned.setdefault(person.staff_id, rec)
            check.findings.append(found)
    # Someone with an unsigned record is named by H5 already.
    check.findings += [no_record(p, half) for p in check.missing() if p.staff_id not in check.unsigned]
    return check
