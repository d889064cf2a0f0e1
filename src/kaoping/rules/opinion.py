"""What a 领导意见 (附件3) says about the special cases of §四(三)4, read from its words.

Free text never grades anyone: a commendation counts only from the form's 受表彰直接定“好”
box (rule Q3 asks for it when the opinion suggests one), and a direct 较差 is read from the
words only on a form without the 直接定“较差” box. A mention counts unless its clause denies it
("经研究，不直接定为较差"; "本季度未受表彰").

Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata

from ..models import CommendationLevel

_QUOTES = re.compile(r"[\s“”\"'‘’「」『』]")
_CLAUSE_END = re.compile(r"[，,。；;！!？?\n]")
_DENIAL = re.compile(r"不|未|没有|无需|无须|并非")
_DIRECT_POOR = re.compile(r"直接(?:确定|定)为?较差")
_COMMENDATION = re.compile(r"表彰|直接(?:确定|定)为?好")
_LEVEL_ALIASES = {
    "市中心": CommendationLevel.CENTRE,
    "市管理中心": CommendationLevel.CENTRE,
    "当地党委政府以上": CommendationLevel.LOCAL_GOVERNMENT,
    "当地党委、政府以上": CommendationLevel.LOCAL_GOVERNMENT,
    "当地党委政府": CommendationLevel.LOCAL_GOVERNMENT,
}


def _plain(text: str) -> str:
    return _QUOTES.sub("", unicodedata.normalize("NFKC", text))


def mentions(text: str | None, pattern: re.Pattern[str]) -> bool:
    """Whether `text` says `pattern` in a clause that does not deny it."""
    if not text:
        return False
    s = _plain(text)
    for m in pattern.finditer(s):
        ends = [e.end() for e in _CLAUSE_END.finditer(s, 0, m.start())]
        if not _DENIAL.search(s, ends[-1] if ends else 0, m.start()):
            return True
    return False


def suggests_commendation(opinion: str | None) -> bool:
    """The opinion speaks of a 表彰 or a direct 好 (§四(三)4(1)) without denying it."""
    return mentions(opinion, _COMMENDATION)


def says_direct_poor(opinion: str | None) -> bool:
    """The opinion grades 较差 directly (§四(三)4(2)): 直接定为较差 / 直接确定为“较差”, not
    "不直接定为较差"."""
    return mentions(opinion, _DIRECT_POOR)


def commendation_level(text: str | None) -> CommendationLevel | None:
    """表彰级别 as written → one of the two levels of §四(三)4(1); None for anything else."""
    if not text:
        return None
    return _LEVEL_ALIASES.get(_plain(text).replace("（", "").replace("）", ""))
