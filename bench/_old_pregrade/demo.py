"""The demo rubrics, built from the element lists of a complete record (DESIGN.md §2).

Plain data in the rubric JSON format, used by the demo loader, the tests and the benchmark.
"""

from __future__ import annotations

CERT_SHOWN = {"label": "出示执法证件", "regex": "出示.{0,12}(执法证|证件)"}
RECUSAL_TOLD = {"label": "告知申请回避的权利", "regex": "回避"}
RECUSAL_ANSWER = {
    "label": "记录当事人对回避的答复",
    "regex": "(不|无需|不需要|没有)(申请|要求)?.{0,4}回避",
}
SUBJECTIVE = {
    "type": "forbidden",
    "terms": ["严重", "恶劣", "肯定", "大概", "好像", "可能", "估计", "似乎"],
}
PENALTY = {
    "type": "forbidden",
    "regex": ["罚款", "处以", "(给予|予以).{0,6}处罚", "违法行为成立", "拘留"],
}


def _levels(top: float, mid: str, low: str, high: str) -> list[dict]:
    return [
        {"points": top, "descriptor": high},
        {"points": top / 2, "descriptor": mid},
        {"points": 0, "descriptor": low},
    ]


def _c(key, standard, title, points, checks=(), mode="levels", veto=False, levels=None):
    crit = {
        "key": key,
        "standard": standard,
        "title": title,
        "max_points": points,
        "mode": mode,
        "veto": veto,
        "checks": list(checks),
        "levels": [],
    }
    if mode == "levels" and not veto:
        crit["levels"] = levels or _levels(points, "部分符合", "不符合或未记载", "完全符合")
    return crit


OFFICERS_VETO = _c(
    "V1",
    "程序合法",
    "否决项：现场执法人员少于两名或未注明执法证号",
    0,
    [{"type": "officers", "min": 2}],
    veto=True,
)

INSPECTION = {
    "title": "现场检查（勘察）笔录评分量表（演示）",
    "record_type": "inspection",
    "total_points": 100,
    "criteria": [
        _c("P1", "程序合法", "起止时间记载到分钟，结束晚于开始", 5, [{"type": "times"}]),
        _c(
            "P2", "程序合法", "两名以上执法人员并注明执法证号", 10, [{"type": "officers", "min": 2}]
        ),
        _c(
            "P3",
            "程序合法",
            "出示执法证件并记录在案",
            10,
            [{"type": "mentions", "patterns": [CERT_SHOWN]}],
        ),
        _c(
            "P4",
            "程序合法",
            "告知申请回避的权利并记录当事人答复",
            10,
            [{"type": "mentions", "patterns": [RECUSAL_TOLD, RECUSAL_ANSWER]}],
        ),
        OFFICERS_VETO,
        _c(
            "C1",
            "内容完整",
            "检查地点具体到厂区、车间",
            5,
            [{"type": "field_present", "fields": ["place"]}],
        ),
        _c(
            "C2",
            "内容完整",
            "被检查单位、法定代表人（负责人）及联系方式",
            10,
            [{"type": "field_present", "fields": ["unit", "legal_rep", "contact"]}],
        ),
        _c("C3", "内容完整", "注明记录人", 5, [{"type": "field_present", "fields": ["recorder"]}]),
        _c(
            "C4",
            "内容完整",
            "当事人确认笔录属实并签名、注明日期（拒签的注明见证人）",
            5,
            [
                {
                    "type": "mentions",
                    "patterns": [
                        {
                            "label": "确认笔录属实或拒签注明见证人",
                            "regex": "属实|无误|相符|拒(绝)?签.{0,20}见证",
                        }
                    ],
                },
                {"type": "field_present", "fields": ["signed_on"]},
            ],
        ),
        _c(
            "K1",
            "重点突出",
            "记载生产状况和污染防治设施运行情况",
            10,
            [
                {
                    "type": "mentions",
                    "patterns": [
                        {"label": "生产状况", "regex": "生产|停产|在产"},
                        {
                            "label": "污染防治设施运行情况",
                            "regex": "(设施|设备).{0,12}(运行|运转|停运|开启|关闭)",
                        },
                    ],
                }
            ],
        ),
        _c(
            "K2",
            "重点突出",
            "记载排放口、监测数据及采样、拍照等取证情况",
            10,
            [
                {
                    "type": "mentions",
                    "patterns": [
                        {"label": "排放口", "regex": "排放口|排污口|排口"},
                        {"label": "采样、拍照或监测取证", "regex": "采样|拍照|照片|录像|监测"},
                    ],
                }
            ],
        ),
        _c("L1", "逻辑严密", "数量、浓度等带有计量单位", 5, [{"type": "units"}]),
        _c("L2", "逻辑严密", "按检查顺序记录，前后一致", 5, mode="guide"),
        _c("A1", "表述准确客观", "不使用主观、推测或结论性用语", 5, [SUBJECTIVE]),
        _c("A2", "表述准确客观", "不在笔录中写入定性或处罚结论", 5, [PENALTY]),
    ],
}

