"""How two names (of people, units, 科室) are compared: the one rule every reader and the engine
share, so a name the reader took for one person is the same person to the rules.

Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that show nothing: zero-width spaces and joiners, direction marks and embeddings,
# word joiner, BOM, soft hyphen (pasted from web pages and chat programs).
INVISIBLE = re.compile("[\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff\u00ad]")
# Every kind of space, including full-width (U+3000) and no-break spaces.
ANY_SPACE = re.compile(r"[\s\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")


def normalize_name(value: object) -> str:
    """A name with no invisible characters and no spaces of any width, in NFKC (full-width
    letters and digits as ASCII): '张　三 ', '张 三' and '张\\u200b三' are all '张三'. None → ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", INVISIBLE.sub("", str(value)))
    # NFKC again: dropping a space can leave a combining mark to compose ('C¸' → 'Ç').
    return unicodedata.normalize("NFKC", ANY_SPACE.sub("", text))
