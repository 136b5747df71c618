"""``flask notify run`` against a real SMTP server and a real HTTP robot receiver."""

from __future__ import annotations

import smtplib
import socket
import threading
from datetime import timedelta

import pytest
from sqlalchemy import event, func, insert, select

from lianbing.campaign.bulletins.models import Bulletin
from lianbing.dbtypes import to_local
from lianbing.extensions import db
from lianbing.notify import channels, outbox, services
from lianbing.notify.channels import Mailer, SendError
from lianbing.notify.cli import run_once
from lianbing.notify.models import FAILED, PENDING, Delivery, Notification, NotifyPrefs, Robot


@pytest.fixture
def campaign(campaign_2017):
    """These tests follow the 2017 plan's own calendar (its months, due dates and rounds)."""
    return campaign_2017


def _with_email(user, address):
    user.email = address
    db.session.commit()
    return user


def _closed_port() -> int:
    """A loopback port with nobody listening (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _titles(user):
    return list(
        db.session.scalars(select(Notification.title).where(Notification.user_id == user.id))
    )


def test_bulletin_due_in_three_days_reminds_the_county_admin_once(
    campaign, make_user, smtp_server, three_days_before
):

    admin = _with_email(make_user("bureau_admin", "441402"), "admin@county.example")
    officer = _with_email(make_user("officer", "441402"), "officer@county.example")

    first = run_once(three_days_before)
    second = run_once(three_days_before + timedelta(hours=2))

    assert _titles(admin) == ["7月工作简报还有 3 天截止（07月20日）"]
    assert _titles(officer) == []
    assert [m["Subject"] for m in smtp_server.to("admin@county.example")] == [
        "7月工作简报还有 3 天截止（07月20日）"
    ]
    assert first["sent"] == 1
    assert (second["notices"], second["queued"], second["sent"]) == (0, 0, 0)
    assert len(smtp_server.messages) == 1


@pytest.mark.parametrize(
    ("notify_base", "expected"),
    [("", "https://lianbing.example.gov.cn/"), ("https://mail.example.gov.cn/", "https://mail.")],
    ids=["site-address", "own-address"],
)
def test_links_in_e_mails_are_absolute(
    app, monkeypatch, campaign, make_user, smtp_server, three_days_before, notify_base, expected
):
    """Without NOTIFY_BASE_URL, the e-mail's link starts with the site's PUBLIC_BASE_URL: a
    bare path in an e-mail leads nowhere."""
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://lianbing.example.gov.cn")
    monkeypatch.setitem(app.config, "NOTIFY_BASE_URL", notify_base)
    _with_email(make_user("bureau_admin", "441402"), "admin@county.example")
    run_once(three_days_before)
    [mail] = smtp_server.to("admin@county.example")
    link = mail.get_content().strip().splitlines()[-1]
    assert link.startswith(expected) and link.endswith("/bulletins/"), link


def test_the_day_itself_is_a_second_reminder_and_a_submitted_bulletin_stops_them(
    campaign, make_user, smtp_server, three_days_before
):
    admin = make_user("bureau_admin", "441402")
    other = make_user("bureau_admin", "441403")
    run_once(three_days_before)
    db.session.add(
        Bulletin(
            campaign_id=campaign.id,
            bureau_id=other.bureau_id,
            period=campaign.start_date.replace(month=7),
            title="7月简报",
            status="submitted",
        )
    )
    db.session.commit()
    run_once(three_days_before + timedelta(days=3))

    assert _titles(admin) == [
        "7月工作简报还有 3 天截止（07月20日）",
        "7月工作简报今天截止（07月20日）",
    ]
    assert _titles(other) == ["7月工作简报还有 3 天截止（07月20日）"]


def test_a_competition_opening_reaches_its_officers_and_each_bureau_robot_once(
    campaign, make_user, make_competition, smtp_server, robot_receiver, three_days_before
):
    mine = _with_email(make_user("officer", "441402"), "a@county.example")
    neighbour = make_user("officer", "441403")
    outsider = make_user("officer", "441481")
    make_competition(
        three_days_before, audience="bureaus", audience_ids=[mine.bureau_id, neighbour.bureau_id]
    )
    db.session.add_all(
        [
            Robot(bureau_id=mine.bureau_id, kind="wecom", url=f"{robot_receiver.url}/wecom"),
            Robot(bureau_id=neighbour.bureau_id, kind="dingtalk", url=f"{robot_receiver.url}/ding"),
        ]
    )
    db.session.commit()

    run_once(three_days_before)
    run_once(three_days_before + timedelta(minutes=5))

    assert _titles(mine) == ["知识竞赛开始了：生态环境法律知识竞赛"]
    assert _titles(neighbour) == ["知识竞赛开始了：生态环境法律知识竞赛"]
    assert _titles(outsider) == []
    assert len(smtp_server.to("a@county.example")) == 1
    posts = dict(robot_receiver.posts)
    assert len(robot_receiver.posts) == 2
    assert posts["/wecom"]["msgtype"] == "markdown"
    assert "知识竞赛开始了" in posts["/wecom"]["markdown"]["content"]
    assert posts["/ding"]["markdown"]["title"] == "知识竞赛开始了：生态环境法律知识竞赛"
    assert "已开放参赛" in posts["/ding"]["markdown"]["text"]


@pytest.mark.parametrize("pipelining", [True, False], ids=["pipelined", "one-by-one"])
def test_a_refusing_smtp_server_is_retried_with_backoff_then_delivered(
    campaign, make_user, smtp_server, three_days_before, pipelining
):
    _with_email(make_user("bureau_admin", "441402"), "admin@county.example")
    smtp_server.refuse, smtp_server.pipelining = True, pipelining
    now = three_days_before

    first = run_once(now)
    row = db.session.scalar(select(Delivery))
    assert first["failed"] == 1
    assert (row.status, row.attempts, row.next_try_at) == (PENDING, 1, now + timedelta(seconds=60))
    assert "550" in row.last_error

    smtp_server.refuse = False
    too_soon = run_once(now + timedelta(seconds=30))
    assert too_soon["sent"] == 0 and smtp_server.messages == []

    later = run_once(now + timedelta(seconds=61))
    db.session.refresh(row)
    assert later["sent"] == 1
    assert row.status == "sent" and row.attempts == 2
    assert len(smtp_server.to("admin@county.example")) == 1


def test_a_failing_robot_backs_off_exponentially_and_gives_up(
    app, campaign, make_user, make_competition, robot_receiver, three_days_before
):
    officer = make_user("officer", "441402")
    make_competition(three_days_before)
    db.session.add(Robot(bureau_id=officer.bureau_id, kind="wecom", url=f"{robot_receiver.url}/w"))
    db.session.commit()
    robot_receiver.status = 500
    app.config["NOTIFY_MAX_ATTEMPTS"] = 3
    try:
        now = three_days_before
        run_once(now)
        row = db.session.scalar(select(Delivery))
        assert row.next_try_at == now + timedelta(seconds=60)
        run_once(now + timedelta(seconds=60))
        db.session.refresh(row)
        assert row.next_try_at == now + timedelta(seconds=60 + 120)
        run_once(now + timedelta(seconds=180))
        db.session.refresh(row)
        assert (row.status, row.attempts) == (FAILED, 3)
        assert "500" in row.last_error
    finally:
        app.config["NOTIFY_MAX_ATTEMPTS"] = 6
    assert robot_receiver.posts == []


def test_an_unreachable_smtp_server_fails_fast_for_the_whole_run(
    app, campaign, make_user, make_competition, three_days_before
):
    for n in range(3):
        _with_email(make_user("officer", "441402"), f"o{n}@county.example")
    make_competition(three_days_before)
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=_closed_port())
    try:
        counts = run_once(three_days_before)
    finally:
        app.config.update(SMTP_HOST="", SMTP_PORT=25)
    errors = db.session.scalars(select(Delivery.last_error)).all()
    assert counts["failed"] == 3
    assert all("SMTP 连接失败" in e for e in errors)


def test_digest_subscribers_get_one_mail_a_day_instead_of_one_per_event(
    campaign, make_user, make_competition, smtp_server, three_days_before
):
    admin = _with_email(make_user("bureau_admin", "441402"), "admin@county.example")
    db.session.add(NotifyPrefs(user_id=admin.id, email_on=True, digest=True))
    db.session.commit()
    make_competition(three_days_before)  # officers only: the admin gets the bulletin reminder
    run_once(three_days_before - timedelta(hours=3))  # 06:00 local, before the digest hour
    assert smtp_server.messages == []

    run_once(three_days_before)  # 09:00 local
    run_once(three_days_before + timedelta(hours=1))
    mails = smtp_server.to("admin@county.example")
    assert [m["Subject"] for m in mails] == ["练兵每日提醒（1 条）"]
    assert "7月工作简报还有 3 天截止" in mails[0].get_content()


def test_digests_are_queued_for_every_subscriber_in_two_statements(
    campaign, make_user, three_days_before
):
    """Each subscriber with news gets one digest of the day's notices in order; one with no
    news, one already sent today's, one without an address and an inactive one get none; the
    statements do not grow with the subscribers."""
    now = three_days_before
    subscribers = [
        _with_email(make_user("bureau_admin", code), f"digest{i}@county.example")
        for i, code in enumerate(("441402", "441403", "441402", "441403", "441402"))
    ]
    many, one, quiet, sent, inactive = subscribers
    nobody = make_user("bureau_admin", "441403")  # no address
    inactive.is_active_ = False
    for user in [*subscribers, nobody]:
        db.session.add(NotifyPrefs(user_id=user.id, email_on=True, digest=True))
    news = {many: ["甲", "乙", "丙"], one: ["丁"], sent: ["戊"], inactive: ["己"], nobody: ["庚"]}
    for user, titles in news.items():
        for i, title in enumerate(titles):
            db.session.add(
                Notification(user_id=user.id, event_key=f"e{i}", title=title, created_at=now)
            )
    db.session.add(
        Notification(
            user_id=quiet.id, event_key="old", title="旧", created_at=now - timedelta(days=2)
        )
    )
    db.session.commit()
    key = f"digest:{to_local(now):%Y-%m-%d}"
    db.session.execute(
        insert(Delivery), [services._delivery("email", now, key, "", "", user_id=sent.id)]
    )
    statements = []

    def seen(conn, cursor, statement, *rest):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert services.queue_digests(now, 0) == 2
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert len(statements) == 2  # the news of every subscriber, then one insert
    queued = db.session.execute(
        select(Delivery.user_id, Delivery.subject, Delivery.body)
        .where(Delivery.event_key == key)
        .order_by(Delivery.user_id)
    ).all()
    assert [tuple(r) for r in queued] == sorted(
        [
            (many.id, "练兵每日提醒（3 条）", "- 甲\n- 乙\n- 丙"),
            (one.id, "练兵每日提醒（1 条）", "- 丁"),
            (sent.id, "", ""),
        ]
    )


def test_people_without_an_address_or_with_email_off_get_only_the_in_app_notice(
    campaign, make_user, smtp_server, three_days_before
):
    quiet = _with_email(make_user("bureau_admin", "441402"), "quiet@county.example")
    make_user("bureau_admin", "441403")
    db.session.add(NotifyPrefs(user_id=quiet.id, email_on=False, digest=False))
    db.session.commit()
    run_once(three_days_before)
    assert db.session.scalar(select(func.count(Notification.id))) == 2
    assert smtp_server.messages == []


@pytest.mark.parametrize("pipelining", [True, False], ids=["pipelined", "one-by-one"])
def test_one_event_is_one_smtp_message_for_many_and_a_refused_address_fails_alone(
    campaign, make_user, make_competition, smtp_server, three_days_before, pipelining
):
    officers = [
        _with_email(make_user("officer", "441402"), f"o{n}@county.example") for n in range(5)
    ]
    smtp_server.unknown, smtp_server.pipelining = {"o3@county.example"}, pipelining
    make_competition(three_days_before)

    counts = run_once(three_days_before)

    assert (counts["sent"], counts["failed"]) == (4, 1)
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "undisclosed-recipients:;"
    assert sorted(message.envelope_to) == [f"o{n}@county.example" for n in range(5) if n != 3]
    failed = db.session.scalar(select(Delivery).where(Delivery.status != "sent"))
    assert failed.user_id == officers[3].id
    assert "no such user" in failed.last_error


@pytest.mark.parametrize("pipelining", [True, False], ids=["pipelined", "one-by-one"])
def test_recipients_beyond_the_servers_limit_get_the_message_in_further_transactions(
    campaign, make_user, make_competition, smtp_server, three_days_before, pipelining
):
    addresses = [f"o{n}@county.example" for n in range(5)]
    for address in addresses:
        _with_email(make_user("officer", "441402"), address)
    smtp_server.limit, smtp_server.pipelining = 2, pipelining
    make_competition(three_days_before)

    counts = run_once(three_days_before)

    assert (counts["sent"], counts["failed"]) == (5, 0)
    assert [len(m.envelope_to) for m in smtp_server.messages] == [2, 2, 1]
    assert sorted(a for m in smtp_server.messages for a in m.envelope_to) == addresses


@pytest.mark.parametrize("pipelining", [True, False], ids=["pipelined", "one-by-one"])
def test_a_message_refused_to_everyone_leaves_the_connection_usable(app, smtp_server, pipelining):
    smtp_server.unknown, smtp_server.pipelining = {"x@county.example"}, pipelining
    mailer = Mailer(app.config)
    try:
        assert set(mailer.send(["x@county.example"], "提醒", "正文")) == {"x@county.example"}
        smtp_server.refuse = True
        with pytest.raises(SendError, match="550"):
            mailer.send(["y@county.example"], "提醒", "正文")
        smtp_server.refuse = False
        assert mailer.send(["y@county.example", "z@county.example"], "提醒二", "正文") == {}
    finally:
        mailer.close()
    assert [m["Subject"] for m in smtp_server.messages] == ["提醒二"]
    assert smtp_server.messages[0].envelope_to == ["y@county.example", "z@county.example"]


@pytest.mark.parametrize("pipelining", [True, False], ids=["pipelined", "one-by-one"])
def test_lines_starting_with_a_dot_arrive_intact(app, smtp_server, pipelining):
    smtp_server.pipelining = pipelining
    body = "第一行\n.\n..两个点\n.最后"
    mailer = Mailer(app.config)
    try:
        assert mailer.send(["y@county.example"], "提醒", body) == {}
    finally:
        mailer.close()
    assert smtp_server.messages[0].get_content().replace("\r\n", "\n").rstrip("\n") == body


def test_the_scheduled_command_reports_what_it_did(campaign, make_user, runner):
    make_user("officer", "441402")
    result = runner.invoke(args=["notify", "run"])
    assert result.exit_code == 0, result.output
    assert "新通知 0 条" in result.output and "失败 0 条" in result.output


@pytest.mark.parametrize("pipelining", [True, False], ids=["pipelined", "one-by-one"])
def test_one_message_built_once_goes_out_whole_in_every_transaction(app, smtp_server, pipelining):
    smtp_server.pipelining = pipelining
    mailer = Mailer(app.config)
    try:
        for batch in (["a@county.example", "b@county.example"], ["c@county.example", "d@x.cn"]):
            assert mailer.send(batch, "竞赛开始", "第一行\n.点开头") == {}
        assert mailer.send(["e@county.example"], "竞赛开始", "第一行\n.点开头") == {}
    finally:
        mailer.close()
    assert [m.envelope_to for m in smtp_server.messages] == [
        ["a@county.example", "b@county.example"],
        ["c@county.example", "d@x.cn"],
        ["e@county.example"],
    ]
    assert [m["To"] for m in smtp_server.messages] == [
        "undisclosed-recipients:;",
        "undisclosed-recipients:;",
        "e@county.example",
    ]
    for message in smtp_server.messages:
        assert message.get_content().replace("\r\n", "\n").rstrip("\n") == "第一行\n.点开头"


@pytest.mark.parametrize(
    "address",
    ["o1@county.example", "a.b+c@q.cn", '"a b"@c.d', "名字 <x@y.cn>", "a@b@c", "<x@y.cn>"],
)
def test_the_envelope_quotes_addresses_as_smtplib_does(address):
    assert channels._quote(address) == smtplib.quoteaddr(address)


def test_a_claimed_delivery_is_passed_by_until_its_claim_runs_out(
    campaign, make_user, three_days_before
):
    _with_email(make_user("bureau_admin", "441402"), "admin@county.example")
    run_once(three_days_before, send=False)
    until = three_days_before + timedelta(minutes=15)

    [claimed] = outbox._claim(three_days_before, until, 10)
    assert outbox._claim(three_days_before + timedelta(minutes=5), until, 10) == []
    [again] = outbox._claim(until, until + timedelta(minutes=15), 10)
    assert again.id == claimed.id


def test_two_runs_at_once_send_each_message_once(
    app,
    other_app,
    campaign,
    make_user,
    make_competition,
    smtp_server,
    robot_receiver,
    three_days_before,
):
    """Two schedulers starting `flask notify run` together: every notice is stored once and
    every e-mail and robot post goes out once."""
    addresses = [f"o{n}@county.example" for n in range(40)]
    officers = [_with_email(make_user("officer", "441402"), a) for a in addresses]
    make_competition(three_days_before)
    db.session.add(Robot(bureau_id=officers[0].bureau_id, kind="wecom", url=robot_receiver.url))
    db.session.commit()
    second = other_app()
    second.config.update({k: app.config[k] for k in ("SMTP_HOST", "SMTP_PORT")})
    per_mail = app.config["NOTIFY_RECIPIENTS_PER_MAIL"]
    second.config["NOTIFY_RECIPIENTS_PER_MAIL"] = app.config["NOTIFY_RECIPIENTS_PER_MAIL"] = 1
    start, counts = threading.Barrier(2), []

    def run(application) -> None:
        with application.app_context():
            start.wait()
            counts.append(run_once(three_days_before))
            db.session.remove()

    try:
        threads = [threading.Thread(target=run, args=(a,)) for a in (app, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        app.config["NOTIFY_RECIPIENTS_PER_MAIL"] = per_mail
    assert len(counts) == 2  # neither run failed (on a notice the other had just stored)
    received = sorted(a for m in smtp_server.messages for a in m.envelope_to)
    assert received == sorted(addresses)
    assert len(robot_receiver.posts) == 1
    assert sum(c["notices"] for c in counts) == 40
    assert sum(c["sent"] for c in counts) == 41 and sum(c["failed"] for c in counts) == 0
    assert db.session.scalar(select(func.count(Notification.id))) == 40
