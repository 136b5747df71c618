"""What the audit page shows people: Chinese names for actions, objects and fields.

Every action code written anywhere in the app (``audit.write`` in the host, ``write_audit`` in
the parts) has a label here; a test greps the source and checks it. A code missing anyway is
shown by its object's name plus "操作", never as the raw dotted code. Changes (``old``/``new``)
become rows of a before/after table with readable values: roles and bureaus by name, yes/no,
lists joined — never JSON.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from lianbing.dbtypes import to_local
from lianbing.parts import ROLE_LABELS

ACTION_LABELS = {
    # sign-in and security
    "auth.login": "登录成功",
    "auth.login_failed": "登录失败",
    "auth.login_throttled": "登录被限制（尝试过多）",
    "auth.logout": "退出登录",
    "auth.forbidden": "越权访问被拒绝",
    "user.create": "新建人员",
    "user.update": "修改人员信息",
    "user.activate": "启用账号",
    "user.deactivate": "停用账号",
    "user.password": "修改本人密码",
    "user.reset_password": "管理员重置密码",
    "api_token.issue": "签发接口令牌",
    "api_token.revoke": "吊销接口令牌",
    "api_token.use": "使用接口令牌",
    # campaign
    "campaign.create": "新建练兵活动",
    "campaign.activate": "启用练兵活动",
    "campaign.update": "修改练兵活动",
    "campaign.weights": "修改计分权重",
    "campaign.weights_refused": "计分权重修改被拒绝",
    "campaign.weights_locked": "活动结束后修改计分权重被拒绝",
    "campaign.close": "结束练兵活动",
    "campaign.reopen": "重新开启练兵活动",
    "campaign.next_year": "以此为模板创建新一年活动",
    "expected.exempt": "免除应参加活动",
    "score.refused": "成绩录入被拒绝",
    "campaign.stages": "修改活动阶段",
    "campaign.ops_settings": "修改运行设置",
    "campaign.deadline_add": "新增截止日期",
    "campaign.deadline_delete": "删除截止日期",
    "bulletin.submit": "报送简报",
    "bulletin.return": "退回简报",
    "report.submit": "报送报省总结",
    "report.return": "退回报省总结",
    "column.submit": "投稿专栏文章",
    "column.publish": "发布专栏文章",
    "column.reject": "退回专栏文章",
    "column.case_add": "新增处罚案例",
    "column.case_disclose": "公开处罚案例",
    "column.case_hide": "隐藏处罚案例",
    "drill.round_create": "新建比武轮次",
    "drill.round_delete": "删除比武轮次",
    "drill.team_create": "新建比武队伍",
    "drill.report": "提交比武报告",
    "evaluation.item_add": "新增自评项目",
    "evaluation.submit": "提交总结自评",
    "evaluation.review": "评定总结自评",
    # scores and rankings
    "score.insert": "记入成绩",
    "score.update": "修改成绩",
    "score.correction": "活动结束后更正成绩",
    "expected.declare": "登记应参加活动",
    "expected.remove": "取消应参加活动",
    "ranking.settings": "修改排名设置",
    "ranking.settings_locked": "活动结束后修改排名设置被拒绝",
    "recommendation.add": "添加推荐",
    "recommendation.remove": "撤销推荐",
    "certificate.issue": "颁发证书",
    "certificate.revoke": "撤销证书",
    "nomination.submit": "提交推荐名单",
    "nomination.accepted": "采纳推荐名单",
    "nomination.returned": "退回推荐名单",
    "nomination.reopen": "重新打开推荐名单",
    "award.propose": "申报加分",
    "award.approved": "批准加分",
    "award.rejected": "驳回加分",
    # training
    "training.law_import": "导入法规",
    "training.lecture_create": "新建培训讲座",
    "training.module_save": "保存学习模块",
    "training.plan_create": "新建学习计划",
    "training.plan_delete": "删除学习计划",
    # quizzes
    "quiz.grade": "评阅答卷",
    "quiz.regrade": "重新评阅答卷",
    "quizzes.import": "导入题库",
    "quizzes.question_edit": "修改试题",
    "quizzes.bulk_move": "批量移动试题",
    "quizzes.bulk_tag": "批量设置标签",
    "quizzes.bulk_activate": "批量启用试题",
    "quizzes.bulk_deactivate": "批量停用试题",
    # case studies
    "casestudies.exercise.create": "新建笔录练习",
    "casestudies.exercise.update": "修改笔录练习",
    "casestudies.lesson.create": "新建案例课",
    "casestudies.lesson.update": "修改案例课",
    "casestudies.rubric.create": "新建评分量表",
    "casestudies.rubric.update": "修改评分量表",
    "casestudies.rubric.criterion": "修改评分细则",
    "casestudies.grade.save": "保存评分",
    "casestudies.grade.release": "发布评分",
    "casestudies.regrade.request": "申请复核",
    "casestudies.regrade.answer": "答复复核",
    "casestudies.submission.submit": "提交笔录",
    "casestudies.casefile.add_reviewer": "增派案卷评查人",
    "casestudies.casefile.add_reviewer.refused": "增派案卷评查人被拒绝",
    "casestudies.casefile.quota": "设置案卷自选限额",
    "casestudies.casefile.quota.refused": "设置案卷自选限额被拒绝",
    "casestudies.casefile.proposed": "县级自选案卷",
    "casestudies.casefile.proposed.refused": "县级自选案卷被拒绝",
    "casestudies.casefile.unproposed": "撤回县级自选案卷",
    "casestudies.casefile.drawn": "案卷被随机抽中",
    "casestudies.casefile.province": "选定报送省厅的案卷",
    "casestudies.casefile.unprovince": "撤回报送省厅的案卷",
    "casestudies.casefile.assign": "分配案卷评查",
    "casestudies.casefile.document": "上传案卷材料",
    "casestudies.casefile.draw": "随机抽取案卷",
    "casestudies.casefile.import_refused": "案卷清单导入被拒绝",
    "casestudies.casefile.record": "录入案卷笔录",
    "casestudies.casefile.result": "案卷评查结果",
    "casestudies.casefile.review": "提交案卷评查",
    "casestudies.review_group.create": "组建评查组",
    "casestudies.review_table.create": "新建案卷评查表",
    "casestudies.review_table.update": "修改案卷评查表",
    "user.backbone": "设置执法骨干",
}

TARGET_LABELS = {
    "user": "人员",
    "username": "用户名",
    "route": "页面",
    "api_token": "接口令牌",
    "article": "专栏文章",
    "award": "加分申报",
    "bulletin": "简报",
    "province_report": "报省总结",
    "campaign": "练兵活动",
    "campaign_deadline": "截止日期",
    "certificate": "证书",
    "cs_case_file": "评查案卷",
    "cs_proposal_quotas": "案卷自选限额",
    "cs_case_lesson": "案例课",
    "cs_exercise": "案卷练习",
    "cs_rubric": "评分量表",
    "cs_submission": "案卷",
    "drill_report": "比武报告",
    "drill_round": "比武轮次",
    "drill_team": "比武队伍",
    "evaluation_item": "自评项目",
    "expected_activity": "应参加活动",
    "nomination": "推荐名单",
    "penalty_case": "处罚案例",
    "quiz_attempt_item": "答题",
    "quiz_bank": "题库",
    "quiz_question": "试题",
    "recommendation": "推荐",
    "score_entry": "成绩",
    "summary_report": "总结报告",
    "training_law": "法规",
    "training_lecture": "培训讲座",
    "training_module": "学习模块",
    "training_study_plan": "学习计划",
}

FIELD_LABELS = {
    "username": "用户名",
    "display_name": "姓名",
    "serial": "证书编号",
    "holder": "持证人",
    "source": "依据",
    "role": "角色",
    "bureau_id": "单位",
    "cert_no": "执法证号",
    "phone": "手机",
    "is_active": "启用",
    "name": "名称",
    "title": "标题",
    "status": "状态",
    "score": "分数",
    "points": "分值",
    "total": "总分",
    "max": "上限",
    "kind": "类别",
    "ref": "关联对象",
    "user_id": "人员",
    "prefix": "令牌前缀",
    "comment": "意见",
    "feedback": "反馈",
    "start": "开始",
    "end": "结束",
    "date": "日期",
    "due": "截止",
    "due_day": "截止日",
    "version": "版本",
    "quota": "名额",
    "audience": "对象",
    "published": "已发布",
    "late": "逾期",
    "accept_late": "接受逾期",
    "members": "成员",
    "questions": "试题",
    "category": "分类",
    "code": "编码",
    "period": "期次",
    "from": "原值",
    "to": "新值",
    "n": "数量",
    "ids": "编号",
    "imported": "导入数量",
    "summary_due": "总结截止",
    "target": "目标",
    "v": "值",
    "deadline": "截止时间",
    "quotas": "推荐名额",
    "eligibility": "推荐资格",
    "measure_weights": "集体排名权重",
    "board_named": "积分榜显示姓名",
    "weights": "权重",
    "reason": "理由",
    "max_points": "满分",
    "value": "值",
    "achieved_at": "完成时间",
    "articles": "条文数",
    "by_type": "各题型数量",
    "enterprise": "检查企业",
    "format": "格式",
    "home": "所属单位",
    "module": "学习模块",
    "pregrade_total": "自动预评分",
    "detail": "明细",
    "campaign_id": "练兵活动",
    # question types (the keys of by_type)
    "single": "单选题",
    "multiple": "多选题",
    "truefalse": "判断题",
    "fill": "填空题",
    "numerical": "数值题",
    "matching": "匹配题",
    "essay": "简答题",
}

#: bookkeeping keys that mean nothing to a reader (ids, hashes): left out of the table
INTERNAL_FIELDS = frozenset(
    {"id", "family", "rubric_id", "attempt_id", "submission_id", "module_id", "lecture_id"}
)
#: an ISO timestamp as stored in a change, shown in local time
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")

STATUS_LABELS = {
    "draft": "草稿",
    "submitted": "已提交",
    "accepted": "已采纳",
    "returned": "已退回",
    "pending": "待审",
    "approved": "已批准",
    "rejected": "已驳回",
}


def action_label(code: str) -> str:
    """The Chinese label of an action code; an unknown code by its object's name."""
    if code in ACTION_LABELS:
        return ACTION_LABELS[code]
    head = code.split(".")[0]
    return f"{TARGET_LABELS.get(head, '其他')}操作"


