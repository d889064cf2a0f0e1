"""docs/规则.md from the rule catalogue (src/kaoping/rules/catalog.py): every rule, by scope.

    python scripts/build_docs.py            # write docs/规则.md
    python scripts/build_docs.py --check    # exit 1 when docs/规则.md is not what it would write

The page is generated, never edited by hand: a rule added to the catalogue is documented by
running this script (tests/test_docs.py fails until then).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES_PAGE = ROOT / "docs" / "规则.md"
sys.path.insert(0, str(ROOT / "src"))  # run from a checkout without installing

from kaoping.rules.catalog import RULES, Rule  # noqa: E402

# Scope → (heading, which forms and commands it concerns). Scopes are listed in the cycle's
# order; a scope the catalogue gains later still gets a section (its name as heading).
SCOPES: dict[str, tuple[str, str]] = {
    "文件": ("读取文件（所有表格）",
           "kaoping 自己对收回文件的检查（条款写作 kaoping），所有检查命令都会报告。"),
    "花名册": ("花名册（§二 考评对象）",
            "`roster check` 报告；其他读取花名册的命令（forms、month check、quarter check 等）也会列出。"),
    "考勤表": ("考勤表（§四(三)4(3)）", "`quarter check` / `quarter report` 加 `--attendance` 时报告。"),
    "一周小记": ("一周小记（附件1，§四(一)）",
             "`week check`、`month check`、`quarter check` 报告（月度小结工作簿中附的各周也检查）。"),
    "月度小结": ("月度小结（附件2，§四(二)）", "`month check`、`quarter check` 报告。"),
    "季度评价": ("季度评价（附件3，§四(三)）", "`quarter check` / `quarter report` 报告。"),
    "年度": ("年度（§五 结果运用）",
           "`annual eligible` / `annual report` 报告。Y0 出现在问题清单中；Y1–Y4 不是问题，而是年度综评"
           "工作簿中的名单（工作表“优秀候选(Y1)”“基本称职或不称职(Y2)”等）。"),
    "半年": ("半年考核（§四(四)）", "`halfyear forms` / `halfyear tally` 报告。"),
}

HEADER = """\
# 规则一览

<!-- 本页由 scripts/build_docs.py 根据 src/kaoping/rules/catalog.py 生成，请勿手工修改。 -->

kaoping 报告的每一条问题都带一个规则编号（问题清单的“规则”一列），本页按编号列出它检查什么、
依据哪一条款、问题清单里会是什么级别，以及怎么改。条款写法：`§四(三)3` 指《干部日常考评管理办法
（试行）》（温公积金〔2021〕46号）第四部分第（三）项第3点；`附件3 注` 指附件3 表下的注；
`kaoping` 指 kaoping 为读懂文件而做的检查，不对应某一条款。

级别：

- **错误**：必须改正。命令退出码为 1；`quarter report` 在仍有错误时不输出备案表（加 `--allow-errors` 才输出，输出上标明“未通过检查”）。
- **警告**：需要核实或跟进，不挡输出。
- **提示**：供参考，一般无需处理。

“级别”一列先写这条规则通常的级别；同一规则视情况可能报不同级别的，其余级别写在括号里
（例如 Q8：漏交是警告，名单外人员的表格是错误）。每条规则在什么情况下怎么判断，见
[解读](解读.md)；各项阈值怎么改，见 [设置](设置.md)。
"""


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _levels(r: Rule) -> str:
    others = [s.value for s in r.levels if s != r.severity]
    return r.severity.value + (f"（也可为{'、'.join(others)}）" if others else "")


def _scopes(rules: Iterable[Rule]) -> list[str]:
    """Known scopes in the cycle's order, then any new ones in catalogue order."""
    present = list(dict.fromkeys(r.scope for r in rules))
    return [s for s in SCOPES if s in present] + [s for s in present if s not in SCOPES]


def _section(scope: str, rules: Sequence[Rule]) -> list[str]:
    heading, about = SCOPES.get(scope, (scope, ""))
    lines = [f"## {heading}", ""]
    if about:
        lines += [about, ""]
    lines += ["| 规则 | 级别 | 条款 | 检查什么 | 怎么改 |", "|---|---|---|---|---|"]
    lines += [f"| {r.id} | {_levels(r)} | {_cell(r.clause)} | {_cell(r.title)} | {_cell(r.fix)} |"
              for r in rules]
    return lines + [""]


def render(rules: Sequence[Rule] = RULES) -> str:
    """The whole page for `rules` (the catalogue by default)."""
    lines = [HEADER]
    for scope in _scopes(rules):
        lines += _section(scope, [r for r in rules if r.scope == scope])
    lines.append(f"共 {len(rules)} 条规则。")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when out of date")
    parser.add_argument("--out", type=Path, default=RULES_PAGE, help="the page (default docs/规则.md)")
    args = parser.parse_args(argv)
    page = render()
    current = args.out.read_text("utf-8") if args.out.is_file() else None
    if args.check:
        if current != page:
            print(f"{args.out} is out of date: run python scripts/build_docs.py", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date ({len(RULES)} rules)")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(page, encoding="utf-8", newline="\n")
    print(f"wrote {args.out} ({len(RULES)} rules)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
