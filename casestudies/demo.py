"""Demo content: two case lessons, two exercises with their rubrics, graded records (idempotent)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianbing.accounts.models import User
from lianbing.dbtypes import utcnow
from lianbing.extensions import db

from casestudies import rubrics_demo, services
from casestudies.models import CaseLesson, Exercise
from casestudies.records import Draft

LESSONS = [
    (services.LessonData(
        title="某电镀厂通过暗管排放含铬废水案", industry="电镀", violation_type="通过暗管逃避监管排放污染物",
        facts="2017年6月，执法人员接群众举报，夜间对某电镀厂突击检查，发现车间地沟内一根 PVC 管绕过污水处理站，"
              "通向厂外雨水渠，管口有黄色废水流出。",
        evidence="现场检查笔录、采样监测报告（总铬 12.6 mg/L）、照片 18 张、对车间主任的询问笔录。",
        decision="责令停止违法行为，处罚款 50 万元；案件移送公安机关，对直接责任人员处以行政拘留。",
        interpretation="通过暗管排放污染物，属于《环境保护法》第六十三条规定的逃避监管的方式，除罚款外应移送公安机关"
                       "处以拘留；构成污染环境罪的，依法追究刑事责任。笔录要写明暗管走向、管口位置和采样过程。",
        mistakes="- 笔录写“情况严重”“肯定是偷排”等结论性语言；\n- 没有记录暗管的起止位置和照片编号；\n- 未告知回避权利。",
        citations=("EPL2014:63", "WPPL2017:83"), is_published=True),
     [services.QuestionData("choice", "对通过暗管排放污染物的直接责任人员，环保部门应当如何处理？",
                            ("只能罚款", "移送公安机关处以拘留", "责令整改即可"), "2",
                            "《环境保护法》第六十三条：通过暗管等逃避监管的方式违法排放的，移送公安机关拘留。"),
      services.QuestionData("text", "现场检查笔录应当如何记录暗管？", (),
                            "写明暗管的材质、起止位置、走向、管口排放情况，拍照编号并采样，不写结论。")]),
    (services.LessonData(
        title="某陶瓷厂除尘设施不正常运行案", industry="陶瓷", violation_type="污染防治设施不正常运行",
        facts="执法人员检查某陶瓷厂时，窑炉正在生产，布袋除尘器风机未开启，烟囱冒灰色烟尘。厂方称风机“刚坏”。",
        evidence="现场检查笔录、照片 9 张、中控系统运行记录（风机已停 3 天）。",
        decision="依据《大气污染防治法》第九十九条，责令改正并处罚款 20 万元。",
        interpretation="不正常运行大气污染防治设施的，按《大气污染防治法》第九十九条处罚。证据关键是设施停运时间："
                       "笔录要记录中控记录、电表读数等客观数据，而不是写“故意停运”。",
        mistakes="- 只写“除尘设施未运行”，没有记录风机、电表、中控数据；\n- 把当事人的辩解写成执法人员的结论。",
        citations=("APL2015:99",), is_published=True),
     [services.QuestionData("choice", "证明除尘设施不正常运行的最有力证据是？",
                            ("当事人承认", "中控系统运行记录和电表读数", "群众举报"), "2",
                            "客观记录最有力，应在笔录中写明数据来源。"),
      services.QuestionData("text", "笔录中能否写“该厂故意停运除尘设施”？为什么？", (),
                            "不能。笔录只记录看到的事实，定性由集体讨论、处罚决定作出。")]),
]

SCENARIO_INSPECTION = ("梅江区某五金电镀有限公司位于工业园 3 号厂房。今天上午 9 时，你和同事到该公司开展“双随机”检查。"
                       "电镀车间正在生产，车间东侧污水处理站运行中，厂区南侧有一个废水排放口，在线监测设备显示总铬 0.4 mg/L。")
SCENARIO_INQUIRY = ("检查发现某电镀厂车间地沟有暗管通往雨水渠。下午在执法局询问室，你们对车间主任张某进行询问，"
                    "查清暗管的铺设时间、指使人、排放数量和持续时间。")

EXERCISES = [
    ("现场检查笔录练习：电镀企业双随机检查", "inspection", SCENARIO_INSPECTION, rubrics_demo.INSPECTION,
     "公司法定代表人王某，生产主管刘某，污水站操作工一名。", "该公司去年曾因超标排放被查处。"),
    ("调查询问笔录练习：暗管排放案车间主任询问", "inquiry", SCENARIO_INQUIRY, rubrics_demo.INQUIRY,
     "被询问人：车间主任张某；执法人员二名。", "现场已拍照、采样，暗管长约 40 米。"),
]

INSPECTION_BODY = ("执法人员向当事人出示执法证件，告知当事人有权申请执法人员回避。当事人表示不申请回避。\n"
                   "检查时电镀车间正在生产，污水处理设施正常运行。厂区南侧排放口有废水排出，在线监测显示总铬 0.4 mg/L。\n"
                   "现场采样 2 瓶，拍照 12 张。")
INQUIRY_QA = [
    {"q": "我们是梅州市生态环境局执法人员，这是我们的执法证件（出示）。你有如实回答的义务，有权申请执法人员回避，你是否申请回避？",
     "a": "看清楚了，不申请回避。"},
    {"q": "车间地沟那根管是什么时间、由谁安排铺设的？", "a": "今年 5 月，老板安排的。"},
    {"q": "管子通到哪里？排的是什么？", "a": "通到厂外雨水渠，排车间清洗废水。"},
    {"q": "每天排放多少？持续多久了？", "a": "每天大约 10 吨，从 5 月到现在一个多月。"},
    {"q": "以前有没有被环保部门查处过？造成过什么影响？", "a": "以前没有被查处过，附近村民投诉过水有颜色。"},
    {"q": "以上笔录请你看一下，是否与你说的相符？", "a": "我看过了，与我说的相符。"},
]


def inspection_draft(user: User, n: int) -> Draft:
    body = INSPECTION_BODY
    if n % 3 == 1:
        body = body.replace("告知当事人有权申请执法人员回避。当事人表示不申请回避。", "")
    if n % 2 == 0:
        body += "\n废水颜色发黄，污染情况严重。"
    return Draft(header={"start_time": "2017-07-20T09:30", "end_time": "2017-07-20T10:45",
                         "place": "工业园 3 号厂房电镀车间", "unit": "梅州市某五金电镀有限公司", "legal_rep": "王某",
                         "contact": "13800000001", "recorder": "王志强", "signed_on": "2017-07-20",
                         "officers": [{"name": user.display_name, "cert": user.cert_no or ""},
                                      {"name": "王志强", "cert": "441402900"}]},
                 body=body, confirmation="以上笔录我已看过，属实。")


def inquiry_draft(user: User, n: int) -> Draft:
    qa = INQUIRY_QA if n % 2 else INQUIRY_QA[:3] + INQUIRY_QA[5:]
    return Draft(header={"start_time": "2017-07-20T14:00", "end_time": "2017-07-20T15:10", "place": "梅江分局询问室",
                         "unit": "某电镀厂", "interviewee": "张某", "sex": "男", "age": "42",
                         "id_no": "441402197501011234", "employer": "某电镀厂", "post": "车间主任",
                         "address": "梅江区某街 1 号", "phone": "13900000002", "relation": "当事人单位员工",
                         "recorder": "王志强", "party_signature": "张某", "signed_on": "2017-07-20",
                         "officers": [{"name": user.display_name, "cert": user.cert_no or ""},
                                      {"name": "王志强", "cert": "441402900"}]},
                 qa=qa, confirmation="以上笔录我已看过，与我说的相符。")


def load(campaign_id: int) -> None:
    """Lessons, rubrics, exercises and graded records from officers of two bureaus."""
    trainer = db.session.scalar(select(User).where(User.username == "trainer"))
    if trainer is None or db.session.scalar(select(CaseLesson.id).limit(1)):
        return
    for data, questions in LESSONS:
        lesson = services.save_lesson(None, data, actor_id=trainer.id)
        for q in questions:
            services.add_question(lesson, q)
    for spec in EXERCISES:
        _exercise(spec, trainer, campaign_id)


def _exercise(spec, trainer: User, campaign_id: int) -> None:
    title, kind, scenario, rubric_spec, people, known = spec
    rubric = services.create_rubric(rubric_spec, actor_id=trainer.id, complete=True)
    exercise = services.save_exercise(None, services.ExerciseData(
        title=title, record_type=kind, scenario=scenario, people=people, known_facts=known,
        due_at=utcnow() + timedelta(days=90), rubric_id=rubric.id, is_published=True), actor_id=trainer.id)
    for code in ("441402", "441403"):
        for n in (1, 2, 3):
            _graded(exercise, f"officer_{code}_{n}", n, trainer, campaign_id)


def _graded(exercise: Exercise, username: str, n: int, trainer: User, campaign_id: int) -> None:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        return
    draft = (inspection_draft if exercise.record_type == "inspection" else inquiry_draft)(user, n)
    sub = services.submit(exercise, user, draft)
    scores = services.starting_scores(sub, "first")
    for crit in services.rubric_data(exercise.rubric)["criteria"]:
        if scores[crit["key"]]["points"] is None and not crit.get("veto"):
            scores[crit["key"]]["points"] = crit["max_points"]
    services.save_grade(sub, trainer, "first", scores, "按量表评分。注意笔录用语客观。")
    if n != 3:
        services.release(sub, trainer, campaign_id)
