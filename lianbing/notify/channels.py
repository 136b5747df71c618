"""The wire: e-mail over SMTP and the group-robot webhooks of 企业微信 and 钉钉."""

from __future__ import annotations

import io
import json
import re
import smtplib
import urllib.request
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from lianbing.notify.models import DINGTALK, WECOM


class SendError(RuntimeError):
    """A message the far side did not accept; the text is shown on the failures page."""


class Mailer:
    """One SMTP connection reused for a batch of messages (opened on first use).

    When the server offers PIPELINING (RFC 2920, as Postfix, Exim and Exchange do), the
    envelope (MAIL FROM and every RCPT TO) goes out in one write and the answers are read
    back together: one round trip per message instead of one per recipient.
    """

    def __init__(self, config: dict) -> None:
        self.config = config
        self.smtp: smtplib.SMTP | None = None
        #: one event's message, built once and sent in many transactions (see ``_built``)
        self.built: dict[tuple[str, str], tuple[EmailMessage, bytes]] = {}
        #: why the server could not be reached; later messages of the run fail at once
        self.broken: str | None = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        if not c.get("SMTP_HOST"):
            raise OSError("未配置 SMTP_HOST")
        smtp = smtplib.SMTP(c["SMTP_HOST"], int(c.get("SMTP_PORT") or 25), timeout=10)
        if c.get("SMTP_STARTTLS"):
            smtp.starttls()
        if c.get("SMTP_USER"):
            smtp.login(c["SMTP_USER"], c.get("SMTP_PASSWORD") or "")
        return smtp

    def send(self, to: list[str], subject: str, body: str) -> dict[str, str]:
        """Send one message to the addresses (envelope recipients, never shown to each other).

        Returns the addresses the server refused, with its reason; raises SendError when the
        message went to nobody. Recipients refused as too many for one transaction (452,
        RFC 5321 4.5.3.1.10) get the message in a further transaction at once, while each
        one gets some through.
        """
        refused = self._transaction(to, subject, body)
        while (over := [a for a in to if refused.get(a, (0,))[0] == 452]) and len(over) < len(to):
            to = over
            refused = {a: answer for a, answer in refused.items() if a not in over}
            refused.update(self._transaction(over, subject, body))
        return {addr: _reason(answer) for addr, answer in refused.items()}

    def _transaction(self, to: list[str], subject: str, body: str) -> dict[str, tuple]:
        """One SMTP transaction; the refused recipients with the server's (code, text)."""
        sender = self.config.get("MAIL_FROM") or "lianbing@localhost"
        msg, data = self._built(sender, to, subject, body)
        smtp = self._session()
        try:
            if _can_pipeline(smtp, sender, to):
                return _send_pipelined(smtp, sender, to, data)
            return smtp.send_message(msg, to_addrs=to)
        except smtplib.SMTPRecipientsRefused as exc:
            return exc.recipients
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise SendError(f"SMTP：{exc}") from exc

    def _built(self, sender: str, to: list[str], subject: str, body: str):
        """The message and its DATA bytes. A message to several (undisclosed) recipients is
        the same for every transaction of the event, so it is built once per connection."""
        if len(to) == 1:
            msg = _message(sender, to, subject, body)
            return msg, _dot_stuffed(_flatten(msg))
        if (subject, body) not in self.built:
            msg = _message(sender, to, subject, body)
            self.built[(subject, body)] = (msg, _dot_stuffed(_flatten(msg)))
        return self.built[(subject, body)]

    def _session(self) -> smtplib.SMTP:
        if self.broken:
            raise SendError(self.broken)
        if self.smtp is None:
            try:
                self.smtp = self._connect()
            except (smtplib.SMTPException, OSError) as exc:
                self.broken = f"SMTP 连接失败：{exc}"
                raise SendError(self.broken) from exc
        return self.smtp

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.smtp = None


def _message(sender: str, to: list[str], subject: str, body: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to[0] if len(to) == 1 else "undisclosed-recipients:;"
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain="lianbing")
    msg.set_content(body)
    return msg


