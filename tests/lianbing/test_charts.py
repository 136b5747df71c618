"""Chart labels fit their column: a smaller font before any cut, and a cut only when needed."""

from lianbing.charts import fit_label


def test_histogram_labels_fit_whole_in_a_tenth_of_the_chart():
    width = 380 / 10 - 2
    for i in range(10):
        label = f"{i * 10}-{i * 10 + 10}"
        assert fit_label(label, width)[0] == label


def test_long_labels_shrink_then_cut():
    assert fit_label("梅江区", 36) == ("梅江区", 10)
    assert fit_label("梅江区生态环境分局", 36)[0].endswith("…")
    assert fit_label("梅江区生态环境分局", 36)[1] == 7


def test_the_item_analysis_page_shows_whole_bin_labels(app):
    from flask import render_template_string

    with app.test_request_context():
        page = render_template_string(
            '{% from "_macros.html" import column_chart %}{{ column_chart(items) }}',
            items=[(f"{i * 10}-{i * 10 + 10}", i) for i in range(10)],
        )
    assert ">0-10<" in page and ">90-100<" in page and "…" not in page
