"""kaoping profile: one 干部画像 workbook per person from the 季度结果台账."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .examples import epilog
from .common import SettingsOpt, guarded


def register(app: typer.Typer) -> None:
    """Add `kaoping profile` to the main app (a single command, not a group)."""
    app.command("profile", epilog=epilog("profile"), help="按季度结果台账为每人输出一份干部画像（每年一页 A4，含各季度等次、出勤、"
                                "不定档、年度结果和等次变化图）。")(profile)


@guarded
def profile(
    ledgers: Annotated[list[Path], typer.Argument(
        metavar="台账", help="quarter report 输出的季度结果台账（可多年），如 报送/2026Q*/季度结果台账-*.xlsx")],
    roster: Annotated[Path, typer.Option("--roster", "-r", help="花名册文件（.xlsx）")],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出文件夹：OUT/<单位>/干部画像-<姓名>-<工号>.xlsx")],
    person: Annotated[Optional[str], typer.Option(
        "--person", help="只输出此人（工号，或花名册中唯一的姓名）")] = None,
    records: Annotated[Optional[Path], typer.Option(
        "--records", help="收回的干部成长考核考察记实表所在文件夹：写入各年的半年个别谈话")] = None,
    settings_path: SettingsOpt = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的干部画像")] = False,
    pdf: Annotated[bool, typer.Option("--pdf", help="同时用 LibreOffice 输出 PDF（放在各 .xlsx 旁）")] = False,
) -> None:
    """干部画像（§四(四)1）：身份信息；每个季度的自评、领导评价、考核结果、应出勤/实际出勤/出勤率、
    不定档类别及起止、受表彰直接定好/直接定较差；全年次数、年度结果运用、登记表“平时考核结果”、
    应谈话提醒/批评教育的季度；等次变化图。给几年的台账就有几年，每年一页 A4。

    退出码：0 无错误，1 台账或花名册中有错误（仍输出），2 无法运行。
    """
    from ..config import DEFAULT_NAME as DEFAULT_SETTINGS
    from ..config import load_settings
    from ..pipeline.profile import run_profile
    from ..report.profile import write_profiles
    from .common import console, exit_code, print_findings

    if pdf:
        from ..output.pdf import require_soffice

        require_soffice()  # say so before any work when LibreOffice is missing
    settings = load_settings(settings_path)
    run = run_profile(roster, ledgers, person=person, records=records, settings=settings)
    if run.findings:
        print_findings(run.findings, title="花名册与台账中的问题")
    inputs = [roster, *ledgers, records, settings_path or Path(DEFAULT_SETTINGS)]
    written = write_profiles(run.profiles, out, settings, force=force, inputs=inputs, pdf=pdf)
    years = "、".join(f"{y}年" for y in run.years)
    console().print(f"[bold]已输出 {len(written)} 份干部画像[/]（{years}）：{out}")
    raise typer.Exit(exit_code(run.findings))
