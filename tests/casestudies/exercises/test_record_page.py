"""The record's Word export is laid out on the host's A4 official-document page."""

import io

from docx import Document

from casestudies.exercises import services as exercises
from casestudies.grading import services as grading


def test_record_docx_is_a4_with_official_margins(client, auth, world):
    auth.login("trainer")
    ex = exercises.exercises(False)[0]
    sub = grading.queue(grading.QueueFilter(exercise_id=ex.id))[0]
    doc = Document(io.BytesIO(client.get(f"/casestudies/submissions/{sub.id}/record.docx").data))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
