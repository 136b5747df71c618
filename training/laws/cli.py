"""Load a law's articles from .txt or .xlsx.

`flask training import-law FILE --code EPL2014 --name ...`
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from lianbing.host import db
from training.laws import importers, services
from training.web import bp


@bp.cli.command("import-law")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--code", required=True, help="law code, the first half of article keys (EPL2014)")
@click.option("--name", required=True, help="full name of the law")
@click.option("--issuer", default="", help="issuing body")
@click.option("--effective", default=None, help="effective date, YYYY-MM-DD")
def import_law_command(
    path: Path, code: str, name: str, issuer: str, effective: str | None
) -> None:
    """Import (or update) a law from a 第X条 text file or an Excel sheet; all or nothing."""
    try:
        when = date.fromisoformat(effective) if effective else None
        law = services.import_law(
            services.LawData(code, name, issuer, when),
            importers.parse_upload(path.name, path.read_bytes()),
        )
    except ValueError as err:  # a refusal, or a malformed --effective date
        db.session.rollback()
        raise click.ClickException(str(err)) from None
    db.session.commit()
    click.echo(f"已导入《{law.name}》共 {len(law.articles)} 条（引用键 {law.code}:条号）。")
