"""The record format without a database: evidence segments."""

from casestudies.exercises.records import segments


def test_segments_mark_bad_over_good():
    pieces = segments("abcdef", [(0, 4, "good", "X"), (2, 3, "bad", "Y")])
    assert pieces == [("ab", "good", "X"), ("c", "bad", "X Y"), ("d", "good", "X"), ("ef", "", "")]
