"""What the checks know about how records are written: states, units, ID numbers.

Plain vocabularies and small functions over the normalized text (half-width punctuation and
digits, see reader.normalize); the checks in checks.py use them.
"""

from __future__ import annotations

import re

#: production status, affirmative or negated (正在生产, 停产, 未生产, 正在施工, 该厂正常运行…)
PRODUCTION_RE = re.compile(
    r"正在(?:生产|作业|施工|养殖|加工|营业|喷漆|喷涂|运营)|(?:正常|照常|在)生产|生产中|作业中|施工中"
    r"|(?:处于|已经|已)?(?:停产|停工|停业|歇业|关停|停止生产)|(?:未|没有|尚未)(?:生产|开工|投产)"
    r"|(?:厂|场|站|公司|企业|工地|加工点)[^,。;\n]{0,4}(?:正常运行|正常运营|运行正常)"
)
#: pollution-control facilities and equipment named in records
FACILITY = (
    r"设施|设备|装置|除尘器|除尘|风机|脱硫|脱硝|喷淋塔|吸附|活性炭|处理站|污水站|沉淀池|压滤机|曝气"
    r"|水帘柜|沼气池|氧化塘|雾炮|冲洗|吹脱塔|分离机|布袋|在线监测|生化池|隔油池|循环泵|水泵|加药"
    r"|收集系统|净化器|UV光解|催化燃烧|焚烧炉"
)
STATE = (
    r"正在运行|正常运行|运行正常|运行中|在运行|未运行|没有运行|停止运行|运行|运转|停运|停用|在用|使用中"
    r"|未使用|未开启|没有开启|开启|关闭|未启用|损坏|故障|闲置|满溢|正常"
)
FACILITY_RE = re.compile(
    rf"(?:{FACILITY})[^,。;\n]{{0,12}}?(?:{STATE})"
    rf"|(?:未建设|没有建设|未建|未安装|未配套|未设置|无)[^,。;\n]{{0,10}}(?:{FACILITY})"
)

#: quantities take a unit; these follow a number without one being missing
UNITS = tuple(
    sorted(
        """吨 t 千克 公斤 kg 克 g 毫克 mg 微克 μg 立方米 立方 m³ m3 方 升 L 毫升 mL ml 米 m
        厘米 cm 毫米 mm 平方米 ㎡ m2 亩 公顷 公里 km 小时 h 分钟 min 天 日 周 星期 个 台 套 处
        根 家 名 人 次
        件 份 张 袋 桶 辆 元 万元 万 % ‰ dB 分贝 ℃ 度 倍 Pa MPa kPa 年 月 时 分 秒 号 条 款 项 页 章
        层 栋 排 组 批 只 瓶 支 块 片 头 座 口 车 罐 池 箱 包 盒 亿 千 百 岁 段 线 级 类 期 区 室 楼
        房 标段 # 号线 户 间 匹 株 棵 尾 斤 两 kW kWh 千瓦 度电 Nm3 mg/L mg/m3 ppm 寸 英寸 圈 道 轮
        季度 立 趟 遍 部 门""".split(),
        key=len,
        reverse=True,
    )
)
#: between a number and its unit: 10多吨, 3余天, 约 5 个左右
_FILLERS = "余多来几"
NUMBER_RE = re.compile(r"(?<![\d.A-Za-z])\d+(?:\.\d+)?(?!\d|\.\d)")
_PH_RE = re.compile(r"pH\s*值?\s*(?:为|是|约)?\s*$", re.I)
_BEFORE_OK = ("第", "-", "/", ":", "〔", "[", "(", "No.", "NO.", "编号", "#")
_AFTER_OK = "-/:.年月日时分至到~〕]、)#"


def has_unit(text: str, start: int, end: int) -> bool:
    """Whether the number at text[start:end] needs no unit or has one."""
    if end - start >= 6:  # certificate, licence, ID, phone numbers and sample codes
        return True
    before = text[max(0, start - 8) : start].rstrip(" ")
    if before.endswith(_BEFORE_OK) or _PH_RE.search(before):
        return True
    after = text[end : end + 8].lstrip(" ").lstrip(_FILLERS).lstrip(" ")
    return not after or after[0] in _AFTER_OK or after.startswith(UNITS)


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_RE = re.compile(r"^\d{6}(18|19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dXx]$")


def id_problem(value: str) -> str:
    """Why a resident ID number is not valid under GB 11643 ('' when it is)."""
    value = value.strip().replace(" ", "")
    if len(value) != 18:
        return f"身份证号应为 18 位（现为 {len(value)} 位）"
    if not _ID_RE.match(value):
        return "身份证号的格式或出生日期不正确"
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS))
    expected = "10X98765432"[total % 11]
    if value[17].upper() != expected:
        return f"身份证号校验位不符（按 GB 11643 应为 {expected}）"
    return ""
