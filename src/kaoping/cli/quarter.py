"""kaoping quarter …"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import EXIT_FINDINGS, JsonOpt, ProblemsOpt, SettingsOpt, TemplatesOpt, guarded
from .examples import epilog
from .seats import quota

app = typer.Typer(help="季度评价（附件3）：检查、定档核比例、输出备案表（附件4、附件5）和季度结果台账",
                  no_args_is_help=True)

_ATTENDANCE_HELP = ("考勤表（可选，.xlsx）：按表头识别 工号、月份（2026-07 / 2026年7月 / 日期）、"
                    "病事假（或 病假、事假 两列）、年休、调休、法定假期；同一人同一月以考勤表为准，替代月度小结中的天数")

app.command("quota", epilog=epilog("quarter quota"))(quota)

FolderArg = Annotated[Path, typer.Argument(metavar="文件夹", help="收回的季度评价表（及当季月度小结）所在文件夹，含子文件夹")]
RosterOpt = Annotated[Path, typer.Option("--roster", "-r", help="花名册文件（.xlsx）")]
PeriodOpt = Annotated[Optional[str], typer.Option(
    "--period", "-p", help="季度，如 2026Q3；不给时按表格中的季度（须一致）")]
AttendanceOpt = Annotated[Optional[Path], typer.Option("--attendance", "-a", help=_ATTENDANCE_HELP)]
UnitOpt = Annotated[Optional[list[str]], typer.Option(
    "--unit", "-u", help="只处理这些单位（可重复）；共用一个考核组的单位须一起给出。不给时处理花名册中的全部单位，"
                         "某个单位一份表也没有收到时报错误")]


def _run(roster: Path, folder: Path, period: str | None, attendance: Path | None,
         settings, units: list[str] | None = None, *, quiet: bool = False):
    """Shared by check and report: the library pipeline with a progress bar (`settings`: the
    kaoping.toml the command already read)."""
    from ..periods import parse_quarter
    from ..pipeline import run_quarter
    from .common import with_progress

    from ..errors import NoFormsError
    from .common import print_findings

    quarter = parse_quarter(period) if period else None
    try:
        return with_progress(folder, "读取表格", lambda on_file: run_quarter(
            roster, folder, quarter=quarter, attendance_path=attendance, settings=settings,
            on_file=on_file, units=units or None), quiet=quiet)
    except NoFormsError as exc:
        if exc.findings:  # why the folder's files gave no form (unreadable…): screen only
            print_findings(exc.findings, title="读取文件夹时发现的问题")
        raise


def _pct(x: float | None) -> str:
    from ..rules.attendance import format_ratio  # same text as in the findings

    return format_ratio(x)


# The summary's columns: short headers, explained by the legend under the table.
_SUMMARY_COLUMNS = (("单位/考核组", "name"), ("参加", "value"), ("好", "value"), ("上限", "value"),
                    ("比例", "value"), ("较好", "value"), ("一般", "value"), ("较差", "value"),
                    ("不定", "value"), ("未参", "value"), ("错误", "value"), ("警告", "value"))
_SUMMARY_LEGEND = ("注：参加＝实际参加考核人数；好＝“好”等次人数，括号内为其中受表彰直接定好的人数；"
                   "比例＝不含表彰的“好”等次÷核定基数，上限按考核组核定；不定＝不确定等次；未参＝未参加考核。")


def _summary_cells(row) -> list:
    """One summary row as cells (Text: unit names are user input, never markup)."""
    from rich.text import Text

    from ..models import Outcome

    red = "bold red"
    good = f"{row.good}({row.commended})" if row.commended else str(row.good)
    ratio = Text("" if row.level else _pct(row.ratio))
    if row.over and not row.level:
        ratio.append("超", style=red)
    label = Text("└ " + row.label) if row.level else Text(row.label, style="bold")
    counts = [str(row.counts[o]) for o in (Outcome.FAIRLY_GOOD, Outcome.AVERAGE, Outcome.POOR,
                                           Outcome.UNDETERMINED, Outcome.ABSENT)]
    return [label, str(row.participants), Text(good, style=red if row.over else ""),
            "" if row.cap is None else str(row.cap), ratio, *counts,
            Text(str(row.errors), style=red if row.errors else ""), str(row.warnings)]


def _centre_note(rows) -> str | None:
    """How the 全中心 row's 上限 and 比例 read, as 附件4 explains them."""
    centre = next((r for r in rows if r.label == "全中心" and not r.level), None)
    if centre is None or not centre.participants:
        return None
    with_commended = _pct(centre.good / centre.participants)
    commended = (f"不含受表彰直接定好的 {centre.commended} 人" if centre.commended else "无受表彰直接定好的人")
    return (f"全中心：上限 {centre.cap} 人是各考核组上限之和（“好”等次比例按考核组核定，§四(三)3）；"
            f"比例 {_pct(centre.ratio)} {commended}；附件4 全中心表的“好等次比例”含表彰："
            f"{centre.good}÷{centre.participants}＝{with_commended}。")


