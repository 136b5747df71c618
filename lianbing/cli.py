"""Host commands: ``flask demo``, ``flask load-bureaus`` and ``flask create-admin``."""

from __future__ import annotations

import sys

import click
from sqlalchemy import select

from lianbing.accounts import demo as accounts_demo
from lianbing.accounts import services as accounts
from lianbing.accounts.models import User
from lianbing.campaign import demo as campaign_demo
from lianbing.campaign.bulletins import demo as bulletins_demo
from lianbing.campaign.column import demo as column_demo
from lianbing.campaign.drills import demo as drills_demo
from lianbing.campaign.evaluation import demo as evaluation_demo
from lianbing.campaign.models import Campaign
from lianbing.campaign.report import demo as report_demo
from lianbing.certificates import demo as certificates_demo
from lianbing.extensions import db
from lianbing.logconfig import event
from lianbing.parts import registry
from lianbing.rankings import closing
from lianbing.rankings import demo as rankings_demo

#: the campaign's operations, each with its demo paperwork, dated by the campaign's calendar
CAMPAIGN_OPERATIONS = (bulletins_demo, evaluation_demo, drills_demo, column_demo)


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="只在数据库中还没有任何用户时加载")
def demo_command(if_empty: bool) -> None:
    """Load demo data (idempotent): bureaus, people, this year's live campaign with each part's
    demo, and the 2017 campaign, closed."""
    if if_empty and db.session.scalar(select(User.id).limit(1)) is not None:
        click.echo("数据库已有数据，跳过演示数据。")
        _echo_logins()
        return
    accounts_demo.load()
    campaign = load_campaign_demo()
    for part in registry().parts.values():
        if part.demo:
            part.demo(campaign.id)
            click.echo(f"已加载演示数据：{part.title}")
    rankings_demo.load(campaign.id)
    report_demo.load(campaign)
    certificates_demo.load(campaign)
    load_past_demo()
    db.session.commit()
    event("cli", "demo data loaded into campaign %s", campaign.id, target=f"campaign:{campaign.id}")
    click.echo(f"演示数据就绪：{campaign.name}（进行中）、{campaign_demo.PAST_NAME}（已结束）。")
    _echo_logins()


def load_campaign_demo() -> Campaign:
    """This year's campaign with its calendar and every operation's demo paperwork."""
    campaign = campaign_demo.load()
    for operation in CAMPAIGN_OPERATIONS:
        operation.load(campaign)
    return campaign


def load_past_demo() -> Campaign:
    """The 2017 campaign: its paperwork and results, then closed with its final ranking."""
    past = campaign_demo.load_past()
    if closing.closure(past.id) is not None:
        return past
    for operation in CAMPAIGN_OPERATIONS:
        operation.load(past)
    rankings_demo.load_past(past)
    report_demo.load_past(past)
    city_admin = db.session.scalar(select(User).where(User.username == "city_admin"))
    closing.close(past, city_admin)
    return past


def _echo_logins() -> None:
    """The demo logins (they exist only where demo data was loaded)."""
    click.echo(f"演示账号（密码均为 {accounts_demo.DEMO_PASSWORD}）：")
    click.echo(
        "  市局管理员 city_admin · 培训员 trainer · 县级管理员 admin_441402 … · "
        "执法人员 officer_441402_1 …"
    )


@click.command("load-bureaus")
def load_bureaus_command() -> None:
    """Create 梅州市 and its eight county-level bureaus, without any people (idempotent)."""
    bureaus = accounts_demo.load_bureaus()
    db.session.commit()
    click.echo("单位就绪：" + "、".join(f"{b.short_name}（{b.code}）" for b in bureaus))


@click.command("create-admin")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--bureau-code", required=True, help="统计用区划代码，如 441400")
def create_admin_command(username: str, password: str, bureau_code: str) -> None:
    """Create a city admin for a production install."""
    bureau = accounts.find_bureau(bureau_code)
    if bureau is None:
        click.echo(f"错误：找不到单位 {bureau_code}", err=True)
        sys.exit(1)
    try:
        accounts.create_user(
            accounts.UserData(username, username, "city_admin", bureau.id, password=password)
        )
    except accounts.AccountError as exc:
        click.echo(f"错误：{exc}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"已创建市局管理员 {username}")
