"""Demo content: a small law library (paraphrased key points), five modules with checks,
two lectures (one past, with attendance) and a study plan. Idempotent."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from lianbing.accounts.models import Bureau, User
from lianbing.dbtypes import local_to_utc
from lianbing.extensions import db
from training import services as svc
from training.models import Lecture, Module

# Article texts are the project's own summaries of each provision for training use,
# not the official wording (the library page says so).
LAWS = [
    (svc.LawData("EPL2014", "中华人民共和国环境保护法", "全国人民代表大会常务委员会", date(2015, 1, 1)), [
        (24, "环境保护主管部门及其委托的环境监察机构等负有监管职责的部门，可以对排污单位进行现场检查。"
             "被检查单位应当如实说明情况、提供必要的资料；检查人员应当为其保守商业秘密。"),
        (25, "排污单位违法排放污染物，造成或者可能造成严重污染的，环境保护主管部门等负有监管职责的部门"
             "可以查封、扣押造成污染物排放的设施和设备。"),
        (42, "排污单位应当采取措施防治废气、废水、废渣等造成的污染，建立环境保护责任制度，"
             "重点排污单位应当安装使用监测设备并保证正常运行；不得以暗管、渗井、篡改监测数据等逃避监管的方式排污。"),
        (59, "排污单位因违法排污被罚款并被责令改正，拒不改正的，作出处罚决定的机关可以自责令改正之日的次日起，"
             "按照原处罚数额按日连续处罚。"),
        (60, "排污单位超过排放标准或者超过重点污染物排放总量控制指标排污的，可以责令其限制生产、停产整治；"
             "情节严重的，报有批准权的人民政府批准后责令停业、关闭。"),
        (63, "排污单位有未批先建且拒不停止建设、无证排污且拒不停止排污、以暗管渗井或篡改伪造监测数据等方式逃避监管排污、"
             "违法使用禁用农药且拒不改正等情形，尚不构成犯罪的，除依法处罚外，移送公安机关对直接责任人员处以行政拘留。"),
    ]),
    (svc.LawData("APPL2018", "中华人民共和国大气污染防治法", "全国人民代表大会常务委员会", date(2018, 10, 26)), [
        (29, "生态环境主管部门及其环境执法机构等有权通过现场检查监测、自动监测、遥感监测等方式，"
             "对排放大气污染物的单位进行监督检查；被检查者应当如实反映情况、提供必要资料。"),
        (99, "超过排放标准或者总量控制指标排放大气污染物、未依法取得排污许可证排污、"
             "通过逃避监管的方式排放大气污染物的，责令改正或者限制生产、停产整治，并处罚款；情节严重的报请停业、关闭。"),
        (123, "违法排放大气污染物受到罚款处罚，被责令改正而拒不改正的，依法作出处罚决定的行政机关可以按照原处罚数额按日连续处罚。"),
    ]),
    (svc.LawData("WPPL2017", "中华人民共和国水污染防治法", "全国人民代表大会常务委员会", date(2018, 1, 1)), [
        (10, "排放水污染物不得超过国家或者地方规定的水污染物排放标准和重点水污染物排放总量控制指标。"),
        (39, "禁止利用渗井、渗坑、裂隙、溶洞，私设暗管，篡改、伪造监测数据，或者不正常运行水污染防治设施等逃避监管的方式排放水污染物。"),
        (83, "超标或者超总量排放水污染物、以逃避监管的方式排放水污染物等的，由生态环境主管部门责令改正或者限制生产、停产整治，"
             "并处罚款；情节严重的，报经有批准权的人民政府批准，责令停业、关闭。"),
    ]),
    (svc.LawData("APL2021", "中华人民共和国行政处罚法", "全国人民代表大会常务委员会", date(2021, 7, 15)), [
        (40, "公民、法人或者其他组织违反行政管理秩序的行为，依法应当给予行政处罚的，行政机关必须查明事实；违法事实不清、证据不足的，不得给予行政处罚。"),
        (42, "行政处罚应当由具有执法资格的执法人员实施，执法人员不得少于两人，法律另有规定的除外。"),
        (44, "行政机关在作出处罚决定之前，应当告知当事人拟作出处罚的内容及事实、理由、依据，并告知其陈述、申辩、要求听证等权利。"),
        (55, "执法人员在调查或者进行检查时，应当主动向当事人或者有关人员出示执法证件；当事人有权要求出示，不出示的有权拒绝接受调查或者检查。"
             "询问或者检查应当制作笔录。"),
        (56, "在证据可能灭失或者以后难以取得的情况下，经行政机关负责人批准，可以先行登记保存，并应在七日内及时作出处理决定。"),
        (63, "作出较大数额罚款、没收较大数额违法所得、责令停产停业、吊销许可证件等处罚前，应当告知当事人有要求听证的权利。"),
    ]),
    (svc.LawData("EVR", "环境行政执法证据与笔录要点（培训用）", "市生态环境局法制科（编写）", date(2017, 6, 1)), [
        (1, "证据应当合法取得，并与待证事实相关；书证、物证、视听资料、电子数据、证人证言、当事人陈述、鉴定意见、"
            "勘验笔录和现场笔录都是证据的种类。"),
        (2, "现场检查（勘察）笔录应当当场制作，写明检查起止时间（精确到分钟）、具体地点、被检查单位及负责人、"
            "两名以上执法人员及其执法证号、记录人。"),
        (3, "笔录应当客观记录所见事实：生产状况、污染防治设施是否运行、排放口情况、监测数据、采样和拍照情况；"
            "不得写入结论、推测或处罚意见。"),
        (4, "检查和询问开始时应当出示执法证件，告知当事人申请回避的权利并记录其回答；询问时告知如实回答的义务。"),
        (5, "调查询问笔录采用问答形式，记录被询问人身份信息，围绕时间、地点、人员、行为、数量、持续时间、危害后果展开。"),
        (6, "笔录制作完毕应当交当事人核对或者向其宣读，由当事人逐页签名并注明日期；拒绝签名的，执法人员注明情况，必要时由见证人签名。"),
    ]),
]


def _q(kind: str, prompt: str, options: tuple[str, ...], answer: tuple[int, ...]) -> svc.QuestionData:
    return svc.QuestionData(kind, prompt, options, answer, 1)


MODULES = [
    (svc.ModuleData("环境保护法：现场检查与查封扣押", "掌握《环境保护法》赋予的现场检查权和查封、扣押措施的适用条件。",
                    "EPL2014", ("officer",), True, True, 1, 60), [
        svc.LessonData("现场检查权", "## 谁可以检查\n\n[[EPL2014:24]]\n\n要点：\n\n- 检查对象是**排污单位**；\n"
                       "- 被检查者负有如实反映情况的义务；\n- 执法人员负有保守商业秘密的义务。\n\n"
                       "检查时同时遵守程序要求：[[APL2021:55]]", 8),
        svc.LessonData("查封、扣押的条件", "## 适用条件\n\n[[EPL2014:25]]\n\n两个条件同时满足：违法排放污染物；"
                       "造成或者**可能造成**严重污染。查封、扣押的对象是造成污染物排放的设施、设备。", 8),
    ], [
        _q("single", "《环境保护法》第二十四条规定的现场检查对象是？", ("排污单位", "所有公民", "人民政府", "新闻媒体"), (0,)),
        _q("truefalse", "实施查封、扣押必须已经造成严重污染后果。", (), (1,)),
        _q("multiple", "现场检查中，被检查单位和执法人员各有哪些义务？",
           ("被检查者如实反映情况", "被检查者提供必要资料", "执法人员保守商业秘密", "执法人员公开企业工艺配方"), (0, 1, 2)),
    ]),
    (svc.ModuleData("按日连续处罚与行政拘留", "理解按日连续处罚的启动条件，以及可移送公安机关行政拘留的四类情形。",
                    "EPL2014,APPL2018", ("officer",), True, True, 2, 60), [
        svc.LessonData("按日连续处罚", "[[EPL2014:59]]\n\n大气领域的对应规定：[[APPL2018:123]]\n\n"
                       "关键在于**责令改正后拒不改正**，复查时应当制作笔录固定拒不改正的事实。", 10),
        svc.LessonData("行政拘留的适用情形", "[[EPL2014:63]]\n\n办案提示：移送前应当收集暗管、监测数据篡改等证据，并做好现场笔录。", 10),
    ], [
        _q("single", "按日连续处罚的计罚起点是？", ("责令改正之日的次日", "立案之日", "处罚决定送达之日", "听证结束之日"), (0,)),
        _q("truefalse", "通过暗管逃避监管排放污染物，尚不构成犯罪的，可以移送公安机关对直接责任人员行政拘留。", (), (0,)),
        _q("multiple", "下列哪些属于《环境保护法》第六十三条的情形？",
           ("未批先建被责令停止建设拒不执行", "篡改、伪造监测数据排污", "按时缴纳排污费", "无证排污被责令停止排污拒不执行"), (0, 1, 3)),
    ]),
    (svc.ModuleData("大气与水污染防治法要点", "超标排放、逃避监管排放的认定与处罚。", "APPL2018,WPPL2017",
                    ("officer",), True, True, 3, 60), [
        svc.LessonData("大气污染防治的监督检查与处罚", "[[APPL2018:29]]\n\n[[APPL2018:99]]", 10),
        svc.LessonData("水污染物排放与逃避监管", "[[WPPL2017:10]]\n\n[[WPPL2017:39]]\n\n[[WPPL2017:83]]", 10),
    ], [
        _q("multiple", "下列哪些属于逃避监管排放水污染物的方式？",
           ("私设暗管", "利用渗井、渗坑", "篡改监测数据", "按规定设置排放口"), (0, 1, 2)),
        _q("truefalse", "大气污染防治法允许通过遥感监测等方式开展监督检查。", (), (0,)),
        _q("single", "超标排放水污染物情节严重的，责令停业、关闭须经谁批准？",
           ("有批准权的人民政府", "被检查单位", "公安机关", "人民法院"), (0,)),
    ]),
    (svc.ModuleData("行政处罚法与执法程序", "两人执法、出示证件、告知与听证、先行登记保存。", "APL2021",
                    ("officer",), True, True, 4, 60), [
        svc.LessonData("调查取证的程序要求", "[[APL2021:40]]\n\n[[APL2021:42]]\n\n[[APL2021:55]]", 10),
        svc.LessonData("告知、听证与先行登记保存", "[[APL2021:44]]\n\n[[APL2021:63]]\n\n[[APL2021:56]]", 10),
    ], [
        _q("single", "执法人员调查或检查时一般不得少于几人？", ("1 人", "2 人", "3 人", "5 人"), (1,)),
        _q("truefalse", "先行登记保存后，行政机关应当在七日内及时作出处理决定。", (), (0,)),
        _q("multiple", "作出处罚决定前应当告知当事人哪些内容？",
           ("拟作出处罚的内容", "事实、理由和依据", "陈述、申辩和听证等权利", "执法人员的家庭住址"), (0, 1, 2)),
    ]),
    (svc.ModuleData("证据收集与笔录制作", "现场检查（勘察）笔录和调查询问笔录：程序合法、内容完整、重点突出、逻辑严密、表述准确客观。",
                    "EVR,APL2021", ("officer",), False, True, 5, 60), [
        svc.LessonData("现场检查（勘察）笔录", "[[EVR:1]]\n\n[[EVR:2]]\n\n[[EVR:3]]\n\n[[EVR:4]]", 12),
        svc.LessonData("调查询问笔录与签名确认", "[[EVR:5]]\n\n[[EVR:6]]", 12),
    ], [
        _q("truefalse", "现场检查笔录中可以写明“该企业违法排污，应予处罚”的结论。", (), (1,)),
        _q("single", "检查起止时间应当记录到？", ("分钟", "日", "月", "不需要记录"), (0,)),
        _q("multiple", "询问开始时应当做到：", ("出示执法证件", "告知申请回避的权利", "告知如实回答的义务", "先让被询问人签名"), (0, 1, 2)),
    ]),
]


def load(campaign_id: int) -> None:
    """Load the library, the modules, a plan and two lectures (idempotent)."""
    for law, articles in LAWS:
        if svc.law_by_code(law.code) is None:
            svc.import_law(law, articles)
    modules = [_module(data, lessons, questions) for data, lessons, questions in MODULES]
    _plan(modules[0])
    _lectures()
    db.session.flush()


def _module(data: svc.ModuleData, lessons, questions) -> Module:
    module = db.session.scalar(select(Module).where(Module.title == data.title))
    if module is not None:
        return module
    module = svc.save_module(data)
    for pos, lesson in enumerate(lessons):
        svc.save_lesson(module, svc.LessonData(lesson.title, lesson.body, lesson.minutes, True, pos))
    for question in questions:
        svc.add_question(module, question)
    db.session.refresh(module)
    return module


def _admin() -> User | None:
    return db.session.scalar(select(User).where(User.role == "city_admin").order_by(User.id))


def _plan(module: Module) -> None:
    admin = _admin()
    if admin is None or svc.plans_visible_to(admin):
        return
    svc.create_plan(admin, svc.PlanData(module.id, "officer", None, date(2017, 7, 15)))


def _at(day: date, hour: int, minutes: int = 0) -> datetime:
    return local_to_utc(datetime.combine(day, time(hour, minutes)))


def _lectures() -> None:
    admin = _admin()
    city = db.session.scalar(select(Bureau).where(Bureau.level == "city"))
    if admin is None or city is None or db.session.scalar(select(Lecture.id).limit(1)):
        return
    past = svc.create_lecture(admin, svc.LectureData(
        "新《环境保护法》配套办法解读", "lecture", _at(date(2017, 6, 20), 9), _at(date(2017, 6, 20), 11),
        "市局三楼会议室", "市局法制科", city.id))
    svc.create_lecture(admin, svc.LectureData(
        "以案释法：暗管偷排案的证据固定", "case", _at(svc.today() + timedelta(days=7), 14),
        _at(svc.today() + timedelta(days=7), 16), "市局三楼会议室", "市局执法支队", city.id))
    officers = db.session.scalars(select(User).where(User.role == "officer").order_by(User.id).limit(12))
    for n, officer in enumerate(officers):
        svc.record_attendance(officer, past, past.starts_at + timedelta(minutes=n % 4 * 5 - 5))
