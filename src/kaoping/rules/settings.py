"""Every threshold of the measures in one place, with the measures' values as defaults.

Overridable by `kaoping.toml` (see `kaoping.config.load_settings`).
"""

from __future__ import annotations

import calendar
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Every section: unknown keys refused, nan/inf refused. Integers are strict (true/false and
# 1.5 are no counts); decimals take integers. Every number has its range (docs/设置.md).
_STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)
_MONTH = re.compile(r"\s*(\d{4})\s*-\s*(\d{1,2})\s*")  # as calendar.py reads it

# Workbook bounds a sheet can have at all (Excel: 1,048,576 rows, 16,384 columns); the byte
# bounds keep a read in memory on an office PC.
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
MAX_FILE_BYTES = 2 * 1024 ** 3
MAX_UNCOMPRESSED_BYTES = 4 * 1024 ** 3


class QuotaException(BaseModel):
    """§四(三)3 原则上: a 好 count over the cap that was approved for one 考核组 (or 单位) and
    quarter; the reason goes into 附件4's 备注."""

    model_config = ConfigDict(extra="forbid")
    unit: str = Field(min_length=1)  # the 考核组 (or the 单位 when it has none), as in the roster
    quarter: str = Field(pattern=r"^\s*\d{4}\s*Q[1-4]\s*$")  # "2026Q3"
    reason: str = Field(min_length=2)  # who approved it and when, e.g. "经党组2026-10-12会议同意"
    # The most 好 (commendations not counted) the approval allows; None: as graded.
    max_good: int | None = Field(None, ge=0)


class QuotaSettings(BaseModel):
    model_config = _STRICT
    # §四(三)3: 好 原则上掌握在实际参加平时考核公务员总人数的40%以内.
    good_ratio: float = Field(0.4, gt=0, le=1, strict=True)
    # A count of people: 40% of 12 = 4.8 → at most 4 (floor). "round"/"ceil" for local policy.
    rounding: Literal["floor", "round", "ceil"] = "floor"
    # 实际参加平时考核 = everyone who took part, 不定档 people included ("participants"),
    # or only the people who were graded ("graded").
    denominator: Literal["participants", "graded"] = "participants"
    # Approved exceptions to the cap ([[quota.exceptions]]); a breach without one is an 错误.
    exceptions: list[QuotaException] = Field(default_factory=list)


class AttendanceSettings(BaseModel):
    model_config = _STRICT
    # §四(三)4(3): 当季累计出勤天数未达到应出勤天数80%的，不能定为"好"和"较好".
    min_ratio: float = Field(0.8, gt=0, le=1, strict=True)
    # §二 category 2: 病事假累计时间超过当期平时考核周期一半.
    long_leave_ratio: float = Field(0.5, gt=0, le=1, strict=True)
    # Workdays for months chinesecalendar does not know: {"2027-01": 20, ...}.
    workdays: dict[str, Annotated[float, Field(strict=True)]] = Field(default_factory=dict)

    @field_validator("workdays")
    @classmethod
    def _months_and_days(cls, value: dict[str, float]) -> dict[str, float]:
        """Keys "YYYY-MM" (1900-01 to 9999-12), values 0 to the days of that month."""
        for key, days in value.items():
            m = _MONTH.fullmatch(key)
            if not m or not 1900 <= int(m.group(1)) <= 9999 or not 1 <= int(m.group(2)) <= 12:
                raise ValueError(f"月份「{key}」无法识别，应写成 \"2027-01\" 的形式（1900-01 到 9999-12）")
            most = calendar.monthrange(int(m.group(1)), int(m.group(2)))[1]
            if not 0 <= days <= most:
                raise ValueError(f"「{key}」= {days:g} 超出范围：应为 0 到 {most} 之间的数（当月天数）")
        return value


class CategorySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # §二 1, 3–5 (新录用、立案调查尚未结案、受处分、受组织处理或诫勉): which quarters a case
    # with dates removes from grading. "last_day": the case is in force on the quarter's last
    # day (the evaluation looks at the state then: "尚未结案", "受处分的"); "any_overlap": any
    # day of the quarter inside the case.
    applies: Literal["last_day", "any_overlap"] = "last_day"


class AnnualSettings(BaseModel):
    model_config = _STRICT
    # §五(一): 优秀 from those with 好 ≥ 2 (2个以上 includes 2) and no 一般/较差.
    excellent_min_good: int = Field(2, ge=1, le=4, strict=True)
    # §五(一): 一般、较差 累计次数超过2次 → 基本称职或不称职.
    average_poor_max: int = Field(2, ge=0, le=4, strict=True)


class HalfyearSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # §四(四)2 集中测评 推荐“优秀”: the measures set no number of ticks, so the clerk gives
    # one (or `ticks_ratio` of each unit's listed staff); no default.
    max_ticks: int | None = Field(None, ge=1)
    ticks_ratio: float | None = Field(None, gt=0, le=1)


class TextSettings(BaseModel):
    model_config = _STRICT
    # §四(三)1(1) 重点突出，避免泛泛而谈: a block shorter than this is a 提示 (0: never).
    min_block_chars: int = Field(15, ge=0, le=1000, strict=True)


class FollowupSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # §五(二) 及时谈话提醒、及时批评教育: "及时" as days after the quarter's filing deadline
    # (the 20th of the month after the quarter, 附件4/附件5 注).
    days: int = Field(30, ge=0)


class CentreSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # 附件4、附件5、附件6 呈报单位 of the centre-wide tables: the centre's own name.
    name: str = Field("全中心", min_length=1)


class LimitSettings(BaseModel):
    """Defences against hostile or broken workbooks (see README "限制")."""

    model_config = _STRICT
    max_file_bytes: int = Field(50 * 1024 * 1024, ge=1, le=MAX_FILE_BYTES, strict=True)
    max_uncompressed_bytes: int = Field(200 * 1024 * 1024, ge=1, le=MAX_UNCOMPRESSED_BYTES, strict=True)
    max_compression_ratio: float = Field(200.0, ge=1, le=100_000, strict=True)
    max_rows: int = Field(5_000, ge=1, le=EXCEL_ROWS, strict=True)
    max_columns: int = Field(200, ge=1, le=EXCEL_COLUMNS, strict=True)
    # Registers have one row per person (花名册, 季度结果台账) or per person and month (考勤表):
    # a city or province has tens of thousands of rows, far more than any form.
    max_register_rows: int = Field(200_000, ge=1, le=EXCEL_ROWS, strict=True)

    def for_registers(self) -> LimitSettings:
        """These limits with `max_rows` raised to `max_register_rows` (roster, ledger, attendance)."""
        return self.model_copy(update={"max_rows": self.max_register_rows})


class TemplateSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # A folder of restyled templates (from `kaoping templates export`); relative to kaoping.toml.
    # None: the templates shipped with kaoping.
    dir: str | None = None


class Settings(BaseModel):
    model_config = _STRICT
    quota: QuotaSettings = Field(default_factory=QuotaSettings)
    attendance: AttendanceSettings = Field(default_factory=AttendanceSettings)
    categories: CategorySettings = Field(default_factory=CategorySettings)
    annual: AnnualSettings = Field(default_factory=AnnualSettings)
    halfyear: HalfyearSettings = Field(default_factory=HalfyearSettings)
    text: TextSettings = Field(default_factory=TextSettings)
    followup: FollowupSettings = Field(default_factory=FollowupSettings)
    centre: CentreSettings = Field(default_factory=CentreSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    templates: TemplateSettings = Field(default_factory=TemplateSettings)
