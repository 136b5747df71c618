"""The record format without a database: evidence segments."""

from casestudies.exercises.records import segments


def test_segments_mark_bad_over_good():
    pieces = segments("abcdef", [(0, 4, "good", "X"), (2, 3, "bad", "Y")])
    assert pieces == [("ab", "good", "X"), ("c", "bad", "X Y"), ("d", "good", "X"), ("ef", "", "")]


def test_the_character_count_is_what_the_officer_wrote_not_the_header():
    from casestudies.exercises.records import Draft

    header = {"place": "某某公司车间" * 40, "officers": [{"name": "张三", "cert": "44001"}]}
    qa = [{"q": "问", "a": "答复"}]
    draft = Draft(header=header, body="现场检查", qa=qa, confirmation="属实")
    assert draft.char_count() == len("现场检查") + len("问答复") + len("属实")