def _print_summary(run) -> None:
    from ..pipeline import summary_rows
    from .common import console
    from .tables import Column, print_table

    q = run.quarter
    con = console()
    wd = f"；本季度工作日 {run.workdays:g} 天" if run.workdays is not None else ""
    con.print(f"[bold]{q.label}评价检查[/]：读取文件 {run.files} 个，"
              f"季度评价表 {run.evaluations} 份，当季月度小结 {run.summaries} 份{wd}")
    columns = [Column(h, kind, "left" if kind == "name" else "right") for h, kind in _SUMMARY_COLUMNS]
    rows = summary_rows(run)
    note = _centre_note(rows)
    print_table(con, columns, [_summary_cells(row) for row in rows],
                title="各单位（考核组）定档与“好”等次比例（§四(三)3）",
                legend=_SUMMARY_LEGEND + ("\n" + note if note else ""))


def _write_problems(run, folder: Path, problems: Path | None, force: bool, inputs=(),
                    announce: bool = True, templates: Path | None = None) -> None:
    from .common import write_problems

    q = run.quarter
    write_problems(run.findings, problems, force=force, inputs=inputs, announce=announce, base=folder,
                   templates=templates, title=f"{q.label}评价问题清单")


@app.command("check", epilog=epilog("quarter check"))
@guarded
def check(
    folder: FolderArg,
    roster: RosterOpt,
    period: PeriodOpt = None,
    attendance: AttendanceOpt = None,
    settings_path: SettingsOpt = None,
    problems: ProblemsOpt = None,
    json_path: JsonOpt = None,
    force: Annotated[bool, typer.Option("--force", help="问题清单、JSON 报告文件已存在时覆盖")] = False,
    unit: UnitOpt = None,
    templates: TemplatesOpt = None,
) -> None:
    """检查季度评价表：勾选档次、“好”等次比例、表彰/直接定较差的说明、出勤是否达标、不定档人员、
    应交未交（Q1–Q8），按单位（考核组）汇总。

    出勤取自文件夹中当季三个月的月度小结（或 --attendance 考勤表）。
    退出码：0 无错误，1 有错误，2 无法运行。
    """
    from ..config import load_settings, settings_file
    from ..pipeline.report_json import quarter_report
    from .common import (exit_code, json_to_stdout, print_findings, problems_templates, refuse_existing,
                         run_inputs, write_json)

    settings = load_settings(settings_path)
    layouts = problems_templates(templates, settings, problems)
    refuse_existing(problems, json_path, force=force, files=[roster, attendance, settings_file(settings_path)])
    quiet = json_to_stdout(json_path)
    run = _run(roster, folder, period, attendance, settings, unit, quiet=quiet)
    shown = {"folder": folder, "roster": roster, "attendance": attendance, "units": unit}
    inputs = run_inputs(roster, folder, attendance, layouts, settings_path=settings_path, own=run.own)
    if write_json(lambda: quarter_report(run, inputs=shown, settings_file=settings_file(settings_path)),
                  json_path, force=force, inputs=inputs):
        _write_problems(run, folder, problems, force, inputs, announce=False, templates=layouts)
        raise typer.Exit(exit_code(run.findings))
    _print_summary(run)
    print_findings(run.findings, title="季度评价问题")
    _write_problems(run, folder, problems, force, inputs, templates=layouts)
    raise typer.Exit(exit_code(run.findings))


