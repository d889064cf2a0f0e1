"""What the pipelines read before any rule runs: the roster, and the forms of a folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import KaopingError
from ..models import Finding, FormKind, Roster, Severity
from ..paths import count_workbook_names, require_file
from ..rules.settings import Settings

OnFile = Callable[[Any], None]  # called once per workbook read, with what was read


def count_workbooks(folder: Path) -> int:
    """How many files a pipeline will read below `folder` (for a progress bar)."""
    folder = Path(folder)
    return count_workbook_names(folder) if folder.is_dir() else 0


def load_roster(path: Path | None, settings: Settings) -> tuple[Roster | None, list[Finding]]:
    """(Roster, findings) from an optional --roster; (None, []) when it was not given."""
    if path is None:
        return None, []
    from ..excel.roster import read_roster

    return read_roster(require_file(path, "花名册"), limits=settings.limits)


def read_forms(folder: Path, settings: Settings, *, skip: Path | None = None,
               on_file: OnFile | None = None) -> tuple[list[object], list[Finding], list[Path]]:
    """Every form below `folder`, the readers' findings, and the 问题清单 kaoping wrote there
    (`is_own_output`), for `week check`/`month check`.

    `skip` is this run's own 问题清单 when it is written inside `folder`: a previous run's copy
    is no form and needs no finding. Only a 问题清单 is skipped: a form at that path is read
    (and the writer refuses to replace it)."""
    from .batch import read_folder

    folder = Path(folder)
    if not folder.is_dir():
        raise KaopingError("找不到文件夹（或不是文件夹）", file=str(folder))
    if not count_workbooks(folder):
        raise KaopingError("文件夹中没有 Excel 表格（.xlsx）", file=str(folder))
    skipped = skip.resolve() if skip is not None else None
    forms: list[object] = []
    findings: list[Finding] = []
    own: list[Path] = []
    for result in read_folder(folder, limits=settings.limits):
        if on_file is not None:
            on_file(result)
        if is_own_output(result):
            own.append(result.path)
            if skipped is not None and result.path.resolve() == skipped:
                continue
        forms.extend(result.forms)
        findings.extend(result.findings)
    return forms, findings, own


def is_own_output(result: Any) -> bool:
    """A 问题清单 kaoping wrote (its `_kaoping` sheet says so): it may be replaced by a
    re-run's list, unlike every other file of the folder."""
    return result.kind == FormKind.PROBLEMS


def read_returned(folder: Path, read: Callable[..., Any], settings: Settings, *, what: str,
                  rule: str, severity: Severity, on_file: OnFile | None = None
                  ) -> tuple[list[Any], list[Finding], int]:
    """Every returned workbook below `folder` that `read` (a reader of returned 记实表 or
    名单: each result has `problem` and `other_kind`) can use; a finding (`rule`, `severity`)
    for each file that is none, except kaoping workbooks of other kinds (skipped quietly);
    and how many files were looked at. `what` names the folder in the error when it is missing."""
    from ..paths import scan_workbooks
    from ..rules.catalog import finding

    if not Path(folder).is_dir():
        raise KaopingError(f"找不到{what}所在的文件夹", file=str(folder))
    found, findings, files = [], [], 0
    for path in scan_workbooks(Path(folder)):
        files += 1
        result = read(path, limits=settings.limits)
        if on_file is not None:
            on_file(result)
        if result.problem is None:
            found.append(result)
        elif not result.other_kind:
            findings.append(finding(rule, f"{result.problem}，未计入", severity=severity,
                                    file=str(path), sheet=getattr(result, "sheet", None)))
    return found, findings, files
