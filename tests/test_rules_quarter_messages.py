"""rules.quarter: the exact Chinese text of each finding and 备注 the clerk reads, per rule
(the goldens pin them on the examples; these pin each sentence on a case made for it)."""

from __future__ import annotations

import datetime as dt

from helpers_quarter import FG, G, Q3, case, form, leave, person, roster

from kaoping.models import QuarterFlag, RankCategory, SpecialCategory
from kaoping.rules.quarter import evaluate_quarter
from kaoping.rules.settings import Settings

A = person("001", "张三")
NO_DATA = ("Q5", "未提供2026年第三季度的出勤数据（月度小结表或考勤表），出勤率按无请假计算")


def texts(people, forms, att=(), settings=None, workdays=60):
    out = evaluate_quarter(roster(*people), Q3, list(forms), list(att), workdays=workdays,
                           settings=settings or Settings())
    return out, [(f.rule, f.message) for f in out.findings]


def test_q1_texts_and_note():
    out, found = texts([A], [form(A, [G, FG], self_=[])])
    assert found == [NO_DATA,
                     ("Q1", "自评档次应在“好、较好、一般、较差”中勾选一项，现为：未勾选"),
                     ("Q1", "领导评价档次应在“好、较好、一般、较差”中勾选一项，现为：好、较好；改正前按不确定统计")]
    assert out.results[0].note == "领导评价档次待更正"


def test_q1_texts_name_every_tick():
    _, found = texts([A], [form(A, FG, self_=[G, FG])])
    assert found[1:] == [("Q1", "自评档次应在“好、较好、一般、较差”中勾选一项，现为：好、较好")]


def test_q3_q4_q5_q7_texts_and_note():
    out, found = texts([A], [form(A, FG, commended=True, direct_poor=True, opinion=" ")],
                       [leave("001", 7, sick=13)])
    assert found == [
        ("Q5", "缺少8月、9月的出勤记录（月度小结表），这几个月按无请假计算"),
        ("Q3", "同时勾选了“受表彰直接定好”和“直接定较差”，请只保留符合实际的一项"),
        ("Q3", "勾选了“受表彰直接定好”（§四(三)4(1)），但领导评价档次为「较好」；直接定好应勾选“好”，"
               "否则请取消“受表彰直接定好”"),
        ("Q4", "勾选了“直接定较差”（§四(三)4(2)），但领导评价档次为「较好」，应为“较差”"),
        ("Q5", "2026年第三季度出勤 47/60 天（78.3%），未达到应出勤天数的80%（病事假 13 天），"
               "不能定为“好”或“较好”（§四(三)4(3)），现为“较好”"),
        ("Q7", "存在受表彰直接定好、直接定较差、出勤未达标的情形，领导意见栏应作说明（附件3 注），现为空"),
    ]
    r = out.results[0]
    assert r.note == "直接定较差；出勤未达80%（出勤 47/60 天（78.3%））"
    assert r.flags == [QuarterFlag.LOW_ATTENDANCE, QuarterFlag.DIRECT_POOR]


def test_commended_good_note():
    out, _ = texts([A], [form(A, G, commended=True, opinion="获表彰")])
    assert (out.results[0].note, out.results[0].flags) == ("受表彰直接定好（市中心：防汛抢险先进个人，不占比例）",
                                                           [QuarterFlag.COMMENDED])


def test_q5_attendance_data_texts():
    late = person("001", "张三", hired_on=dt.date(2026, 8, 3))
    _, found = texts([late], [form(late)], [leave("001", 7, sick=40, annual=30)], workdays=66)
    assert found[:3] == [
        ("Q5", "2026-08-03 入职，但不知道该年的法定工作日，应出勤天数按整季度 66 天计算"),
        ("Q5", "缺少8月、9月的出勤记录（月度小结表），这几个月按无请假计算"),
        ("Q5", "2026年第三季度请假合计（病事假 40 天、年休 30 天、调休 0 天）超过工作日 66 天，请核对月度小结表"),
    ]
    _, found = texts([A], [form(A)], workdays=None)
    assert found == [("Q5", "未提供2026年第三季度的工作日天数，未核出勤率（§四(三)4(3)）和病事假超过一半（§二第2类）")]


