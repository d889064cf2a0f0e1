"""The 示例 lines at the foot of each command's help screen (its epilog).

One table, so every command has examples and tests/test_cli_chinese.py can parse each one
as the command would. Paths use / (PowerShell and cmd accept it too) and no shell syntax.
"""

from __future__ import annotations

EXAMPLES: dict[str, tuple[str, ...]] = {
    "": ("kaoping quarter check 收回/2026Q3 -r 花名册.xlsx", "kaoping quarter check -h"),
    "calendar": ("kaoping calendar 2026", "kaoping calendar 2026 --ics 考评日历-2026.ics"),
    "rules": ("kaoping rules", "kaoping rules Q5 §四(三)3"),
    "roster template": ("kaoping roster template 花名册.xlsx",
                        "kaoping roster template 花名册.xlsx --units 办公室,财务处"),
    "roster check": ("kaoping roster check 花名册.xlsx",
                     "kaoping roster check 花名册.xlsx --problems 花名册问题.xlsx"),
    "forms monthly": ("kaoping forms monthly -r 花名册.xlsx -p 2026-07 -o 下发/2026-07",),
    "forms quarterly": ("kaoping forms quarterly -r 花名册.xlsx -p 2026Q3 -o 下发/2026Q3",),
    "forms blank": ("kaoping forms blank -o 空白表格",),
    "week check": ("kaoping week check 收回/2026-07 -r 花名册.xlsx",),
    "month check": ("kaoping month check 收回/2026Q3 -r 花名册.xlsx -p 2026-08",),
    "quarter check": ("kaoping quarter check 收回/2026Q3 -r 花名册.xlsx",
                      "kaoping quarter check 收回/2026Q3 -r 花名册.xlsx --problems 问题.xlsx"),
    "quarter report": ("kaoping quarter report 收回/2026Q3 -r 花名册.xlsx -o 备案/2026Q3",
                       "kaoping quarter report 收回/2026Q3 -r 花名册.xlsx -o 备案 --date 2026-10-15"),
    "annual eligible": ("kaoping annual eligible -r 花名册.xlsx 台账/Q1.xlsx 台账/Q2.xlsx",),
    "annual report": ("kaoping annual report -r 花名册.xlsx -o 年度 台账/Q1.xlsx 台账/Q2.xlsx",
                      "kaoping annual report -r 花名册.xlsx -o 年度 --records 收回 台账/Q1.xlsx"),
    "halfyear forms": ("kaoping halfyear forms -r 花名册.xlsx --half 2026H1 -o 半年",
                       "kaoping halfyear forms -r 花名册.xlsx --half 2026H1 -o 半年 -l 台账/Q1.xlsx"),
    "halfyear check": ("kaoping halfyear check 收回/2026H1 -r 花名册.xlsx --half 2026H1",),
    "followup check": ("kaoping followup check 收回/谈话提醒 -r 花名册.xlsx",
                       "kaoping followup check 收回/谈话提醒 -r 花名册.xlsx --date 2026-12-31"),
    "quarter quota": ("kaoping quarter quota -r 花名册.xlsx -p 2026Q3",
                      "kaoping quarter quota 收回/2026Q3 -r 花名册.xlsx -p 2026Q3 -o 名额通知"),
    "explain": ("kaoping explain 收回/2026Q3 -r 花名册.xlsx --person 0001 -p 2026Q3",),
    "profile": ("kaoping profile -r 花名册.xlsx -o 干部画像 台账/Q1.xlsx 台账/Q2.xlsx",
                "kaoping profile -r 花名册.xlsx -o 干部画像 --person 0001 台账/Q1.xlsx",
                "kaoping profile -r 花名册.xlsx -o 画像 --records 收回/2026H1 台账/Q1.xlsx"),
    "halfyear tally": ("kaoping halfyear tally 测评票/办公室.xlsx 测评票/财务处.xlsx -o 计票.xlsx",),
    "templates export": ("kaoping templates export 模板",),
    "templates check": ("kaoping templates check 模板",
                        "kaoping quarter report 收回/2026Q3 -r 花名册.xlsx -o 备案 -t 模板"),
}


def epilog(command: str) -> str:
    """The help screen's 示例 paragraph for `command` ("quarter check"; "" is kaoping itself)."""
    return "示例：\n" + "\n".join(EXAMPLES[command])
