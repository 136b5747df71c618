"""Demo content: two published case lessons with their questions, the first answered by half
the officers."""

from __future__ import annotations

from sqlalchemy import select

from casestudies.lessons.services import (
    LessonData,
    QuestionData,
    add_question,
    save_lesson,
    submit_lesson,
)
from lianbing.host import User, db

LESSONS = [
    (
        LessonData(
            title="某电镀厂通过暗管排放含铬废水案",
            industry="电镀",
            violation_type="通过暗管逃避监管排放污染物",
            facts="2017年6月，执法人员接群众举报，夜间对某电镀厂突击检查，发现车间地沟内一根 PVC 管绕过污水处理站，"
            "通向厂外雨水渠，管口有黄色废水流出。",
            evidence="现场检查笔录、采样监测报告（总铬 12.6 mg/L）、照片 18 张、对车间主任的询问笔录。",
            decision="责令停止违法行为，处罚款 50 万元；案件移送公安机关，对直接责任人员处以行政拘留。",
            interpretation="通过暗管排放污染物，属于《环境保护法》第六十三条规定的逃避监管的方式，除罚款外应移送公安机关"
            "处以拘留；构成污染环境罪的，依法追究刑事责任。笔录要写明暗管走向、管口位置和采样过程。",
            mistakes="- 笔录写“情况严重”“肯定是偷排”等结论性语言；\n- 没有记录暗管的起止位置和照片编号；\n- 未告知回避权利。",
            citations=("EPL2014:63", "WPPL2017:83"),
            is_published=True,
        ),
        [
            QuestionData(
                "choice",
                "对通过暗管排放污染物的直接责任人员，环保部门应当如何处理？",
                ("只能罚款", "移送公安机关处以拘留", "责令整改即可"),
                "2",
                "《环境保护法》第六十三条：通过暗管等逃避监管的方式违法排放的，移送公安机关拘留。",
            ),
            QuestionData(
                "text",
                "现场检查笔录应当如何记录暗管？",
                (),
                "写明暗管的材质、起止位置、走向、管口排放情况，拍照编号并采样，不写结论。",
            ),
        ],
    ),
    (
        LessonData(
            title="某陶瓷厂除尘设施不正常运行案",
            industry="陶瓷",
            violation_type="污染防治设施不正常运行",
            facts="执法人员检查某陶瓷厂时，窑炉正在生产，布袋除尘器风机未开启，烟囱冒灰色烟尘。厂方称风机“刚坏”。",
            evidence="现场检查笔录、照片 9 张、中控系统运行记录（风机已停 3 天）。",
            decision="依据《大气污染防治法》第九十九条，责令改正并处罚款 20 万元。",
            interpretation="不正常运行大气污染防治设施的，按《大气污染防治法》第九十九条处罚。证据关键是设施停运时间："
            "笔录要记录中控记录、电表读数等客观数据，而不是写“故意停运”。",
            mistakes="- 只写“除尘设施未运行”，没有记录风机、电表、中控数据；\n- 把当事人的辩解写成执法人员的结论。",
            citations=("APL2015:99",),
            is_published=True,
        ),
        [
            QuestionData(
                "choice",
                "证明除尘设施不正常运行的最有力证据是？",
                ("当事人承认", "中控系统运行记录和电表读数", "群众举报"),
                "2",
                "客观记录最有力，应在笔录中写明数据来源。",
            ),
            QuestionData(
                "text",
                "笔录中能否写“该厂故意停运除尘设施”？为什么？",
                (),
                "不能。笔录只记录看到的事实，定性由集体讨论、处罚决定作出。",
            ),
        ],
    ),
]


def load(trainer: User, campaign_id: int | None = None) -> None:
    """The demo lessons, authored by the demo trainer; three officers of each county (the 2nd to
    the 4th) have answered the first."""
    lessons = []
    for data, questions in LESSONS:
        lesson = save_lesson(None, data, actor_id=trainer.id)
        for q in questions:
            add_question(lesson, q)
        lessons.append(lesson)
    if lessons and lessons[0].is_published:
        _answers(lessons[0], campaign_id)


def _answers(lesson, campaign_id: int | None) -> None:
    officers = db.session.scalars(select(User).where(User.role == "officer").order_by(User.id))
    for n, officer in enumerate(officers):
        if n % 5 not in (1, 2, 3):
            continue
        answers = {str(q.id): q.answer for q in lesson.questions}
        if n % 5 == 2:  # one wrong choice
            for q in lesson.questions:
                wrong = [o for o in q.options or () if o != q.answer]
                if q.kind == "choice" and wrong:
                    answers[str(q.id)] = wrong[0]
                    break
        submit_lesson(lesson, officer, answers, campaign_id)
