"""Demo content: two exercises with their rubrics, and the officers' sample records."""

from __future__ import annotations

from datetime import timedelta

from casestudies.exercises.models import Exercise
from casestudies.exercises.records import Draft
from casestudies.exercises.services import ExerciseData, save_exercise
from casestudies.rubrics import demo as rubric_specs
from casestudies.rubrics.services import create_rubric
from lianbing.host import User, to_local, utcnow

SCENARIO_INSPECTION = (
    "梅江区某五金电镀有限公司位于工业园 3 号厂房。今天上午 9 时，你和同事到该公司开展“双随机”检查。"
    "电镀车间正在生产，车间东侧污水处理站运行中，厂区南侧有一个废水排放口，在线监测设备显示总铬 0.4 mg/L。"
)
SCENARIO_INQUIRY = (
    "检查发现某电镀厂车间地沟有暗管通往雨水渠。下午在执法局询问室，你们对车间主任张某进行询问，"
    "查清暗管的铺设时间、指使人、排放数量和持续时间。"
)

EXERCISES = [
    (
        "现场检查笔录练习：电镀企业双随机检查",
        "inspection",
        SCENARIO_INSPECTION,
        rubric_specs.INSPECTION,
        "公司法定代表人王某，生产主管刘某，污水站操作工一名。",
        "该公司去年曾因超标排放被查处。",
    ),
    (
        "调查询问笔录练习：暗管排放案车间主任询问",
        "inquiry",
        SCENARIO_INQUIRY,
        rubric_specs.INQUIRY,
        "被询问人：车间主任张某；执法人员二名。",
        "现场已拍照、采样，暗管长约 40 米。",
    ),
]

INSPECTION_BODY = (
    "执法人员向当事人出示执法证件，告知当事人有权申请执法人员回避。当事人表示不申请回避。\n"
    "检查时电镀车间正在生产，污水处理设施正常运行。厂区南侧排放口有废水排出，在线监测显示总铬 0.4 mg/L。\n"
    "现场采样 2 瓶，拍照 12 张。"
)
INQUIRY_QA = [
    {
        "q": "我们是梅州市生态环境局执法人员，这是我们的执法证件（出示）。你有如实回答的义务，有权申请执法人员回避，你是否申请回避？",
        "a": "看清楚了，不申请回避。",
    },
    {"q": "车间地沟那根管是什么时间、由谁安排铺设的？", "a": "今年 5 月，老板安排的。"},
    {"q": "管子通到哪里？排的是什么？", "a": "通到厂外雨水渠，排车间清洗废水。"},
    {"q": "每天排放多少？持续多久了？", "a": "每天大约 10 吨，从 5 月到现在一个多月。"},
    {
        "q": "以前有没有被环保部门查处过？造成过什么影响？",
        "a": "以前没有被查处过，附近村民投诉过水有颜色。",
    },
    {"q": "以上笔录请你看一下，是否与你说的相符？", "a": "我看过了，与我说的相符。"},
]


def _inspected_on():
    """The record was taken three days before it is handed in."""
    return to_local(utcnow()).date() - timedelta(days=3)


def inspection_draft(user: User, n: int) -> Draft:
    body = INSPECTION_BODY
    if n % 3 == 1:
        body = body.replace("告知当事人有权申请执法人员回避。当事人表示不申请回避。", "")
    if n % 2 == 0:
        body += "\n废水颜色发黄，污染情况严重。"
    day = _inspected_on()
    return Draft(
        header={
            "start_time": f"{day}T09:30",
            "end_time": f"{day}T10:45",
            "place": "工业园 3 号厂房电镀车间",
            "unit": "梅州市某五金电镀有限公司",
            "legal_rep": "王某",
            "contact": "13800000001",
            "recorder": "钟文斌",
            "signed_on": str(day),
            "officers": [
                {"name": user.display_name, "cert": user.cert_no or ""},
                {"name": "钟文斌", "cert": "441402900"},
            ],
        },
        body=body,
        confirmation="以上笔录我已看过，属实。",
    )


def inquiry_draft(user: User, n: int) -> Draft:
    qa = INQUIRY_QA if n % 2 else INQUIRY_QA[:3] + INQUIRY_QA[5:]
    day = _inspected_on()
    return Draft(
        header={
            "start_time": f"{day}T14:00",
            "end_time": f"{day}T15:10",
            "place": "梅江分局询问室",
            "unit": "某电镀厂",
            "interviewee": "张某",
            "sex": "男",
            "age": "42",
            "id_no": "441402197501011234",
            "employer": "某电镀厂",
            "post": "车间主任",
            "address": "梅江区某街 1 号",
            "phone": "13900000002",
            "relation": "当事人单位员工",
            "recorder": "钟文斌",
            "party_signature": "张某",
            "signed_on": str(day),
            "officers": [
                {"name": user.display_name, "cert": user.cert_no or ""},
                {"name": "钟文斌", "cert": "441402900"},
            ],
        },
        qa=qa,
        confirmation="以上笔录我已看过，与我说的相符。",
    )


def create(spec: tuple, trainer: User) -> Exercise:
    """One demo exercise with its own copy of the demo rubric."""
    title, kind, scenario, rubric_spec, people, known = spec
    rubric = create_rubric(rubric_spec, actor_id=trainer.id, complete=True)
    return save_exercise(
        None,
        ExerciseData(
            title=title,
            record_type=kind,
            scenario=scenario,
            people=people,
            known_facts=known,
            due_at=utcnow() + timedelta(days=90),
            rubric_id=rubric.id,
            is_published=True,
        ),
        actor_id=trainer.id,
    )
