"""`flask training import-law`."""

from __future__ import annotations

from training.laws import services as laws


def test_cli_import_law_and_bad_file(runner, tmp_path):
    good = tmp_path / "wppl.txt"
    good.write_text(
        "第一章 总则\n第十条 排放水污染物不得超过标准。\n第三十九条 禁止私设暗管。",
        encoding="gb18030",
    )
    result = runner.invoke(
        args=[
            "training",
            "import-law",
            str(good),
            "--code",
            "WPPL2017",
            "--name",
            "水污染防治法",
            "--effective",
            "2018-01-01",
        ]
    )
    assert result.exit_code == 0, result.output
    assert [a.key for a in laws.law_by_code("WPPL2017").articles] == ["WPPL2017:10", "WPPL2017:39"]
    bad = tmp_path / "bad.txt"
    bad.write_text("第十条 甲\n第十条 乙", encoding="utf-8")
    result = runner.invoke(
        args=["training", "import-law", str(bad), "--code", "WPPL2017", "--name", "水污染防治法"]
    )
    assert result.exit_code != 0 and "重复" in result.output
    assert laws.law_by_code("WPPL2017").articles[0].body == "排放水污染物不得超过标准。"