@app.command("report", epilog=epilog("quarter report"))
@guarded
def report(
    folder: FolderArg,
    roster: RosterOpt,
    out: Annotated[Path, typer.Option("--out", "-o", help="输出文件夹")],
    period: PeriodOpt = None,
    attendance: AttendanceOpt = None,
    settings_path: SettingsOpt = None,
    problems: ProblemsOpt = None,
    report_date: Annotated[Optional[str], typer.Option(
        "--date", help="填报日期，如 2026-10-15；不给时附件4、附件5 的日期留空（“年 月 日”），打印后手写")] = None,
    centre_name: Annotated[Optional[str], typer.Option(
        "--centre-name", help="全中心汇总表的呈报单位名称；不给时取 kaoping.toml 的 [centre] name"
                              "（默认“全中心”）")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="覆盖已存在的输出文件（不会因此在仍有错误时输出）")] = False,
    allow_errors: Annotated[bool, typer.Option(
        "--allow-errors", help="仍有错误时也输出；每个附件4、附件5都写明“未通过检查”，台账带标记，年度综评时报错")] = False,
    pdf: Annotated[bool, typer.Option(
        "--pdf", help="同时用 LibreOffice 把附件4、附件5 输出为 PDF（放在各 .xlsx 旁），便于打印盖章")] = False,
    unit: UnitOpt = None,
    templates: TemplatesOpt = None,
) -> None:
    """输出季度备案材料：每个单位和全中心的《公务员平时考核结果备案表》（附件4）、
    《好、一般、较差、不确定等次、未参加考核人员名单表》（附件5）（全中心表附各单位统计图），
    以及年度综评要读取的《季度结果台账》。

    输出：OUT/<单位>/附件4-备案表-2026Q3.xlsx、OUT/<单位>/附件5-名单表-2026Q3.xlsx、
    OUT/全中心/…、OUT/季度结果台账-2026Q3.xlsx；加 --unit 时只输出这些单位的表和
    OUT/季度结果台账-2026Q3-<单位>.xlsx，不输出全中心表。
    文件夹中没有该季度的季度评价表时不输出任何文件（退出码 2）。
    仍有“错误”时不输出（退出码 1），改正后重试；确需先行输出加 --allow-errors（每份输出都标明未通过检查）。
    输出文件已存在时加 --force 覆盖。
    退出码：0 无错误，1 有错误，2 无法运行。
    """
    import datetime as dt

    from ..config import load_settings, settings_file
    from ..errors import ErrorsLeftError, KaopingError
    from ..pipeline import write_quarter_report
    from ..report.annex_templates import check_templates
    from ..report.filing import FILING_TEMPLATES
    from .common import console, exit_code, print_findings, problems_templates, refuse_existing, run_inputs

    if pdf:
        from ..output.pdf import require_soffice

        require_soffice()  # say so before any work when LibreOffice is missing
    day = None
    if report_date:
        try:
            day = dt.date.fromisoformat(report_date.strip())
        except ValueError:
            raise KaopingError(f"无法识别的日期「{report_date}」，请写成 2026-10-15") from None
    settings = load_settings(settings_path)
    layouts = problems_templates(templates, settings, problems)
    check_templates(FILING_TEMPLATES, layouts)  # a wrong template stops before the slow read
    refuse_existing(problems, force=force, files=[roster, attendance, settings_file(settings_path)])
    run = _run(roster, folder, period, attendance, settings, unit)
    # Everything the run read: no output may be written over it, --force or not.
    inputs = run_inputs(roster, folder, attendance, layouts, settings_path=settings_path, own=run.own)
    con = console()
    _print_summary(run)
    print_findings(run.findings, title="季度评价问题")
    _write_problems(run, folder, problems, force, inputs, templates=layouts)
    try:
        written = write_quarter_report(run, out, inputs=inputs, force=force,
                                       allow_errors=allow_errors, report_date=day,
                                       centre_name=centre_name, pdf=pdf, template_dir=layouts)
    except ErrorsLeftError as exc:
        con.print(f"[bold red]仍有 {exc.errors} 条错误，未输出备案表[/]。请按问题清单改正后重试；"
                  "如确需先行输出（每份输出都会标明未通过检查），请加 --allow-errors。"
                  + ("（--force 只用于覆盖已存在的文件。）" if force else ""))
        raise typer.Exit(EXIT_FINDINGS) from None
    con.print(f"[bold]已输出 {len(written)} 个文件[/]：")
    for path in written:
        con.print(f"  {path}")
    if pdf:
        from ..report.filing import printed

        con.print(f"[bold]已用 LibreOffice 输出 {len(printed(written))} 个 PDF[/]（与同名 .xlsx 放在一起）。")
    if day is None:
        con.print("附件4、附件5 的填报日期留空（“年 月 日”），打印后手写；要填上日期请加 --date 2026-10-15。")
    if run.errors:
        con.print(f"[yellow]注意：仍有 {run.errors} 条错误（已按 --allow-errors 输出，附件4、附件5 上均已注明"
                  "“未通过检查”，台账带有标记，年度综评时会报错），请改正后重新输出再备案。[/]")
    raise typer.Exit(exit_code(run.findings))
