"""Commands of the quizzes part: `flask --app wsgi quizzes import|export`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from lianbing.host import db
from quizzes import exporters, importers, qtypes, services
from quizzes.views import bp


def counts_text(counts: dict[str, int]) -> str:
    return (
        "，".join(f"{label} {counts[k]}" for k, label in qtypes.LABELS.items() if k in counts)
        or "无"
    )


def fail(message: str, code: int = 1) -> None:
    click.echo(message, err=True)
    sys.exit(code)


@bp.cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--bank", required=True, help="题库名称（不存在则新建）")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(importers.FORMAT_CHOICES),
    default="auto",
    show_default=True,
)
@click.option("--skip-invalid", is_flag=True, help="跳过无法识别的题目，导入其余题目")
def import_command(file: Path, bank: str, fmt: str, skip_invalid: bool) -> None:
    """Import a question file into a bank: all or nothing unless --skip-invalid."""
    try:
        report = importers.import_file(
            bank, file.name, file.read_bytes(), fmt, skip_invalid=skip_invalid
        )
    except (importers.ImportFileError, services.BankError) as exc:
        db.session.rollback()
        fail(f"导入失败：{exc}")
    if not report.ok:
        db.session.rollback()
        lines = [f"  {i.place}：{'；'.join(i.reasons)}" for i in report.failed]
        fail(
            "\n".join(
                [
                    f"导入失败：{len(report.failed)} 处无法识别，未导入任何题目"
                    "（可加 --skip-invalid 跳过）：",
                    *lines,
                ]
            )
        )
    db.session.commit()
    echo_report(report)


def echo_report(report: services.ImportReport) -> None:
    click.echo(
        f"已导入 {len(report.imported)} 题到题库“{report.bank}”（{report.format}）："
        f"{counts_text(report.counts())}"
    )
    for item in report.failed:
        click.echo(f"  已跳过 {item.place}：{'；'.join(item.reasons)}")
    for item in report.duplicates:
        click.echo(f"  重复未导入 {item.place}：{item.note}")
    for item in [i for i in report.imported if i.note]:
        click.echo(f"  已导入 {item.place}：{item.note}")
    for item in [i for i in report.items if i.status == "note"]:
        click.echo(f"  说明 {item.place}：{item.note}")
    for note in report.notes:
        click.echo(f"  说明：{note}")


@bp.cli.command("export")
@click.option("--bank", required=True, help="题库名称")
@click.option(
    "--owner",
    default="",
    help="题库所属单位：县级单位名称、简称或行政区划代码，市局填“市局”；名称唯一时可不填",
)
@click.option("--format", "fmt", type=click.Choice(list(exporters.EXPORTERS)), required=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--category", default="", help="只导出此分类（含子分类），如 法律/大气法")
def export_command(bank: str, owner: str, fmt: str, out: Path, category: str) -> None:
    """Export a bank (a city's or a county's; or one category) to a file.

    Exits 1 when the bank or the owner is unknown, 2 when several owners have a bank so named.
    """
    try:
        found = services.bank_for_export(bank, owner)
    except services.BankError as exc:
        fail(f"导出失败：{exc}", 2 if exc.status == 409 else 1)
    result = exporters.export_bank(found, fmt, category_id(found, category) if category else None)
    out.write_bytes(result.data)
    click.echo(f"已导出 {result.count} 题到 {out}")
    for note in result.notes:
        click.echo(f"  说明：{note}")


def category_id(bank, path: str) -> int:
    """The id of a category given by its path; exits with a message when the bank has none such."""
    cat = services.category_by_path(bank.id, path)
    if cat is None:
        fail(f"导出失败：题库“{bank.name}”中没有分类“{path}”")
    return cat.id
