"""Issuing, revoking, finding and verifying certificates.

Issuing is idempotent: the same (campaign, source, holder) returns the live certificate
already issued. A certificate nobody qualifies for is refused (409) and nothing changes.
The city issues every kind; a county admin issues 结业证书 to its own bureau's people.
Services flush, never commit.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError

from lianbing.accounts.models import User
from lianbing.audit import services as audit
from lianbing.auth import BUREAU_ADMIN, CITY_ADMIN
from lianbing.campaign.models import Campaign
from lianbing.certificates.models import Certificate
from lianbing.certificates.qualifications import Candidate, find
from lianbing.dbtypes import utcnow
from lianbing.errors import Conflict, Forbidden, Invalid, NotFound, Refused
from lianbing.extensions import db
from lianbing.logconfig import event

#: no 0/O, 1/I/L: a code read aloud or typed from paper is not mistaken
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#: 31 ** 10 ≈ 8 × 10**14 codes: guessing one that exists is hopeless at any rate we allow
CODE_LENGTH = 10
#: how many certificates one request may issue or pack into a zip
BATCH_LIMIT = 500


class Gone(Refused):
    """The certificate was revoked: 410."""

    status = 410


@dataclass(frozen=True)
class Pick:
    """One certificate asked for: the qualifying result and the holder."""

    source_ref: str
    holder_key: str


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def may_issue(actor: User, candidate: Candidate) -> bool:
    """The city issues any certificate; a county admin 结业证书 for its own bureau's people."""
    if actor.role == CITY_ADMIN:
        return True
    return (
        actor.role == BUREAU_ADMIN
        and candidate.kind == "completion"
        and candidate.bureau.id == actor.bureau_id
    )


def live(campaign_id: int, source_ref: str, holder_key: str) -> Certificate | None:
    """The unrevoked certificate of this identity, if issued."""
    return db.session.scalar(
        select(Certificate).where(
            Certificate.campaign_id == campaign_id,
            Certificate.source_ref == source_ref,
            Certificate.holder_key == holder_key,
            Certificate.revoked_at.is_(None),
        )
    )


def live_by_identity(campaign_id: int) -> dict[tuple[str, str], Certificate]:
    """The campaign's unrevoked certificates by (source ref, holder key), in one query."""
    stmt = select(Certificate).where(
        Certificate.campaign_id == campaign_id, Certificate.revoked_at.is_(None)
    )
    return {(c.source_ref, c.holder_key): c for c in db.session.scalars(stmt)}


def issue(campaign: Campaign, actor: User, pick: Pick) -> tuple[Certificate, bool]:
    """Issue one certificate, or return the one already issued: (certificate, is_new)."""
    candidate = find(campaign, pick.source_ref, pick.holder_key)
    if candidate is None:
        raise Conflict("没有符合条件的结果（嘉奖、提名、推荐或完成的学习任务），不能颁发证书。")
    if not may_issue(actor, candidate):
        raise Forbidden("县级管理员只能为本单位人员颁发结业证书；荣誉证书由市局颁发。")
    existing = live(campaign.id, pick.source_ref, pick.holder_key)
    if existing is not None:
        return existing, False
    cert = _insert(campaign, actor, candidate)
    _record_issued(cert, actor)
    return cert, True


def _insert(campaign: Campaign, actor: User, c: Candidate) -> Certificate:
    code = new_code()
    cert = Certificate(
        serial=f"{campaign.year}-{c.bureau.code}-{code}",
        code=code,
        kind=c.kind,
        source_type=c.source_type,
        source_ref=c.source_ref,
        holder_key=c.holder_key,
        holder_user_id=c.holder_user_id,
        holder_bureau_id=c.holder_bureau_id,
        bureau_id=c.bureau.id,
        campaign_id=campaign.id,
        holder_name=c.holder_name,
        title=c.title,
        issuer_bureau_id=actor.bureau_id,
        issuer_name=actor.bureau.name,
        issued_by=actor.id,
        issued_at=utcnow(),
    )
    db.session.add(cert)
    try:
        db.session.flush()
    except IntegrityError as err:  # another request issued it a moment ago (uq_certificates_live)
        raise Conflict("该证书刚由他人颁发，请刷新页面后再试。") from err
    return cert


