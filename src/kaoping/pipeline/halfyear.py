"""`kaoping halfyear forms` and `kaoping halfyear tally` as library calls (§四(四)).

- `run_halfyear_forms(roster, half, out, …)` → `HalfyearFormsRun`: one 干部成长考核考察记实表
  per cadre assessed and one 集中测评票 per unit (`forms.halfyear`), the maximum ticks from
  the arguments, else `settings.halfyear`;
- `run_tally(ballots, outputs=…)` → `TallyRun`: the returned 集中测评票 of the files and
  folders given, read (`excel.ballots`) and counted (`rules.ballots`); `report.tally` writes
  the 推荐结果 workbook.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import KaopingError
from ..models import Finding
from ..periods import Half
from ..rules.ballots import Ballot, Tally, count_ballots
from ..rules.settings import Settings

if TYPE_CHECKING:
    from ..forms.halfyear import HalfyearForms

NO_BALLOTS = "没有找到要统计的测评票（.xlsx 文件）"


# ---------------------------------------------------------------- tally (§四(四)2)


@dataclass
class TallyRun:
    tally: Tally
    files: list[Path]  # the files given (folders listed), the outputs in `own` left out
    own: list[Path] = field(default_factory=list)  # outputs that exist and are no ballot

    @property
    def findings(self) -> list[Finding]:
        return self.tally.findings


def own_outputs(outputs: Sequence[Path | None], settings: Settings) -> list[Path]:
    """Of the outputs named, the existing files that are no ballot (an earlier 推荐结果 or
    问题清单): not counted, and they may be replaced. An output path that is a ballot stays
    an input."""
    from ..excel.ballots import read_ballot

    given = [Path(p) for p in outputs if p is not None]
    return [p for p in given if p.is_file() and not read_ballot(p, limits=settings.limits).is_ballot]


def ballot_files(ballots: Sequence[Path], *, skip: Sequence[Path] = ()) -> list[Path]:
    """The files given, each folder as the workbooks below it (`paths.scan_workbooks`),
    without the files of `skip`."""
    from ..paths import scan_workbooks

    files: list[Path] = []
    for p in map(Path, ballots):
        files.extend(scan_workbooks(p) if p.is_dir() else [p])
    skipped = {p.resolve() for p in skip}
    return [f for f in files if f.resolve() not in skipped]


def tally_ballots(paths: Sequence[Path], *, settings: Settings | None = None,
                  on_file: Callable[[Path], None] | None = None) -> Tally:
    """Read every ballot (each file once, however often it is named) and count them."""
    from ..excel.ballots import read_ballot

    settings = settings or Settings()
    ballots: list[Ballot] = []
    seen: set[Path] = set()
    for path in map(Path, paths):
        if (key := path.resolve()) in seen:
            continue
        seen.add(key)
        ballots.append(read_ballot(path, limits=settings.limits))
        if on_file:
            on_file(path)
    return count_ballots(ballots)


def run_tally(ballots: Sequence[Path], *, outputs: Sequence[Path | None] = (),
              settings: Settings | None = None,
              before_read: Callable[[list[Path], list[Path]], None] | None = None,
              on_file: Callable[[Path], None] | None = None) -> TallyRun:
    """Tally the ballots of the files and folders given. `outputs`: the files the caller will
    write; those that exist and are no ballot (this command's earlier result or 问题清单 among
    the ballots) are not counted and listed in `own`. `before_read(files, own)` is called once
    the files are listed, before any is read (the CLI refuses its outputs there and sizes its
    progress bar); `on_file(path)` after each file read. Raises `KaopingError` when no file
    is left to read."""
    settings = settings or Settings()
    own = own_outputs(outputs, settings)
    files = ballot_files(ballots, skip=own)
    if before_read is not None:
        before_read(files, own)
    if not files:
        raise KaopingError(NO_BALLOTS)
    return TallyRun(tally_ballots(files, settings=settings, on_file=on_file), files, own)


# ---------------------------------------------------------------- forms (§四(四)1, 2)


@dataclass
class HalfyearFormsRun:
    forms: HalfyearForms
    half: Half
    findings: list[Finding] = field(default_factory=list)  # roster + ledgers + generation


def max_ticks_of(max_ticks: int | None, ratio: float | None,
                 settings: Settings) -> tuple[int | None, float | None]:
    """(max_ticks, ratio): the ones given, else `settings.halfyear`'s (its max_ticks before
    its ticks_ratio). Raises `KaopingError` when there is neither: the measures set none."""
    from ..forms.halfyear import NO_MAX_TICKS

    if max_ticks is None and ratio is None:
        given = settings.halfyear
        max_ticks, ratio = given.max_ticks, given.ticks_ratio if given.max_ticks is None else None
    if max_ticks is None and ratio is None:
        raise KaopingError(NO_MAX_TICKS)
    return max_ticks, ratio


def run_halfyear_forms(roster_path: Path, half: Half, out: Path, *, ledgers: Sequence[Path] = (),
                       unit: str | None = None, max_ticks: int | None = None,
                       ratio: float | None = None, settings: Settings | None = None,
                       force: bool = False, inputs: Sequence[Path | None] = (),
                       on_start: Callable[[int], None] | None = None,
                       on_progress: Callable[[Path], None] | None = None) -> HalfyearFormsRun:
    """Write the half's 记实表 and 集中测评票 into `out` from the roster (and the 季度结果台账
    of its two quarters, which pre-fill the records). The maximum ticks are checked before
    anything is read (`max_ticks_of`). `inputs`: further files the run read (kaoping.toml),
    never written over, like the roster and the ledgers. `on_start(n)` is called once the
    roster is read, with the number of 记实表 to write; `on_progress(path)` after each form
    written."""
    from ..excel.roster import read_roster
    from ..forms.halfyear import generate_halfyear_forms, half_staff
    from ..report.annual import read_ledgers

    settings = settings or Settings()
    max_ticks, ratio = max_ticks_of(max_ticks, ratio, settings)
    roster, findings = read_roster(Path(roster_path), limits=settings.limits)
    books, found = read_ledgers([Path(p) for p in ledgers], limits=settings.limits)
    if on_start is not None:
        on_start(sum(1 for p in half_staff(roster, half) if unit is None or p.unit == unit))
    forms = generate_halfyear_forms(roster, half, Path(out), ledgers=books, unit=unit,
                                    max_ticks=max_ticks, ratio=ratio, force=force,
                                    on_progress=on_progress,
                                    inputs=[roster_path, *ledgers, *inputs])
    return HalfyearFormsRun(forms, half, [*findings, *found, *forms.findings])
