"""`kaoping forms monthly|quarterly|blank` as library calls: the blank forms handed out, one
per person due (pre-filled from the roster, `forms.routine.generate_forms`), or the three
unfilled 附件1–3 (`forms.routine.write_templates`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..models import Finding, Roster, Severity
from ..periods import Month, Quarter
from ..rules.settings import Settings

if TYPE_CHECKING:  # not imported with the package (openpyxl is loaded when forms are written)
    from ..output.workbook import Inputs
    from ..rules.seats import Seats

FormsKind = Literal["monthly", "quarterly"]


@dataclass
class FormsRun:
    kind: FormsKind
    period: Month | Quarter
    out: Path
    roster: Roster
    written: list[Path]  # the workbooks, in roster order (a PDF beside each when `pdf`)
    findings: list[Finding] = field(default_factory=list)  # the roster's (R1–R10)
    pdf: bool = False
    # quarterly: the 好 seats of each unit / 考核组 (those of `unit` only, when given) and the centre's
    seats: list[Seats] = field(default_factory=list)
    centre: Seats | None = None

    @property
    def units(self) -> int:
        """How many 单位 folders the forms were written into."""
        return len({p.relative_to(self.out).parts[0] for p in self.written})

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == Severity.ERROR)


def _period(kind: FormsKind, period: Month | Quarter | str) -> Month | Quarter:
    from ..periods import parse_month, parse_quarter

    if isinstance(period, str):
        return parse_month(period) if kind == "monthly" else parse_quarter(period)
    if isinstance(period, Month) != (kind == "monthly"):
        raise ValueError(f"{kind} forms are not for {period}")
    return period


def run_forms(kind: FormsKind, roster_path: Path, period: Month | Quarter | str, out: Path, *,
              unit: str | None = None, force: bool = False, pdf: bool = False,
              template_dir: Path | None = None, settings: Settings | None = None,
              inputs: Inputs = (),
              on_roster: Callable[[Roster, list[Finding]], None] | None = None,
              on_progress: Callable[[int, int, Path], None] | None = None) -> FormsRun:
    """Write one form per person due in `period` below `out` (`OUT/单位/科室/姓名-期间.xlsx`;
    monthly: 附件2 with the month's 附件1 sheets, quarterly: 附件3), all or nothing; for
    quarterly also the seats of `settings` (`pipeline.quota.seats_of`). `settings.limits`
    bound the roster's read. `on_roster(roster, findings)` once the roster is read, before
    any form is written; `on_progress(i, total, path)` after each form. The roster, the
    template folder and `inputs` (kaoping.toml) are never written over. Raises `KaopingError`
    when the command cannot run (with --pdf: LibreOffice missing, before anything is read)."""
    from ..excel.roster import read_roster
    from ..forms.routine import generate_forms
    from ..paths import require_file
    from .quota import seats_of

    if pdf:
        from ..output.pdf import require_soffice

        require_soffice()  # say so before any work when LibreOffice is missing
    per = _period(kind, period)
    settings = settings or Settings()
    roster, findings = read_roster(require_file(roster_path, "花名册"), limits=settings.limits)
    if on_roster is not None:
        on_roster(roster, findings)
    written = generate_forms(roster, per, Path(out), unit=unit, force=force, on_progress=on_progress,
                             inputs=[roster_path, *inputs, template_dir], pdf=pdf,
                             template_dir=template_dir)
    run = FormsRun(kind, per, Path(out), roster, written, findings, pdf)
    if isinstance(per, Quarter):
        seats, run.centre = seats_of(roster, per, settings)
        run.seats = [s for s in seats if unit is None or unit in s.units]
    return run


def run_blank_forms(out: Path, *, force: bool = False,
                    template_dir: Path | None = None) -> list[Path]:
    """The unfilled 附件1–3 written into `out` (for forms handed out by hand). Without `force`,
    any of them already there is refused, naming them all, before anything is written."""
    from ..errors import OutputExistsError
    from ..forms.routine import TEMPLATE_NAMES, write_templates

    out = Path(out)
    existing = [p for p in (out / name for name in TEMPLATE_NAMES.values()) if p.exists()]
    if existing and not force:
        raise OutputExistsError("以下文件已存在：" + "、".join(p.name for p in existing)
                                + "；未写入任何文件。如确需覆盖，请加 --force", file=str(out))
    return write_templates(out, force=force, template_dir=template_dir)
