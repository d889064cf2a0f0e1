"""Terminal tables that read at 80 columns as at 120.

A table is printed as a rich table when it fits the console with its names and numbers
whole; otherwise (a narrow window, or a pipe, which rich takes as 80 columns) each row
becomes a block: its names on the first line, then `列名：值` pairs, then its free text on
lines of their own. Either way a unit's or a person's name is never split over two lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.text import Text

Kind = Literal["name", "value", "text"]

TEXT_MIN_WIDTH = 36  # a free-text column narrower than this reads worse than a block


@dataclass(frozen=True)
class Column:
    """One column: a `name` (unit, person, file, place: split only at a space; on a block's
    first line), a short `value` (a count, a grade: never split; a `列名：值` pair in a
    block) or free `text` (a message: may wrap; a line of its own in a block)."""

    header: str
    kind: Kind = "value"
    justify: Literal["left", "right"] = "left"


def _text(cell: str | Text) -> Text:
    from rich.text import Text

    return cell if isinstance(cell, Text) else Text(cell)


def _natural(header: str, cells: Sequence[Text]) -> int:
    """A column's width with nothing wrapped: its widest line, header included."""
    from rich.cells import cell_len

    lines = [header, *(line for c in cells for line in c.plain.splitlines())]
    return max(cell_len(line) for line in lines)


def widths(columns: Sequence[Column], rows: Sequence[Sequence[Text]], width: int) -> list[int] | None:
    """Each column's width in a table `width` cells wide, or None when it does not fit: names
    and values keep their natural width; free text shares what is left, at least
    TEXT_MIN_WIDTH a column (or its natural width, when smaller)."""
    natural = [_natural(col.header, [r[i] for r in rows]) for i, col in enumerate(columns)]
    texts = [i for i, col in enumerate(columns) if col.kind == "text"]
    room = width - (len(columns) - 1) - sum(w for i, w in enumerate(natural) if i not in texts)
    if room < sum(min(TEXT_MIN_WIDTH, natural[i]) for i in texts) or (not texts and room < 0):
        return None
    out = list(natural)
    for n, i in enumerate(texts):  # narrowest first would be fairer; one text column is the rule
        share = room // (len(texts) - n)
        out[i] = min(natural[i], share)
        room -= out[i]
    return out


def wide(columns: Sequence[Column], rows: Sequence[Sequence[Text]], sizes: Sequence[int],
         title: Text | None = None) -> RenderableType:
    """A compact rich table (a rule under the header, one space between columns, no edges)
    with the given column widths: only free text wraps."""
    from rich import box
    from rich.table import Table

    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, padding=0)
    for col, size in zip(columns, sizes, strict=True):
        table.add_column(col.header, justify=col.justify, width=size,
                         no_wrap=col.kind != "text", overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


def stacked(columns: Sequence[Column], rows: Sequence[Sequence[Text]]) -> list[RenderableType]:
    """One block a row: its names; under them, indented, its `列名：值` pairs (a pair is never
    split: they wrap at the spaces between them) and then each free text."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.text import Text

    blocks: list[RenderableType] = []
    for row in rows:
        cells = list(zip(columns, row, strict=True))
        names = [c for col, c in cells if col.kind == "name" and c.plain]
        values = [Text.assemble(f"{col.header}：", c) for col, c in cells if col.kind == "value" and c.plain]
        texts = [c for col, c in cells if col.kind == "text" and c.plain]
        parts: list[RenderableType] = [Text("  ").join(names)] if names else []
        if values:
            parts.append(Padding(Text("  ").join(values), (0, 0, 0, 2), expand=False))
        parts.extend(Padding(t, (0, 0, 0, 4), expand=False) for t in texts)
        blocks.append(Group(*parts))
    return blocks


def print_table(console: Console, columns: Sequence[Column], rows: Sequence[Sequence[str | Text]],
                *, title: str | Text | None = None, legend: str | None = None) -> bool:
    """Print the rows as a table when it fits the console, else as blocks; then the legend.
    True when they were printed as a table."""
    cells = [[_text(c) for c in row] for row in rows]
    sizes = widths(columns, cells, console.width)
    if sizes is not None:
        console.print(wide(columns, cells, sizes, _text(title) if title else None))
    else:
        if title:
            console.print(_text(title), style="bold")
        for block in stacked(columns, cells):
            console.print(block)
    if legend:
        console.print(legend)
    return sizes is not None