def _record_issued(cert: Certificate, actor: User) -> None:
    new = {"serial": cert.serial, "holder": cert.holder_name, "title": cert.title}
    audit.write(
        "certificate.issue",
        "certificate",
        cert.id,
        actor_id=actor.id,
        bureau_id=cert.bureau_id,
        new=new,
    )
    event(
        "certificates",
        "certificate %s issued",
        cert.serial,
        certificate_id=cert.id,
        source=cert.source_ref,
        holder=cert.holder_key,
        actor_id=actor.id,
    )


def issue_many(
    campaign: Campaign, actor: User, picks: Sequence[Pick]
) -> list[tuple[Certificate, bool]]:
    """Issue several; one refusal refuses them all (the request is rolled back)."""
    if not picks:
        raise Invalid("请至少选择一项。")
    if len(picks) > BATCH_LIMIT:
        raise Invalid(f"一次最多颁发 {BATCH_LIMIT} 张证书。")
    return [issue(campaign, actor, pick) for pick in dict.fromkeys(picks)]


def revoke(cert: Certificate, actor: User, reason: str) -> None:
    """Revoke with a reason: the city any certificate, a county admin those its bureau issued."""
    if not (
        actor.role == CITY_ADMIN
        or (actor.role == BUREAU_ADMIN and cert.issuer_bureau_id == actor.bureau_id)
    ):
        raise Forbidden("只能撤销本单位颁发的证书。")
    if cert.is_revoked:
        raise Conflict("该证书已经撤销。")
    if not reason.strip():
        raise Invalid("请填写撤销原因。")
    cert.revoked_at, cert.revoked_by, cert.revoke_reason = utcnow(), actor.id, reason.strip()
    db.session.flush()
    audit.write(
        "certificate.revoke",
        "certificate",
        cert.id,
        actor_id=actor.id,
        bureau_id=cert.bureau_id,
        old={"serial": cert.serial},
        reason=cert.revoke_reason,
    )
    event(
        "certificates",
        "certificate %s revoked",
        cert.serial,
        certificate_id=cert.id,
        actor_id=actor.id,
    )


def visible(actor: User) -> Select:
    """The certificates a user may see: the city all, a county admin its bureau's, an officer
    their own (nothing for anyone else)."""
    stmt = select(Certificate).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    if actor.role == CITY_ADMIN:
        return stmt
    if actor.role == BUREAU_ADMIN:
        return stmt.where(Certificate.bureau_id == actor.bureau_id)
    return stmt.where(Certificate.holder_user_id == actor.id)


def listing(
    actor: User, *, campaign_id: int | None = None, source: str = "", ids: Sequence[int] = ()
) -> list[Certificate]:
    """The visible certificates, narrowed to a campaign, a source or some ids."""
    stmt = visible(actor)
    if campaign_id:
        stmt = stmt.where(Certificate.campaign_id == campaign_id)
    if source:
        stmt = stmt.where(Certificate.source_type == source)
    if ids:
        stmt = stmt.where(Certificate.id.in_(list(ids)))
    return list(db.session.scalars(stmt.limit(BATCH_LIMIT)))


def get_visible(actor: User, cert_id: int) -> Certificate:
    """One certificate the user may see, else 404 (never saying whether it exists)."""
    cert = db.session.scalar(visible(actor).where(Certificate.id == cert_id))
    if cert is None:
        raise NotFound("证书不存在。")
    return cert


def for_download(actor: User, cert_id: int) -> Certificate:
    """A visible, unrevoked certificate; a revoked one is 410."""
    cert = get_visible(actor, cert_id)
    if cert.is_revoked:
        raise Gone("该证书已撤销，不能下载。")
    return cert


def by_code(raw: str) -> Certificate | None:
    """The certificate a public code (or a whole serial typed from paper) names."""
    code = raw.strip().rsplit("-", 1)[-1].upper()
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))