def target_label(target_type: str) -> str:
    return TARGET_LABELS.get(target_type, "对象")


def field_label(key: str) -> str:
    """A field's Chinese name; a field without one reads 其他信息, never its code."""
    return FIELD_LABELS.get(key, "其他信息")


AUDIENCE_LABELS = {"all": "全部执法人员", "bureaus": "指定单位", "users": "指定人员"}
#: values that are references to something with a name: shown by that name (see ``names``)
NAMED = {"user_id": "user", "actor_id": "user", "ref": "activity", "kind": "kind"}


def show_value(
    key: str, value: Any, bureaus: dict[int, str] | None = None, names: dict | None = None
) -> str:
    """A stored value as people read it; ``names`` maps a reference kind to {value: name}."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str) and ISO_TIME.match(value):
        return _local_time(value)
    if isinstance(value, dict):
        return "；".join(
            f"{field_label(str(k))}：{show_value(str(k), v, bureaus, names)}"
            for k, v in value.items()
        )
    if isinstance(value, (list, tuple)):
        return "、".join(show_value(key, v, bureaus, names) for v in value) or "—"
    named = (names or {}).get(NAMED.get(key, key), {})
    for table, wanted in (
        (named, str(value)),
        (ROLE_LABELS if key == "role" else {}, value),
        ((bureaus or {}) if key == "bureau_id" else {}, value),
        (STATUS_LABELS if key == "status" else {}, value),
        (AUDIENCE_LABELS if key == "audience" else {}, value),
    ):
        if wanted in table:
            return table[wanted]
    return str(value)


def changes(
    old: dict | None, new: dict | None, bureaus=None, names: dict | None = None
) -> list[tuple[str, str, str]]:
    """(field, before, after) for each field of either side; unchanged fields are left out."""
    old, new = _as_dict(old), _as_dict(new)
    rows = []
    for key in list(dict.fromkeys([*old, *new])):
        before, after = old.get(key), new.get(key)
        if key in INTERNAL_FIELDS or (key in old and key in new and before == after):
            continue
        shown = _ids_key(key, old, new)
        rows.append(
            (
                field_label(key),
                show_value(shown, before, bureaus, names),
                show_value(shown, after, bureaus, names),
            )
        )
    return rows


def _local_time(text: str) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return (to_local(moment) if moment.tzinfo else moment).strftime("%Y-%m-%d %H:%M")


def _as_dict(value) -> dict:
    if value is None:
        return {}
    return value if isinstance(value, dict) else {"value": value}


def _ids_key(key: str, old: dict, new: dict) -> str:
    """``ids`` next to an ``audience`` are bureaus or people: shown by their names."""
    if key != "ids":
        return key
    audience = new.get("audience") or old.get("audience")
    return {"bureaus": "bureau_id", "users": "user_id"}.get(audience, key)


def references(rows) -> dict[str, set[str]]:
    """The values of the audit rows' changes that name something: {reference kind: values}."""
    found: dict[str, set[str]] = {}
    for row in rows:
        for side in (_as_dict(row.old), _as_dict(row.new)):
            for key, value in side.items():
                kind = NAMED.get(_ids_key(key, _as_dict(row.old), _as_dict(row.new)))
                values = value if isinstance(value, (list, tuple)) else [value]
                if kind:
                    found.setdefault(kind, set()).update(str(v) for v in values if v is not None)
    return found