def _can_pipeline(smtp: smtplib.SMTP, sender: str, to: list[str]) -> bool:
    """The server offers PIPELINING and no address needs SMTPUTF8 (smtplib handles those)."""
    smtp.ehlo_or_helo_if_needed()
    return smtp.has_extn("pipelining") and all(a.isascii() for a in (sender, *to))


def _flatten(msg: EmailMessage) -> bytes:
    """The message as it goes on the wire (what smtplib.send_message sends for ASCII mail)."""
    with io.BytesIO() as out:
        BytesGenerator(out).flatten(msg, linesep="\r\n")
        return out.getvalue()


#: an address smtplib.quoteaddr would return as ``<address>`` unchanged (no parsing needed)
_PLAIN_ADDRESS = re.compile(r"[^\s<>()\[\]\\,;:\"@]+@[^\s<>()\[\]\\,;:\"@]+")


def _quote(address: str) -> str:
    """``<address>`` for the envelope; the full parse only for unusual addresses."""
    if _PLAIN_ADDRESS.fullmatch(address):
        return f"<{address}>"
    return smtplib.quoteaddr(address)


def _send_pipelined(smtp: smtplib.SMTP, sender: str, to: list[str], data: bytes) -> dict:
    """MAIL FROM, every RCPT TO and DATA in one write, then the message (``data``, already
    dot-stuffed): two round trips.

    Returns the refused recipients (as smtplib.sendmail does); raises as sendmail does when
    the sender, every recipient or the message is refused. A server answers DATA with 354
    only when some recipient was accepted (RFC 2920), so nothing is sent to nobody.
    """
    envelope = [f"MAIL FROM:{_quote(sender)}\r\n"]
    envelope += [f"RCPT TO:{_quote(a)}\r\n" for a in to]
    smtp.send("".join(envelope) + "DATA\r\n")
    mail = smtp.getreply()
    answers = [smtp.getreply() for _ in to]
    go = smtp.getreply()
    refused = {a: answer for a, answer in zip(to, answers) if answer[0] not in (250, 251)}
    if go[0] != 354:
        _reset(smtp)
        if mail[0] != 250:
            raise smtplib.SMTPSenderRefused(mail[0], mail[1], sender)
        if len(refused) == len(to):
            raise smtplib.SMTPRecipientsRefused(refused)
        raise smtplib.SMTPDataError(*go)
    smtp.send(data)
    code, text = smtp.getreply()
    if code != 250:
        _reset(smtp)
        raise smtplib.SMTPDataError(code, text)
    return refused


def _dot_stuffed(data: bytes) -> bytes:
    """The message body as DATA carries it: leading dots doubled, ended by CRLF . CRLF."""
    body = re.sub(rb"(?m)^\.", b"..", data)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    return body + b".\r\n"


def _reset(smtp: smtplib.SMTP) -> None:
    """RSET after a refused transaction, so the connection serves the next message."""
    try:
        smtp.rset()
    except smtplib.SMTPServerDisconnected:
        pass


def _reason(answer) -> str:
    code, text = answer
    return (
        f"SMTP 拒收：{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"
    )


def robot_payload(kind: str, title: str, text: str) -> dict:
    """The JSON body each robot expects (markdown messages)."""
    content = f"### {title}\n{text}"
    if kind == WECOM:
        return {"msgtype": "markdown", "markdown": {"content": content}}
    if kind == DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": content}}
    raise SendError(f"未知的机器人类型 {kind}")


def post_robot(url: str, payload: dict, timeout: float = 10) -> None:
    """POST the payload; a non-2xx answer or a non-zero errcode is a failure."""
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (admin-set URL)
            answer = resp.read()
    except OSError as exc:  # URLError and HTTPError are OSErrors
        raise SendError(f"机器人：{exc}") from exc
    try:
        errcode = json.loads(answer or b"{}").get("errcode", 0)
    except (ValueError, AttributeError):
        errcode = 0
    if errcode:
        raise SendError(f"机器人返回错误：{answer[:200].decode('utf-8', 'replace')}")
