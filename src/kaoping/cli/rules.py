"""kaoping rules [规则号或条款…] [--json]: the rule catalogue (`kaoping.rules.catalog`)."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from .common import guarded
from .examples import epilog

if TYPE_CHECKING:
    from ..rules.catalog import Rule


def register(app: typer.Typer) -> None:
    """Add `kaoping rules` to the main app (a single command, not a group)."""
    app.command("rules", epilog=epilog("rules"), help="列出 kaoping 检查的全部规则（规则号、级别、办法条款、名称、怎么改）；"
                              "可按规则号（如 Q5）或条款（如 §四(三)3）查找。")(rules_command)


def _clause_key(text: str) -> str:
    """A clause as typed: full-width brackets, spaces and a missing § do not matter."""
    text = "".join(unicodedata.normalize("NFKC", text).split())
    return text if text.startswith(("§", "附件")) or not text else "§" + text


def matching(query: str) -> list[Rule]:
    """The rules `query` names: a rule id (Q5, q5), else a clause with its sub-clauses
    (§四(三) finds §四(三)1(1)(2) … §四(三)5; §四(三)3 finds Q2), in catalogue order."""
    from ..rules.catalog import BY_ID, RULES

    rule_id = query.strip().upper()
    if rule_id in BY_ID:
        return [BY_ID[rule_id]]
    wanted = _clause_key(query)
    if not wanted:
        return []
    return [r for r in RULES
            if any(_clause_key(c).startswith(wanted) for c in r.clause.split("、"))]


def _levels(r: Rule) -> str:
    return "/".join(level.value for level in r.levels)


@guarded
def rules_command(
    queries: Annotated[Optional[list[str]], typer.Argument(
        metavar="规则号或条款", help="只显示这些规则：规则号（如 Q5、M9）或办法条款（如 §四(三)3、四（二））",
        show_default=False)] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="以 JSON 输出（每条规则一个对象：id、severity、levels、clause、title、fix、scope）")] = False,
) -> None:
    """列出规则目录：每条规则的规则号、级别、依据的办法条款、名称和怎么改。

    问题清单中的“规则”一栏就是这里的规则号。退出码：0 找到，2 没有对应的规则。
    """
    import json

    from ..errors import KaopingError
    from ..rules.catalog import RULES

    chosen = list(RULES)
    if queries:
        chosen = []
        for q in queries:
            found = matching(q)
            if not found:
                raise KaopingError(f"没有与「{q}」对应的规则；请写规则号（如 Q5）或条款（如 §四(三)3），"
                                   "不带参数运行 kaoping rules 可列出全部规则")
            chosen += [r for r in found if r not in chosen]
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in chosen], ensure_ascii=False, indent=2))
        return
    _print_table(chosen)


def _print_table(chosen: list[Rule]) -> None:
    from .common import console
    from .tables import Column, print_table

    columns = [Column("规则", "name"), Column("级别", "name"), Column("条款", "name"),
               Column("名称", "name"), Column("怎么改", "text")]
    print_table(console(), columns, [[r.id, _levels(r), r.clause, r.title, r.fix] for r in chosen],
                title="kaoping 规则目录（依据：温公积金〔2021〕46号《干部日常考评管理办法（试行）》）")
    console().print(f"共 {len(chosen)} 条。条款“kaoping”是工具自己对文件和输入的检查。")
