"""Demo content of modules: five law-study modules citing the library, each with a check.
Idempotent (a module is matched by its title)."""

from __future__ import annotations

from sqlalchemy import select

from lianbing.host import db
from training.modules import services
from training.modules.models import Module


def _q(
    kind: str, prompt: str, options: tuple[str, ...], answer: tuple[int, ...]
) -> services.QuestionData:
    return services.QuestionData(kind, prompt, options, answer, 1)


MODULES = [
    (
        services.ModuleData(
            "环境保护法：现场检查与查封扣押",
            "掌握《环境保护法》赋予的现场检查权和查封、扣押措施的适用条件。",
            "EPL2014",
            ("officer",),
            True,
            True,
            1,
            60,
        ),
        [
            services.LessonData(
                "现场检查权",
                "## 谁可以检查\n\n[[EPL2014:24]]\n\n要点：\n\n- 检查对象是**排污单位**；\n"
                "- 被检查者负有如实反映情况的义务；\n- 执法人员负有保守商业秘密的义务。\n\n"
                "检查时同时遵守程序要求：[[APL2021:55]]",
                8,
            ),
            services.LessonData(
                "查封、扣押的条件",
                "## 适用条件\n\n[[EPL2014:25]]\n\n两个条件同时满足：违法排放污染物；"
                "造成或者**可能造成**严重污染。查封、扣押的对象是造成污染物排放的设施、设备。",
                8,
            ),
        ],
        [
            _q(
                "single",
                "《环境保护法》第二十四条规定的现场检查对象是？",
                ("排污单位", "所有公民", "人民政府", "新闻媒体"),
                (0,),
            ),
            _q("truefalse", "实施查封、扣押必须已经造成严重污染后果。", (), (1,)),
            _q(
                "multiple",
                "现场检查中，被检查单位和执法人员各有哪些义务？",
                (
                    "被检查者如实反映情况",
                    "被检查者提供必要资料",
                    "执法人员保守商业秘密",
                    "执法人员公开企业工艺配方",
                ),
                (0, 1, 2),
            ),
        ],
    ),
    (
        services.ModuleData(
            "按日连续处罚与行政拘留",
            "理解按日连续处罚的启动条件，以及可移送公安机关行政拘留的四类情形。",
            "EPL2014,APPL2018",
            ("officer",),
            True,
            True,
            2,
            60,
        ),
        [
            services.LessonData(
                "按日连续处罚",
                "[[EPL2014:59]]\n\n大气领域的对应规定：[[APPL2018:123]]\n\n"
                "关键在于**责令改正后拒不改正**，复查时应当制作笔录固定拒不改正的事实。",
                10,
            ),
            services.LessonData(
                "行政拘留的适用情形",
                "[[EPL2014:63]]\n\n办案提示：移送前应当收集暗管、监测数据篡改等证据，并做好现场笔录。",
                10,
            ),
        ],
        [
            _q(
                "single",
                "按日连续处罚的计罚起点是？",
                ("责令改正之日的次日", "立案之日", "处罚决定送达之日", "听证结束之日"),
                (0,),
            ),
            _q(
                "truefalse",
                "通过暗管逃避监管排放污染物，尚不构成犯罪的，可以移送公安机关对直接责任人员行政拘留。",
                (),
                (0,),
            ),
            _q(
                "multiple",
                "下列哪些属于《环境保护法》第六十三条的情形？",
                (
                    "未批先建被责令停止建设拒不执行",
                    "篡改、伪造监测数据排污",
                    "按时缴纳排污费",
                    "无证排污被责令停止排污拒不执行",
                ),
                (0, 1, 3),
            ),
        ],
    ),
    (
        services.ModuleData(
            "大气与水污染防治法要点",
            "超标排放、逃避监管排放的认定与处罚。",
            "APPL2018,WPPL2017",
            ("officer",),
            True,
            True,
            3,
            60,
        ),
        [
            services.LessonData(
                "大气污染防治的监督检查与处罚", "[[APPL2018:29]]\n\n[[APPL2018:99]]", 10
            ),
            services.LessonData(
                "水污染物排放与逃避监管",
                "[[WPPL2017:10]]\n\n[[WPPL2017:39]]\n\n[[WPPL2017:83]]",
                10,
            ),
        ],
        [
            _q(
                "multiple",
                "下列哪些属于逃避监管排放水污染物的方式？",
                ("私设暗管", "利用渗井、渗坑", "篡改监测数据", "按规定设置排放口"),
                (0, 1, 2),
            ),
            _q("truefalse", "大气污染防治法允许通过遥感监测等方式开展监督检查。", (), (0,)),
            _q(
                "single",
                "超标排放水污染物情节严重的，责令停业、关闭须经谁批准？",
                ("有批准权的人民政府", "被检查单位", "公安机关", "人民法院"),
                (0,),
            ),
        ],
    ),
    (
        services.ModuleData(
            "行政处罚法与执法程序",
            "两人执法、出示证件、告知与听证、先行登记保存。",
            "APL2021",
            ("officer",),
            True,
            True,
            4,
            60,
        ),
        [
            services.LessonData(
                "调查取证的程序要求", "[[APL2021:40]]\n\n[[APL2021:42]]\n\n[[APL2021:55]]", 10
            ),
            services.LessonData(
                "告知、听证与先行登记保存", "[[APL2021:44]]\n\n[[APL2021:63]]\n\n[[APL2021:56]]", 10
            ),
        ],
        [
            _q(
                "single",
                "执法人员调查或检查时一般不得少于几人？",
                ("1 人", "2 人", "3 人", "5 人"),
                (1,),
            ),
            _q("truefalse", "先行登记保存后，行政机关应当在七日内及时作出处理决定。", (), (0,)),
            _q(
                "multiple",
                "作出处罚决定前应当告知当事人哪些内容？",
                (
                    "拟作出处罚的内容",
                    "事实、理由和依据",
                    "陈述、申辩和听证等权利",
                    "执法人员的家庭住址",
                ),
                (0, 1, 2),
            ),
        ],
    ),
    (
        services.ModuleData(
            "证据收集与笔录制作",
            "现场检查（勘察）笔录和调查询问笔录：程序合法、内容完整、重点突出、逻辑严密、表述准确客观。",
            "EVR,APL2021",
            ("officer",),
            False,
            True,
            5,
            60,
        ),
        [
            services.LessonData(
                "现场检查（勘察）笔录", "[[EVR:1]]\n\n[[EVR:2]]\n\n[[EVR:3]]\n\n[[EVR:4]]", 12
            ),
            services.LessonData("调查询问笔录与签名确认", "[[EVR:5]]\n\n[[EVR:6]]", 12),
        ],
        [
            _q("truefalse", "现场检查笔录中可以写明“该企业违法排污，应予处罚”的结论。", (), (1,)),
            _q("single", "检查起止时间应当记录到？", ("分钟", "日", "月", "不需要记录"), (0,)),
            _q(
                "multiple",
                "询问开始时应当做到：",
                ("出示执法证件", "告知申请回避的权利", "告知如实回答的义务", "先让被询问人签名"),
                (0, 1, 2),
            ),
        ],
    ),
]


def load() -> list[Module]:
    """Create each demo module not there yet; returns every demo module in order."""
    return [_module(data, lessons, questions) for data, lessons, questions in MODULES]


def _module(data: services.ModuleData, lessons, questions) -> Module:
    module = db.session.scalar(select(Module).where(Module.title == data.title))
    if module is not None:
        return module
    module = services.save_module(data)
    for pos, lesson in enumerate(lessons):
        services.save_lesson(
            module, services.LessonData(lesson.title, lesson.body, lesson.minutes, True, pos)
        )
    for question in questions:
        services.add_question(module, question)
    db.session.refresh(module)
    return module
