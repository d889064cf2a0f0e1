"""The 好 quota of the quarterly evaluation (§四(三)3), rule Q2.

§四(三)3: “好”等次人数原则上掌握在实际参加平时考核公务员总人数的40%以内. Counted per quota key
(考核组, else 单位, as `Person.quota_key`) over the quarter's results:

- 实际参加 (participants): due people with a form, 不定档 people included; 未参加 are not;
- the denominator is the participants, or only the graded people
  (`settings.quota.denominator == "graded"`);
- 好 by §四(三)4(1) commendation (受表彰直接定好) is outside the count (不受比例限制).

The centre-wide figure is reported too, as a 警告 when no single key is over.

Pure: no file or console I/O.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from ..models import Finding, Outcome, QuarterFlag, QuarterResult, Severity
from .attendance import exact, format_ratio
from .catalog import finding
from ..periods import Quarter
from .settings import QuotaException, Settings

CENTRE_KEY = "全中心"


def good_cap(n: int, settings: Settings | None = None) -> int:
    """Most people who may be graded 好 among `n` (§四(三)3: 原则上掌握在实际参加平时考核
    公务员总人数的40%以内). Exact arithmetic: 0.4 × 10 is exactly 4.
    floor (default): 0.4 × 12 = 4.8 → 4; round: half up (4.5 → 5); ceil: 4.2 → 5."""
    settings = settings or Settings()
    if n <= 0:
        return 0
    x = exact(settings.quota.good_ratio) * n
    rounding = settings.quota.rounding
    if rounding == "ceil":
        return math.ceil(x)
    if rounding == "round":
        return math.floor(x + Fraction(1, 2))
    return math.floor(x)


@dataclass
class QuotaSummary:
    """The 好 quota of one quota key (考核组 or 单位), or of the whole centre."""

    key: str
    units: list[str]
    participants: int  # 实际参加: due people with a form (不定档 included)
    denominator: int  # participants, or only the graded ones (settings.quota.denominator)
    good: int  # 好 counted toward the cap (not counting §四(三)4(1) commendations)
    commended: int  # 好 by commendation, outside the cap
    cap: int
    ratio: float | None  # good / denominator
    over: bool
    graded: int = 0  # participants who were graded (not 不定档)
    good_people: list[str] = field(default_factory=list)  # "姓名（单位）" counted in `good`
    exception: str | None = None  # the reason of an approved exception that covers `over`

    @property
    def ratio_text(self) -> str:
        return format_ratio(self.ratio)


def quota_summary(key: str, results: Sequence[QuarterResult], settings: Settings) -> QuotaSummary:
    """The quota of `key` over its people's results (roster order)."""
    participants = [r for r in results if r.outcome != Outcome.ABSENT]
    graded = [r for r in participants if QuarterFlag.NOT_GRADED not in r.flags]
    good = [r for r in participants if r.outcome == Outcome.GOOD]
    counted = [r for r in good if QuarterFlag.COMMENDED not in r.flags]  # §四(三)4(1) outside
    denominator = len(participants) if settings.quota.denominator == "participants" else len(graded)
    cap = good_cap(denominator, settings)
    return QuotaSummary(
        key=key, units=list(dict.fromkeys(r.unit for r in results)),
        participants=len(participants), denominator=denominator, good=len(counted),
        commended=len(good) - len(counted), cap=cap,
        ratio=(len(counted) / denominator) if denominator else None, over=len(counted) > cap,
        graded=len(graded), good_people=[f"{r.name}（{r.unit}）" for r in counted],
    )


def quotas_by_key(results: Sequence[QuarterResult], settings: Settings) -> list[QuotaSummary]:
    """One quota per 考核组 or 单位, in the order the roster first names them."""
    by_key: dict[str, list[QuarterResult]] = {}
    for r in results:
        by_key.setdefault(r.quota_group or r.unit, []).append(r)
    return [quota_summary(key, members, settings) for key, members in by_key.items()]


def over_quota(q: QuotaSummary, label: str, settings: Settings) -> Finding:
    """Q2 §四(三)3: more 好 in one quota key than its cap — an 错误 naming who was graded 好."""
    units = "、".join(q.units)
    scope = f"考核组「{q.key}」（含{units}）" if (len(q.units) > 1 or q.key not in q.units) else f"「{q.key}」"
    return finding(
        "Q2", (f"{scope}{label}实际参加 {q.participants} 人"
               f"（比例基数 {q.denominator} 人），“好”等次 {q.good} 人"
               f"（不含受表彰直接定好 {q.commended} 人），占 {q.ratio_text}，"
               f"超过 {format_ratio(settings.quota.good_ratio)} 上限 {q.cap} 人"
               f"（§四(三)3）；定为“好”的：{'、'.join(q.good_people)}"),
        unit=q.key)