TOPICS_A = [
    {"label": "时间", "regex": "时间|何时|什么时候|几点|日期|\\d+月"},
    {"label": "地点", "regex": "地点|哪里|位置|车间|厂区"},
    {"label": "人员", "regex": "谁|负责人|人员|员工|指使|安排"},
    {"label": "行为", "regex": "排放|倾倒|生产|操作|怎么|如何"},
]
TOPICS_B = [
    {"label": "数量", "regex": "多少|数量|吨|立方米|千克"},
    {"label": "持续时间", "regex": "多久|多长时间|持续|几天|从.{0,10}到"},
    {"label": "危害后果", "regex": "危害|后果|影响|污染|死鱼|投诉"},
    {"label": "以往处理", "regex": "以前|之前|曾经|处罚过|查处|以往"},
]

INQUIRY = {
    "title": "调查询问笔录评分量表（演示）",
    "record_type": "inquiry",
    "total_points": 100,
    "criteria": [
        _c("Q1", "程序合法", "询问起止时间记载到分钟，结束晚于开始", 5, [{"type": "times"}]),
        _c("Q2", "程序合法", "两名以上执法人员并注明执法证号", 5, [{"type": "officers", "min": 2}]),
        _c(
            "Q3",
            "程序合法",
            "开场表明身份并出示执法证件",
            5,
            [{"type": "mentions", "patterns": [CERT_SHOWN]}],
        ),
        _c(
            "Q4",
            "程序合法",
            "告知如实回答的义务",
            5,
            [
                {
                    "type": "mentions",
                    "patterns": [{"label": "告知如实回答的义务", "regex": "如实(回答|陈述|提供)"}],
                }
            ],
        ),
        _c(
            "Q5",
            "程序合法",
            "告知申请回避的权利并记录答复",
            10,
            [{"type": "mentions", "patterns": [RECUSAL_TOLD, RECUSAL_ANSWER]}],
        ),
        OFFICERS_VETO,
        _c(
            "Q6",
            "内容完整",
            "被询问人基本情况齐全，身份证号格式正确",
            10,
            [
                {
                    "type": "field_present",
                    "fields": [
                        "interviewee",
                        "sex",
                        "age",
                        "employer",
                        "post",
                        "address",
                        "phone",
                        "relation",
                    ],
                },
                {"type": "field_present", "fields": ["id_no"], "pattern": "^\\d{17}[\\dXx]$"},
            ],
        ),
        _c(
            "Q7",
            "内容完整",
            "询问地点、涉案单位",
            5,
            [{"type": "field_present", "fields": ["place", "unit"]}],
        ),
        _c(
            "Q8",
            "内容完整",
            "笔录交被询问人阅看或宣读，确认无误并签名",
            10,
            [
                {
                    "type": "mentions",
                    "patterns": [
                        {"label": "宣读或交被询问人阅看", "regex": "宣读|阅看|看过|核对"},
                        {"label": "确认与所说相符", "regex": "相符|属实|无误|一致"},
                    ],
                },
                {"type": "field_present", "fields": ["party_signature"]},
            ],
        ),
        _c(
            "Q9",
            "重点突出",
            "问答涉及时间、地点、人员、行为",
            10,
            [{"type": "qa_topics", "min_pairs": 4, "topics": TOPICS_A}],
        ),
        _c(
            "Q10",
            "重点突出",
            "问答涉及数量、持续时间、危害后果、以往处理",
            10,
            [{"type": "qa_topics", "min_pairs": 4, "topics": TOPICS_B}],
        ),
        _c("Q11", "重点突出", "问题围绕违法事实，无诱导性提问", 5, mode="guide"),
        _c("Q12", "逻辑严密", "数量、浓度等带有计量单位", 5, [{"type": "units"}]),
        _c("Q13", "逻辑严密", "问答衔接，前后陈述一致", 5, mode="guide"),
        _c("Q14", "表述准确客观", "记录原话，不使用主观、推测或结论性用语", 5, [SUBJECTIVE]),
        _c("Q15", "表述准确客观", "不在笔录中写入定性或处罚结论", 5, [PENALTY]),
    ],
}
