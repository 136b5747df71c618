"""Export → import returns the same questions, per format (hypothesis), and parsers never crash."""

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from quizzes import exporters, importers, services
from quizzes.importers import ImportFileError
from quizzes.services import QuestionData

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)  # shrinking spreadsheets takes minutes
# Text that every format can carry. Left out on purpose (documented limits): line breaks in
# spreadsheet cells are treated as layout, "->" separates matching pairs, "|" and "；" separate
# fill answers and blanks in the template, "[" may start a GIFT format mark, and a stem may not
# begin with a question number (the importer strips "12.").
ALPHABET = "环境保护法大气水污染防治罚款责令改正限期整改abcXYZ ，。《》:#=~"
text = st.text(alphabet=ALPHABET, min_size=1, max_size=16).map(str.strip).filter(bool)
line_text = st.builds(
    lambda head, rest: head + rest.rstrip(),
    st.sampled_from("环境大水某依"),
    st.text(alphabet=ALPHABET, max_size=20),
)
# a Markdown stem may have paragraphs (a blank line survives every format;
# a single line break in a cell does not)
stem_text = st.lists(line_text, min_size=1, max_size=3).map("\n\n".join)


def unique(n_min, n_max, strategy=text):
    return st.lists(strategy, min_size=n_min, max_size=n_max, unique=True)


@st.composite
def choice(draw, multiple, feedback):
    texts = draw(unique(2, 8))
    fb = [draw(text) if feedback and draw(st.booleans()) else "" for _ in texts]
    if multiple:
        right = draw(st.lists(st.integers(0, len(texts) - 1), min_size=1, unique=True))
        weights = [
            round(1 / len(right), 6) if i in right else draw(st.sampled_from([0.0, -0.5]))
            for i in range(len(texts))
        ]
    else:
        key = draw(st.integers(0, len(texts) - 1))
        weights = [1.0 if i == key else 0.0 for i in range(len(texts))]
    return {
        "options": [{"text": t, "weight": w, "feedback": f} for t, w, f in zip(texts, weights, fb)]
    }


@st.composite
def content(draw, qtype, fmt):
    rich = fmt != "xlsx"  # feedback fields travel in Moodle XML and GIFT only
    if qtype in ("single", "multiple"):
        return draw(choice(qtype == "multiple", rich))
    if qtype == "truefalse":
        return {
            "answer": draw(st.booleans()),
            "feedback_true": draw(text) if rich else "",
            "feedback_false": draw(text) if rich and draw(st.booleans()) else "",
        }
    if qtype == "fill":
        n = draw(st.integers(1, 3)) if fmt == "xlsx" else 1
        alts = st.lists(
            st.text(alphabet="环境保护法abcXYZ12", min_size=1, max_size=8),
            min_size=1,
            max_size=3,
            unique=True,
        )
        return {
            "blanks": [{"answers": draw(alts)} for _ in range(n)],
            "case_sensitive": fmt == "moodle-xml" and draw(st.booleans()),
        }
    if qtype == "numerical":
        return draw(numerical(fmt))
    if qtype == "matching":
        lefts = draw(unique(2, 4))
        return {
            "pairs": [{"left": left, "right": draw(text)} for left in lefts],
            "distractors": draw(unique(0, 2)),
        }
    return {"reference": "" if fmt == "gift" else draw(text)}


number = st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 3))


@st.composite
def numerical(draw, fmt):
    value = {"value": draw(number), "tolerance": abs(draw(number)) % 10, "weight": 1.0}
    answers = [value]
    if fmt != "moodle-xml" and draw(
        st.booleans()
    ):  # Moodle XML has no ranges: they become value ± tolerance
        low = draw(number)
        answers.append({"min": low, "max": low + abs(draw(number)), "weight": 0.5})
    return {"answers": answers, "unit": "万元" if fmt == "moodle-xml" else ""}