def centre_over_quota(centre: QuotaSummary, label: str, settings: Settings) -> Finding:
    """Q2 §四(三)3 centre-wide: a 警告 (each key within its cap, the centre over 40%)."""
    return finding(
        "Q2", (f"全中心{label}“好”等次 {centre.good} 人，占 {centre.ratio_text}，"
               f"超过 {format_ratio(settings.quota.good_ratio)}（上限 {centre.cap} 人，§四(三)3）"),
        severity=Severity.WARNING, unit=CENTRE_KEY)


def approved_exception(q: QuotaSummary, quarter: Quarter | None,
                       settings: Settings) -> QuotaException | None:
    """The `[[quota.exceptions]]` entry for `q`'s 考核组 and the quarter, if any."""
    if quarter is None:
        return None
    tag = str(quarter)
    return next((e for e in settings.quota.exceptions
                 if e.unit.strip() == q.key and e.quarter.strip().upper() == tag), None)


def excepted_over_quota(q: QuotaSummary, label: str, exc: QuotaException,
                        settings: Settings) -> Finding:
    """Q2 提示 §四(三)3 原则上: over the cap with an approved exception — the filing goes out,
    附件4's 备注 names the reason."""
    return finding(
        "Q2", (f"「{q.key}」{label}“好”等次 {q.good} 人，超过 {format_ratio(settings.quota.good_ratio)} "
               f"上限 {q.cap} 人；kaoping.toml 记录了经批准的例外（{exc.reason}），照常备案，"
               f"附件4 备注写明"),
        severity=Severity.INFO, unit=q.key)


def exception_exceeded(q: QuotaSummary, label: str, exc: QuotaException) -> Finding:
    """Q2 错误: more 好 than the approved exception allows."""
    return finding(
        "Q2", (f"「{q.key}」{label}“好”等次 {q.good} 人，超过 kaoping.toml 例外批准的 {exc.max_good} 人"
               f"（{exc.reason}）；请调整定档，或改正例外的 max_good"),
        unit=q.key)


def unused_exceptions(quotas: Sequence[QuotaSummary], quarter: Quarter | None,
                      settings: Settings) -> list[Finding]:
    """Q2 警告: an exception of this quarter naming no 考核组 or 单位 of the roster (a typo
    would leave a real breach an 错误, so it is named)."""
    if quarter is None:
        return []
    keys = {q.key for q in quotas}
    return [finding("Q2", (f"kaoping.toml 的 [[quota.exceptions]] 中 unit = \"{e.unit}\" 不是{quarter}的"
                           f"考核组或单位（{'、'.join(sorted(keys))}），未使用；请核对名称"),
                    severity=Severity.WARNING)
            for e in settings.quota.exceptions
            if e.quarter.strip().upper() == str(quarter) and e.unit.strip() not in keys]


def _over(q: QuotaSummary, label: str, quarter: Quarter | None, settings: Settings) -> Finding:
    """Q2 for a key over its cap: an 错误, unless an approved exception covers it."""
    exc = approved_exception(q, quarter, settings)
    if exc is None:
        return over_quota(q, label, settings)
    if exc.max_good is not None and q.good > exc.max_good:
        return exception_exceeded(q, label, exc)
    q.exception = exc.reason
    return excepted_over_quota(q, label, exc, settings)


def check_quotas(results: Sequence[QuarterResult], label: str, settings: Settings,
                 quarter: Quarter | None = None
                 ) -> tuple[list[QuotaSummary], QuotaSummary, list[Finding]]:
    """Q2 over the quarter's results: the quotas per key, the centre's, and their findings.
    `quarter` selects the approved exceptions (`[[quota.exceptions]]`) that apply."""
    quotas = quotas_by_key(results, settings)
    centre = quota_summary(CENTRE_KEY, results, settings)
    findings = [_over(q, label, quarter, settings) for q in quotas if q.over]
    if centre.over and not findings:
        findings.append(centre_over_quota(centre, label, settings))
    return quotas, centre, findings + unused_exceptions(quotas, quarter, settings)
