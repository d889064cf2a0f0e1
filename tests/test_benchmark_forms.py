"""`kaoping forms` for a whole roster stamps one template per period: every form it writes
has the layout, protection, drop-downs and print settings of a form built on its own."""

from __future__ import annotations

from pathlib import Path

import pytest


def _workbook_facts(path: Path) -> list:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    facts: list = []
    for ws in wb.worksheets:
        facts.append(("sheet", ws.title, ws.sheet_state, ws.protection.sheet, ws.print_area,
                      ws.page_setup.orientation, ws.page_setup.fitToHeight))
        facts.append(sorted(str(r) for r in ws.merged_cells.ranges))
        facts.append(sorted((str(dv.sqref), dv.type, dv.formula1, dv.showErrorMessage)
                            for dv in ws.data_validations.dataValidation))
        facts.append(sorted((r, d.height) for r, d in ws.row_dimensions.items()))
        facts.append(sorted((c, d.width) for c, d in ws.column_dimensions.items()))
        for row in ws.iter_rows():
            for cell in row:
                facts.append((cell.coordinate, cell.value, cell.data_type, cell.number_format,
                              cell.font.name, cell.font.b, cell.protection.locked,
                              cell.alignment.horizontal, cell.alignment.wrap_text,
                              cell.border.left.style))
    return facts


@pytest.mark.parametrize("period", ["2026-07", "2026Q3"])
def test_stamped_batch_forms_equal_built_forms(tmp_path, period):
    from kaoping.forms.routine import generate_forms, monthly_workbook, quarterly_workbook
    from kaoping.models import Person, RankCategory, Roster
    from kaoping.periods import parse_month, parse_quarter

    per = parse_month(period) if "-" in period else parse_quarter(period)
    C = RankCategory.CLERK
    people = [
        Person(staff_id="1", name="张三", unit="办公室", section="综合科", post="科员", rank_category=C),
        Person(staff_id="2", name="李四", unit="财务处", rank_category=C),  # no 科室, no 职务
        Person(staff_id="3", name="王<五>", unit="A&B 分中心", section="信贷科", rank_category=C),
        Person(staff_id="4", name="赵六", unit="鹿城分中心", post="副科长 & 主任科员", rank_category=C),
        Person(staff_id="5", name="张三", unit="鹿城分中心", section="综合科", post="科员",
               rank_category=C),  # same name: -工号 in the file name
        Person(staff_id="6", name="钱七", unit="瓯海分中心", post=" 科员", rank_category=C),  # built
        Person(staff_id="7", name="孙\x07八", unit="瓯海分中心", post="科员", rank_category=C),  # built
        Person(staff_id="KAOPINGSTAMP0X", name="周九", unit="瓯海分中心", rank_category=C),  # built
    ]
    from kaoping.forms.routine import _FormStamp

    stamp = _FormStamp(per)
    assert [stamp.bytes_for(p) is not None for p in people] == [True] * 5 + [False] * 3
    written = generate_forms(Roster(people=people), per, tmp_path / "out")
    assert len(written) == len(people)
    for person, path in zip(people, written, strict=True):
        wb = monthly_workbook(person, per) if "-" in period else quarterly_workbook(person, per)
        ref = tmp_path / f"ref-{person.staff_id}.xlsx"
        wb.save(ref)
        assert _workbook_facts(path) == _workbook_facts(ref), person