@st.composite
def question(draw, fmt, code):
    qtype = draw(st.sampled_from(list(services.qtypes.QUESTION_TYPES)))
    stem = draw(stem_text)
    if qtype == "fill" and draw(st.booleans()):
        stem = f"{stem} {{{{1}}}} {draw(stem_text)}"
    data = QuestionData(
        qtype=qtype,
        stem=stem,
        content=draw(content(qtype, fmt)),
        code=code,
        explanation=draw(st.one_of(st.just(""), text)),
        legal_basis=draw(st.one_of(st.just(""), text)),
        difficulty=draw(st.integers(1, 5)),
        tags=draw(unique(0, 3, st.text("大气水罚款abc", min_size=1, max_size=5))),
        category=draw(st.sampled_from(["", "法律", "法律/大气法", "证据规则"])),
    )
    cleaned, reasons = data.cleaned()
    assert reasons == [], reasons
    return cleaned


def bank_of(fmt):
    return st.integers(1, 6).flatmap(
        lambda n: st.tuples(*[question(fmt, f"R{i}") for i in range(n)])
    )


def roundtrip(questions, fmt, suffix):
    exported = exporters.export_questions(list(questions), fmt)
    parsed = importers.IMPORTERS[fmt].parse(exported.data, "x" + suffix)
    back = []
    for item in parsed.items:
        assert not item.reasons, (item.place, item.reasons)
        data, reasons = item.data.cleaned()
        assert reasons == []
        back.append(data)
    return back


def same(questions, back):
    expected = sorted(questions, key=lambda q: q.code)
    assert sorted(back, key=lambda q: q.code) == expected


@SETTINGS
@given(bank_of("xlsx"))
def test_excel_roundtrip(app, questions):
    same(questions, roundtrip(questions, "xlsx", ".xlsx"))


@SETTINGS
@given(bank_of("moodle-xml"))
def test_moodle_xml_roundtrip(app, questions):
    same(questions, roundtrip(questions, "moodle-xml", ".xml"))


@SETTINGS
@given(bank_of("gift"))
def test_gift_roundtrip(app, questions):
    same(questions, roundtrip(questions, "gift", ".gift"))


def test_multi_blank_fill_is_left_out_of_gift_with_a_note(app):
    q = QuestionData(
        qtype="fill",
        stem="{{1}} 与 {{2}}",
        content={"blanks": [{"answers": ["a"]}, {"answers": ["b"]}]},
        code="F2",
    )
    result = exporters.export_questions([q.cleaned()[0]], "gift")
    assert result.notes == ["F2：多空填空题无法用 GIFT 表示，未导出"] and b"F2" not in result.data


# --- parsers never crash ---------------------------------------------------------------


def parse_or_refuse(fmt, data, name):
    try:
        parsed = importers.IMPORTERS[fmt].parse(data, name)
    except ImportFileError as exc:
        assert str(exc)
        return
    for item in parsed.items:
        assert item.data is not None or item.reasons or item.note


@SETTINGS
@given(st.text(alphabet="{}~=#:\\%->[]\n TFRUE学法12.", max_size=200))
def test_gift_parser_never_crashes(app, source):
    parse_or_refuse("gift", source.encode(), "x.gift")


@SETTINGS
@given(st.binary(max_size=300))
def test_csv_and_aiken_parsers_never_crash(app, data):
    parse_or_refuse("csv", data, "x.csv")
    parse_or_refuse("aiken", data, "x.txt")


@SETTINGS
@given(st.text(alphabet="<>/quizquestiontypemultichoiceanswertext=\"' 100", max_size=200))
def test_moodle_parser_never_crashes(app, source):
    parse_or_refuse("moodle-xml", source.encode(), "x.xml")


@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                ["单选题", "多选题", "判断题", "填空题", "数值题", "匹配题", "简答题", "?"]
            ),
            st.text(max_size=10),
            st.text(max_size=10),
            st.text(alphabet="ABCDEFGH对错√×=0.5;|~ ", max_size=6),
        ),
        max_size=5,
    )
)
def test_spreadsheet_rows_never_crash(app, rows):
    lines = ["题型,题干,选项A,答案"] + [
        ",".join(f'"{c.replace(chr(34), "")}"' for c in row) for row in rows
    ]
    parse_or_refuse("csv", "\n".join(lines).encode(), "x.csv")
    for i, row in enumerate(rows):
        item = importers.row_item(
            {"qtype": row[0], "stem": row[1], "A": row[2], "answer": row[3]}, f"第 {i} 行"
        )
        if item.data is not None:
            item.data.cleaned()