def test_q6_text_and_note():
    newbie = person("003", "新人", rank_category=RankCategory.PROBATION,
                    cases=[case(SpecialCategory.DISCIPLINED)])
    out, found = texts([newbie], [form(newbie, G, self_=[G, FG], commended=True, direct_poor=True)])
    assert found[1:] == [("Q6", "此人属于§二第1类（新录用公务员）、§二第4类（受处分），只参加日常考核、不定档，"
                                "按不确定等次统计；表中勾选的自评「好、较好」、领导评价「好」、"
                                "「受表彰直接定好」、「直接定较差」不计入，请清除勾选")]
    assert out.results[0].note == "不定档：新录用公务员、受处分"


def test_q8_texts():
    b = person("002", "李四")
    off = person("009", "编外", on_establishment=False)
    late = person("010", "晚到", hired_on=dt.date(2026, 10, 8))
    _, found = texts([A, b, off, late], [
        form(A, G, quarter=5), form(None, G, staff_id="999", name="路人"),
        form(None, G, staff_id=None, name="路人"), form(b, FG, name="李肆"), form(off), form(late),
        form(b, FG, file="二/李四.xlsx")])
    assert [m for r, m in found if r == "Q8"] == [
        "这是2026年第5季度的评价表，不是2026年第三季度的，未计入；请放到对应季度的文件夹或改正季度",
        "评价表对应不到花名册中的人员：工号「999」不在花名册中；此表未计入",
        "评价表对应不到花名册中的人员：花名册中没有「路人」；此表未计入",
        "表中姓名「李肆」与花名册中工号 002 的姓名「李四」不一致，请核对",
        "此人不在编，不属于2026年第三季度的考评对象（§二），此表未计入",
        "此人入职日期 2026-10-08 晚于本季度末，不属于2026年第三季度的考评对象（§二），此表未计入",
        "同一人有两份2026年第三季度评价表：collected/李四-2026Q3.xlsx 和 二/李四.xlsx；"
        "暂按前一份计算，请删除或合并多余的一份",
        "未收到2026年第三季度评价表（附件3），按未参加考核统计",
    ]


def test_q8_unit_mismatch_text():
    _, found = texts([A], [form(None, FG, staff_id=None, name="张三", unit="财务科")])
    assert found[:1] == [("Q8", "表中单位「财务科」与花名册（办公室）不一致，已按姓名对应到工号 001")]


def test_absent_not_graded_flags():
    newbie = person("003", "新人", rank_category=RankCategory.PROBATION)
    out, _ = texts([newbie], [])
    r = out.results[0]
    assert (r.flags, r.note) == ([QuarterFlag.NO_FORM, QuarterFlag.NOT_GRADED], "未交评价表")


def test_q2_texts():
    people = [person(f"{i:03d}", f"员{i}") for i in range(1, 6)]
    forms = [form(p, G if i < 3 else FG) for i, p in enumerate(people)]
    forms[4] = form(people[4], G, commended=True, opinion="获表彰")
    _, found = texts(people, forms)
    assert found[1:] == [("Q2", "「办公室」2026年第三季度实际参加 5 人（比例基数 5 人），“好”等次 3 人"
                                "（不含受表彰直接定好 1 人），占 60%，超过 40% 上限 2 人（§四(三)3）；"
                                "定为“好”的：员1（办公室）、员2（办公室）、员3（办公室）")]
    grouped = [person(f"{i:03d}", f"员{i}", "档案科" if i < 3 else "财务处", group="机关")
               for i in range(1, 6)]
    _, found = texts(grouped, [form(p, G if i < 3 else FG) for i, p in enumerate(grouped)])
    assert found[1][1].startswith("考核组「机关」（含档案科、财务处）2026年第三季度实际参加 5 人")
    named_after_one = [person(f"{i:03d}", f"员{i}", "档案科" if i < 3 else "财务处", group="档案科")
                       for i in range(1, 6)]
    _, found = texts(named_after_one, [form(p, G if i < 3 else FG) for i, p in enumerate(named_after_one)])
    assert found[1][1].startswith("考核组「档案科」（含档案科、财务处）2026年第三季度")
    one_unit_group = [person(f"{i:03d}", f"员{i}", group="机关") for i in range(1, 4)]
    _, found = texts(one_unit_group, [form(p, G) for p in one_unit_group])
    assert found[1][1].startswith("考核组「机关」（含办公室）2026年第三季度")


def test_q2_centre_text():
    ceil = Settings.model_validate({"quota": {"rounding": "ceil", "good_ratio": 0.3}})
    people = [person(f"{i:03d}", f"员{i}", f"单位{i}") for i in range(1, 4)]
    _, found = texts(people, [form(p, G) for p in people], settings=ceil)
    assert found[1:] == [("Q2", "全中心2026年第三季度“好”等次 3 人，占 100%，超过 30%（上限 1 人，§四(三)3）")]
