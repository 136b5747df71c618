"""Faithful imports: plain Word/text question lists, packed options, duplicates, names, order."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from lianbing.extensions import db
from quizzes import exporters, importers, services
from quizzes.importers import ImportFileError
from quizzes.models import Question
from quizzes.services import QuestionData


def run(data: bytes, filename: str, skip=False, bank="导入题库"):
    return importers.import_file(bank, filename, data, "auto", skip_invalid=skip)


def count():
    return db.session.scalar(select(func.count(Question.id)))


def by_stem(start: str) -> Question:
    return db.session.scalar(select(Question).where(Question.stem.startswith(start)))


# --- the plain Word/text layouts -------------------------------------------------------

LAYOUTS = "\r\n".join(
    [
        "安全生产复习题",
        "第一章 法律",
        "⼀、单项选择题",  # a radical look-alike of 一: NFKC makes it a heading
        "1．生产经营单位的主要负责人对本单位安全生产工作（ ）。",
        "A．全面负责 B．部分负责",
        "C．不负责 D．协助负责",
        "答案：A",
        "2、安全生产工作应当以人为本，坚持（C）。",
        "A、安全发展  B、预防为主  C、安全第一、预防为主、综合治理",
        "解析：见《安全生产法》第三条。",
        "第三条还规定了“三个必须”。",
        "二、多项选择题",
        "1、下列属于从业人员权利的有（ ）。",
        "A:知情权\tB:建议权\tC:拒绝违章指挥权 参考答案：ABC",
        "三、判断题",
        "1、特种作业人员须持证上岗。",
        "（正确）",
        "2、事故发生后可以先恢复生产再报告。",
        "❌",
        "第二章 处罚",
        "一、单项选择题",
        "1、未按规定配备安全管理人员的，责令限期改正，可以处（ ）以下的罚款。",
        "Ａ、五万元 Ｂ、十万元 Ｃ、二十万元",
        "2、生产经营单位应当建立安全生产责任制。",
        "参考答案",
        "1．B 2．对",
    ]
)


def test_plain_text_layouts_are_read_faithfully(app):
    assert importers.detect_format("题库.txt", LAYOUTS.encode("utf-8")) == "plain"
    report = run(LAYOUTS.encode("utf-8"), "题库.txt")
    assert report.ok and report.committed, [(i.place, i.reasons) for i in report.failed]
    assert report.counts() == {"single": 3, "multiple": 1, "truefalse": 3}
    first = by_stem("生产经营单位的主要负责人")
    assert [o["text"] for o in first.content["options"]] == [
        "全面负责",
        "部分负责",
        "不负责",
        "协助负责",
    ]
    assert first.content["options"][0]["weight"] == 1 and first.category.path == "第一章 法律"
    second = by_stem("安全生产工作应当以人为本")
    assert "（ ）" in second.stem and second.content["options"][2]["weight"] == 1
    assert "第三条" in second.explanation and "三个必须" in second.explanation
    multiple = by_stem("下列属于从业人员权利")
    assert (
        multiple.qtype == "multiple"
        and [o["weight"] > 0 for o in multiple.content["options"]] == [True] * 3
    )
    assert by_stem("特种作业人员").content["answer"] is True
    assert by_stem("事故发生后").content["answer"] is False
    # chapter two restarts numbering; its answers come after the 参考答案 heading
    fine = by_stem("未按规定配备安全管理人员")
    assert fine.category.path == "第二章 处罚" and fine.content["options"][1]["weight"] == 1
    assert [o["text"] for o in fine.content["options"]] == ["五万元", "十万元", "二十万元"]
    assert by_stem("生产经营单位应当建立").content["answer"] is True


def test_plain_docx_is_imported(app):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in LAYOUTS.split("\r\n"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    report = run(buffer.getvalue(), "题库.docx")
    assert report.ok and report.format == "plain" and len(report.imported) == 7


def test_plain_row_whose_answer_and_options_disagree_fails_with_its_place(app):
    text = "1、题干甲（ ）\nA、甲 B、乙 C、丙\n答案：D\n2、题干乙（ ）\nA、甲 B、乙\n答案：A\n"
    report = run(text.encode(), "x.txt")
    assert not report.ok and count() == 0
    assert [(i.place, i.reasons[0]) for i in report.failed] == [
        ("第 1 题（第 1 行）", "答案“D”中的 D 超出选项范围（共 3 个选项）")
    ]


@pytest.mark.parametrize(
    "text,name",
    [
        ("附件\n安全知识考试复习题库\n\n说明：请认真复习。\n", "notes.txt"),
        ("1、只有题干没有选项也没有答案\n2、又一行\n", "stems.txt"),
    ],
)
def test_a_file_with_no_question_is_a_failure(app, text, name):
    with pytest.raises(ImportFileError) as err:
        run(text.encode(), name)
    assert "没有识别出任何题目" in str(err.value) and services.bank_by_name("导入题库") is None


def test_cli_exits_nonzero_when_nothing_is_recognised(runner, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("附件\n安全知识考试复习题库\n", encoding="utf-8")
    result = runner.invoke(args=["quizzes", "import", str(path), "--bank", "空"])
    assert result.exit_code != 0 and "没有识别出任何题目" in result.output
    assert services.bank_by_name("空") is None


def test_page_answers_400_when_nothing_is_recognised(client, trainer):
    r = client.post(
        "/quizzes/import",
        data={
            "bank": "空",
            "fmt": "auto",
            "file": (io.BytesIO("附件\n复习题\n".encode()), "a.txt"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 400 and "没有识别出任何题目" in r.get_data(as_text=True)


def test_mixed_layouts_corpus(app, corpora):
    data = (corpora / "word" / "safety_law_mixed_layouts.txt").read_bytes()
    assert importers.detect_format("safety_law_mixed_layouts.txt", data) == "plain"
    report = run(data, "safety_law_mixed_layouts.txt")
    # two questions in the file are wrong as written: all or nothing, each named with its line
    assert not report.ok and count() == 0
    assert [i.place for i in report.failed] == ["第 327 题（第 971 行）", "第 143 题（第 2187 行）"]
    assert "E 超出选项范围" in report.failed[1].reasons[0]
    report = run(data, "safety_law_mixed_layouts.txt", skip=True)
    assert report.committed and sum(report.counts().values()) + len(report.duplicates) == 1190
    # the answer at the end of the last option line, and inside the stem's brackets
    assert (
        by_stem("《建设工程安全生产管理条例》规定，施工单位应当向作业人员提供").content["options"][
            1
        ]["weight"]
        == 1
    )
    heights = db.session.scalar(
        select(Question).where(
            Question.stem.startswith("关于高处作业安全的说法正确的是"), Question.qtype == "multiple"
        )
    )
    assert [o["weight"] > 0 for o in heights.content["options"]] == [False, True, True, True, False]
    assert by_stem("施工中常见的土方工程有").content["answer"] is True


# --- packed options, duplicates, names, order, Aiken ---------------------------------------

PACKED_HEAD = "试题类型,题目内容,题目选项,题目答案\n"


def test_packed_option_marker_without_stars_starts_an_option(app):
    rows = "单选题,申请人应当具备的条件是（）,**A.有场所**B.有设备**C.有人员等D:没有任何要求,D\n"
    report = run((PACKED_HEAD + rows).encode(), "packed.csv")
    assert report.ok and report.committed
    q = by_stem("申请人应当具备的条件是")
    assert [o["text"] for o in q.content["options"]] == [
        "有场所",
        "有设备",
        "有人员等",
        "没有任何要求",
    ]
    assert q.content["options"][3]["weight"] == 1


def test_packed_row_whose_answer_has_no_option_fails_with_its_row(app):
    rows = "单选题,甲（）,**A.一**B.二,A\n单选题,乙（）,**A.一**B.二**C.三,D\n"
    report = run((PACKED_HEAD + rows).encode(), "packed.csv")
    assert not report.ok and count() == 0
    assert [i.place for i in report.failed] == ["第 3 行"]


def test_same_stem_other_options_imported_exact_duplicate_skipped(app):
    rows = (
        "单选题,罚款的幅度是（）,**A.一万元**B.二万元,A\n"
        "单选题,罚款的幅度是（）,**A.一万元**B.三万元,A\n"
        "单选题,罚款的幅度是（）,**A.一万元**B.二万元,B\n"
        "单选题,罚款的幅度是（）,**A.一万元**B.二万元,A\n"
    )
    report = run((PACKED_HEAD + rows).encode(), "dups.csv")
    assert report.ok and len(report.imported) == 3 and count() == 3
    assert [(i.place, i.note) for i in report.duplicates] == [
        ("第 5 行", "题型、题干、选项和答案都相同的题目已存在")
    ]
    assert all("选项或答案不同" in i.note for i in report.imported[1:])


def test_gift_and_moodle_names_may_repeat(app):
    gift = (
        "::环保法::施行日期是？{=2015年1月1日 ~2014年1月1日}\n\n"
        "::环保法::按日计罚的起算日？{=次日 ~当日}\n"
    )
    report = run(gift.encode(), "names.gift")
    assert report.ok and len(report.imported) == 2 and count() == 2
    assert "名称“环保法”已被其他题目使用" in report.imported[1].note


def test_categories_sort_naturally(app):
    bank = services.create_bank("排序")
    for path in ("第一部分", "第三部分", "第二部分", "第十部分", "题组 10", "题组 2"):
        services.create_question(
            bank,
            QuestionData(qtype="truefalse", stem=path, content={"answer": True}, category=path),
        )
    assert [c.path for c in services.categories(bank.id)] == [
        "第一部分",
        "第二部分",
        "第三部分",
        "第十部分",
        "题组 2",
        "题组 10",
    ]


def test_aiken_export_reads_back(app):
    questions = [
        QuestionData(
            qtype="single",
            stem="环境保护法自何时起施行？",
            code="A1",
            content={
                "options": [{"text": "2014年", "weight": 0}, {"text": "2015年", "weight": 1.0}]
            },
        ),
        QuestionData(qtype="truefalse", stem="判断", code="T1", content={"answer": True}),
    ]
    out = exporters.export_questions(questions, "aiken")
    assert out.count == 1 and out.notes == ["T1：不是单选题，Aiken 无法表示，未导出"]
    assert out.data.decode() == "环境保护法自何时起施行？\nA. 2014年\nB. 2015年\nANSWER: B\n"
    back = importers.IMPORTERS["aiken"].parse(out.data, "x.txt").items[0].data
    assert back.stem == "环境保护法自何时起施行？" and back.content["options"][1]["weight"] == 1


def test_trainer_uploads_a_word_question_list(client, trainer):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in LAYOUTS.split("\r\n"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    r = client.post(
        "/quizzes/import",
        data={
            "bank": "文档题库",
            "fmt": "auto",
            "file": (io.BytesIO(buffer.getvalue()), "题库.docx"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 200 and "已导入 7 道题" in r.get_data(as_text=True)
    assert services.bank_by_name("文档题库").visibility == "draft"
