"""Question bank behaviour: banks, categories, questions and versions.

Plain data in (``QuestionData``), domain errors out (``BankError`` with Chinese reasons);
services flush and never commit.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterable

from sqlalchemy import func, insert, or_, select

from lianbing.host import Refused, all_bureaus, bump_version, db, log_event, utcnow, write_audit
from quizzes import qtypes
from quizzes.models import VISIBILITIES, Bank, Category, Question, QuestionVersion

CODE_RE = re.compile(r"^[\w.\-]{1,60}$")
#: what changes the text an officer sees or the key; editing these makes a new version
VERSIONED = ("qtype", "stem", "content", "explanation", "legal_basis")
#: the named version keying the quizzes' kept draw plans (quizzes/play/plan.py)
PLANS_VERSION = "quiz-plans"


class BankError(Refused):
    """A refused change to the bank; ``reasons`` are for people (Chinese), joined by "；"."""

    def __init__(self, reasons: str | list[str], status: int = 400):
        reasons = [reasons] if isinstance(reasons, str) else list(reasons)
        super().__init__("；".join(reasons), status, reasons=reasons)


@dataclass
class QuestionData:
    """One question as plain data: what importers produce and forms submit."""

    qtype: str
    stem: str
    content: dict[str, Any] = field(default_factory=dict)
    code: str = ""
    explanation: str = ""
    legal_basis: str = ""
    difficulty: int = 3
    tags: list[str] = field(default_factory=list)
    #: category path inside the bank, "a/b/c"; "" for none
    category: str = ""
    is_active: bool = True

    def cleaned(self) -> tuple["QuestionData", list[str]]:
        """Canonical copy and the reasons it cannot be stored."""
        content, reasons = qtypes.check(self.qtype, self.content)
        data = replace(
            self,
            stem=(self.stem or "").strip(),
            content=content,
            code=(self.code or "").strip(),
            tags=clean_tags(self.tags),
            category=clean_path(self.category),
        )
        return data, basic_reasons(data) + reasons


def basic_reasons(data: QuestionData) -> list[str]:
    """Reasons that do not depend on the type."""
    reasons = [] if data.stem else ["题干为空"]
    if data.code and not CODE_RE.match(data.code):
        reasons.append(f"编号“{data.code}”只能含字母、数字、下划线、点和横线，且不超过 60 个字符")
    if not isinstance(data.difficulty, int) or not 1 <= data.difficulty <= 5:
        reasons.append(f"难度须为 1 到 5 的整数（现为 {data.difficulty}）")
    if len(data.legal_basis or "") > 300:
        reasons.append("法规依据过长（不超过 300 字）")
    if len(join_tags(data.tags)) > 500:
        reasons.append("标签过多或过长（合计不超过 500 字）")
    if len(data.category or "") > 500:
        reasons.append("分类路径过长（不超过 500 字）")
    return reasons


def clean_tags(tags: Iterable[str] | str) -> list[str]:
    """Split and trim tags; commas are separators and never part of a tag."""
    if isinstance(tags, str):
        tags = [tags]
    out: list[str] = []
    for raw in tags or []:
        for t in re.split(r"[,，;；、\s]+", str(raw)):
            if t and t not in out:
                out.append(t[:40])
    return out


def join_tags(tags: Iterable[str]) -> str:
    tags = clean_tags(tags)
    return f",{','.join(tags)}," if tags else ""


def clean_path(path: str) -> str:
    """Normalize a category path: "/ a / b/" -> "a/b"."""
    return "/".join(p.strip()[:100] for p in re.split(r"[/\\]", path or "") if p.strip())


# --- banks and categories ------------------------------------------------


def create_bank(
    name: str,
    description: str = "",
    user_id: int | None = None,
    owner_bureau_id: int | None = None,
) -> Bank:
    """A new, empty bank (a county's own when ``owner_bureau_id`` is set) with a name unique
    among its owner's banks: two counties may each have a “大气法规”, the city one more."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise BankError("题库名称不能为空，且不超过 100 个字符")
    if bank_by_name(name, owner_bureau_id):
        whose = "本单位" if owner_bureau_id is not None else "市局"
        raise BankError(f"{whose}已有题库“{name}”，请换一个名称", 409)
    bank = Bank(
        name=name,
        description=description or "",
        created_by=user_id,
        owner_bureau_id=owner_bureau_id,
    )
    db.session.add(bank)
    db.session.flush()
    return bank


def set_visibility(bank: Bank, visibility: str, user_id: int | None = None) -> None:
    """草稿, 练习 or 仅考试: who may see the bank's questions (practice only sees 练习 banks)."""
    if visibility not in VISIBILITIES:
        raise BankError("题库可见范围无效")
    bank.visibility = visibility
    db.session.flush()
    log_event(
        "quizzes",
        "bank %d %r visibility set to %s",
        bank.id,
        bank.name,
        visibility,
        actor_id=user_id,
        target=f"quiz_bank:{bank.id}",
    )


def bank_by_name(name: str, owner_bureau_id: int | None = None) -> Bank | None:
    """The city's bank of that name, or the given county's own."""
    owner = (
        Bank.owner_bureau_id.is_(None)
        if owner_bureau_id is None
        else Bank.owner_bureau_id == owner_bureau_id
    )
    return db.session.scalar(select(Bank).where(Bank.name == (name or "").strip(), owner))


#: words naming the city as a bank's owner (``--owner`` of ``flask quizzes export``)
CITY_WORDS = ("市局", "city")


def banks_named(name: str) -> list[Bank]:
    """Every bank of that name, whoever owns it: the city's first, then the counties'."""
    stmt = select(Bank).where(Bank.name == (name or "").strip())
    return sorted(db.session.scalars(stmt), key=lambda b: (b.owner_bureau_id or 0, b.id))


def owner_names(banks: list[Bank]) -> list[str]:
    """Who owns each bank, in words (市局 or the county's short name)."""
    names = {b.id: b.short_name for b in all_bureaus()}
    return [names.get(b.owner_bureau_id, "市局") for b in banks]


def owner_bureau(text: str) -> int | None:
    """The bureau id an owner is named by (name, short name or division code); None for the
    city; refused (404) when no bureau is so named."""
    text = (text or "").strip()
    if text in CITY_WORDS:
        return None
    found = next((b for b in all_bureaus() if text in (b.name, b.short_name, b.code)), None)
    if found is None:
        raise BankError(
            f"找不到单位“{text}”（请填写单位名称、简称或行政区划代码，市局填“市局”）", 404
        )
    return None if found.is_city else found.id


def bank_for_export(name: str, owner: str = "") -> Bank:
    """The bank an export names: by owner when given, else the one bank of that name.

    Refused with 404 when there is none, 409 when several owners have a bank so named.
    """
    if owner:
        found = bank_by_name(name, owner_bureau(owner))
        if found is None:
            raise BankError(f"{owner.strip()}没有题库“{name}”", 404)
        return found
    found = banks_named(name)
    if not found:
        raise BankError(f"题库“{name}”不存在", 404)
    if len(found) > 1:
        raise BankError(
            f"有 {len(found)} 个题库名为“{name}”（{'、'.join(owner_names(found))}），"
            "请用 --owner 指定所属单位",
            409,
        )
    return found[0]


def get_or_create_bank(
    name: str, user_id: int | None = None, owner_bureau_id: int | None = None
) -> Bank:
    return bank_by_name(name, owner_bureau_id) or create_bank(
        name, user_id=user_id, owner_bureau_id=owner_bureau_id
    )


def list_banks(bureau_id: int | None = None) -> list[tuple[Bank, int]]:
    """Banks with their question counts; with ``bureau_id``, the city's and that bureau's only."""
    count = (
        select(func.count(Question.id))
        .where(Question.bank_id == Bank.id)
        .correlate(Bank)
        .scalar_subquery()
    )
    stmt = select(Bank, count).order_by(Bank.name)
    if bureau_id is not None:
        stmt = stmt.where(or_(Bank.owner_bureau_id.is_(None), Bank.owner_bureau_id == bureau_id))
    return list(db.session.execute(stmt).all())


def ensure_category(bank: Bank, path: str) -> Category | None:
    """The category at ``path`` ("a/b"), created with its parents if needed."""
    parent = None
    names = clean_path(path).split("/") if clean_path(path) else []
    for depth, name in enumerate(names, 1):
        sub = "/".join(names[:depth])
        found = db.session.scalar(
            select(Category).where(Category.bank_id == bank.id, Category.path == sub)
        )
        if found is None:
            found = Category(bank_id=bank.id, parent=parent, name=name, path=sub)
            db.session.add(found)
            db.session.flush()
        parent = found
    return parent


def categories(bank_id: int) -> list[Category]:
    """A bank's categories in natural order (第二部分 before 第三部分, 2 before 10)."""
    found = db.session.scalars(select(Category).where(Category.bank_id == bank_id))
    return sorted(found, key=lambda c: natural_key(c.path))


CN_DIGITS = {c: n for n, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
NUMBER_RUN = re.compile(r"\d+|[零〇一二两三四五六七八九十百千]+")


def cn_number(text: str) -> int:
    """ "十二" -> 12, "二十" -> 20, "一百零五" -> 105, "12" -> 12."""
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        else:
            unit = {"十": 10, "百": 100, "千": 1000}[ch]
            total += (digit or 1) * unit
            digit = 0
    return total + digit


def natural_key(text: str) -> list:
    """A sort key reading runs of digits or Chinese numerals as numbers, per path segment."""
    key: list = []
    for segment in (text or "").split("/"):
        parts, last = [], 0
        for m in NUMBER_RUN.finditer(segment):
            parts += [(0, segment[last : m.start()]), (1, cn_number(m.group()))]
            last = m.end()
        key.append(parts + [(0, segment[last:])])
    return key


# --- questions -------------------------------------------------------------


def next_code(bank_id: int, taken: set[str] | None = None) -> str:
    """A free generated code "Q00001"… in the bank."""
    count = (
        db.session.scalar(select(func.count(Question.id)).where(Question.bank_id == bank_id)) or 0
    )
    taken = taken if taken is not None else set()
    n = count + 1
    while True:
        code = f"Q{n:05d}"
        if code not in taken and not question_by_code(bank_id, code):
            return code
        n += 1


def question_by_code(bank_id: int, code: str) -> Question | None:
    return db.session.scalar(
        select(Question).where(Question.bank_id == bank_id, Question.code == code)
    )


def create_question(bank: Bank, data: QuestionData, user_id: int | None = None) -> Question:
    """Validate and add one question with its first version."""
    data, reasons = data.cleaned()
    if reasons:
        raise BankError(reasons)
    code = data.code or next_code(bank.id)
    if question_by_code(bank.id, code):
        raise BankError(f"编号“{code}”在本题库中已存在", 409)
    return add_question(bank, replace(data, code=code), user_id)


def add_question(bank: Bank, data: QuestionData, user_id: int | None) -> Question:
    """Insert an already cleaned question (importers check first, then call this)."""
    category = ensure_category(bank, data.category)
    q = Question(
        bank_id=bank.id,
        category_id=category.id if category else None,
        code=data.code,
        qtype=data.qtype,
        stem=data.stem,
        content=data.content,
        explanation=data.explanation or "",
        legal_basis=data.legal_basis or "",
        difficulty=data.difficulty,
        tags=join_tags(data.tags),
        is_active=data.is_active,
        version=1,
        created_by=user_id,
    )
    q.versions.append(snapshot(q, 1))
    db.session.add(q)
    db.session.flush()
    return q


def snapshot(q: Question, number: int) -> QuestionVersion:
    return QuestionVersion(
        version=number,
        qtype=q.qtype,
        stem=q.stem,
        content=q.content,
        explanation=q.explanation,
        legal_basis=q.legal_basis,
    )


def current_version(q: Question) -> QuestionVersion:
    """The QuestionVersion row matching the question's current state."""
    return db.session.scalar(
        select(QuestionVersion).where(
            QuestionVersion.question_id == q.id, QuestionVersion.version == q.version
        )
    )


def freeze_version(version_id: int) -> None:
    """Called when an attempt references a version: it must never change again."""
    version = db.session.get(QuestionVersion, version_id)
    if version is not None and not version.is_frozen:
        version.is_frozen = True
        db.session.flush()


def update_question(q: Question, data: QuestionData, user_id: int | None = None) -> Question:
    """Edit a question; a frozen (answered) current version is kept and a new one made."""
    data, reasons = data.cleaned()
    if reasons:
        raise BankError(reasons)
    code = data.code or q.code
    other = question_by_code(q.bank_id, code)
    if other is not None and other.id != q.id:
        raise BankError(f"编号“{code}”在本题库中已存在", 409)
    old = {k: getattr(q, k) for k in VERSIONED}
    old_version = q.version
    apply_data(q, replace(data, code=code))
    if any(getattr(q, k) != old[k] for k in VERSIONED):
        record_version(q)
    write_audit(
        "quizzes.question_edit",
        "quiz_question",
        q.id,
        actor_id=user_id,
        old={"version": old_version},
        new={"version": q.version, "code": q.code},
    )
    db.session.flush()
    return q


def apply_data(q: Question, data: QuestionData) -> None:
    category = ensure_category(q.bank, data.category)
    q.category_id = category.id if category else None
    q.code, q.qtype, q.stem, q.content = data.code, data.qtype, data.stem, data.content
    q.explanation, q.legal_basis, q.difficulty = (
        data.explanation or "",
        data.legal_basis or "",
        data.difficulty,
    )
    q.tags, q.is_active, q.updated_at = join_tags(data.tags), data.is_active, utcnow()


def record_version(q: Question) -> None:
    """Overwrite the current version if nobody answered it yet, else add the next one."""
    current = current_version(q)
    if current is not None and not current.is_frozen:
        for key in VERSIONED:
            setattr(current, key, getattr(q, key))
        return
    q.version += 1
    q.versions.append(snapshot(q, q.version))


def to_data(q: Question) -> QuestionData:
    """A stored question back to plain data (for exports and the editor)."""
    return QuestionData(
        qtype=q.qtype,
        stem=q.stem,
        content=qtypes.get(q.qtype).to_dict(q.content),
        code=q.code,
        explanation=q.explanation,
        legal_basis=q.legal_basis,
        difficulty=q.difficulty,
        tags=q.tag_list,
        category=q.category.path if q.category else "",
        is_active=q.is_active,
    )


def version_by_id(version_id: int) -> QuestionVersion | None:
    return db.session.get(QuestionVersion, version_id)


# --- search and bulk actions ---------------------------------------------------


@dataclass
class SearchQuery:
    """Filters of the bank browser; empty values mean "any"."""

    text: str = ""
    tag: str = ""
    legal_basis: str = ""
    qtype: str = ""
    difficulty: int | None = None
    category_id: int | None = None
    #: include sub-categories of category_id
    with_children: bool = True
    active: bool | None = None


def search_statement(bank_id: int, query: SearchQuery):
    """The select() of questions matching a query, newest code order."""
    stmt = select(Question).where(Question.bank_id == bank_id)
    if query.text:
        text = query.text.strip()
        stmt = stmt.where(
            or_(
                Question.stem.icontains(text, autoescape=True),
                Question.code.icontains(text, autoescape=True),
            )
        )
    if query.tag:
        stmt = stmt.where(Question.tags.contains(f",{query.tag.strip()},", autoescape=True))
    if query.legal_basis:
        stmt = stmt.where(
            Question.legal_basis.icontains(query.legal_basis.strip(), autoescape=True)
        )
    return _filter_more(stmt, query).order_by(Question.code)


def _filter_more(stmt, query: SearchQuery):
    if query.qtype:
        stmt = stmt.where(Question.qtype == query.qtype)
    if query.difficulty:
        stmt = stmt.where(Question.difficulty == query.difficulty)
    if query.active is not None:
        stmt = stmt.where(Question.is_active == query.active)
    if query.category_id:
        stmt = stmt.where(
            Question.category_id.in_(category_ids(query.category_id, query.with_children))
        )
    return stmt


def category_ids(category_id: int, with_children: bool = True) -> list[int]:
    """The category and (optionally) every category below it."""
    cat = db.session.get(Category, category_id)
    if cat is None:
        return []
    if not with_children:
        return [cat.id]
    below = select(Category.id).where(
        Category.bank_id == cat.bank_id, Category.path.startswith(f"{cat.path}/", autoescape=True)
    )
    return [cat.id, *db.session.scalars(below)]


def search(bank_id: int, query: SearchQuery, page: int = 1, per_page: int = 30):
    """One page of matching questions (a Flask-SQLAlchemy Pagination)."""
    return db.paginate(
        search_statement(bank_id, query), page=page, per_page=per_page, error_out=False
    )


def questions_in(bank_id: int, ids: Iterable[int]) -> list[Question]:
    ids = [int(i) for i in ids]
    return list(
        db.session.scalars(
            select(Question).where(Question.bank_id == bank_id, Question.id.in_(ids))
        )
    )


def bulk_move(bank: Bank, ids: Iterable[int], path: str, actor_id: int | None = None) -> int:
    """Move questions to a category (created if needed); returns how many."""
    category = ensure_category(bank, path)
    questions = questions_in(bank.id, ids)
    for q in questions:
        q.category_id = category.id if category else None
    return _bulk_done(bank, "move", questions, path, actor_id)


def _bulk_done(
    bank: Bank, action: str, questions: list[Question], target: Any, actor_id: int | None
) -> int:
    write_audit(
        f"quizzes.bulk_{action}",
        "quiz_bank",
        bank.id,
        actor_id=actor_id,
        new={"questions": [q.id for q in questions], "target": target},
    )
    db.session.flush()
    return len(questions)


def bulk_tag(
    bank: Bank, ids: Iterable[int], tags: Iterable[str] | str, actor_id: int | None = None
) -> int:
    """Add tags to questions."""
    questions = questions_in(bank.id, ids)
    for q in questions:
        q.tags = join_tags(q.tag_list + clean_tags(tags))
    return _bulk_done(bank, "tag", questions, clean_tags(tags), actor_id)


def bulk_set_active(
    bank: Bank, ids: Iterable[int], active: bool, actor_id: int | None = None
) -> int:
    """Deactivate (or reactivate) questions; inactive ones are not drawn into quizzes."""
    questions = questions_in(bank.id, ids)
    for q in questions:
        q.is_active = active
    return _bulk_done(bank, "activate" if active else "deactivate", questions, active, actor_id)


def bank_questions(bank_id: int, category_id: int | None = None) -> list[Question]:
    """All questions of a bank (or a category and its sub-categories), by code."""
    query = SearchQuery(category_id=category_id)
    return list(db.session.scalars(search_statement(bank_id, query)))


def count_by_type(questions: Iterable[Question | QuestionData]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for q in questions:
        counts[q.qtype] = counts.get(q.qtype, 0) + 1
    return counts


# --- imports ---------------------------------------------------------------------

STATUS_LABELS = {
    "imported": "已导入",
    "failed": "失败",
    "skipped": "已跳过",
    "duplicate": "重复，未导入",
    "note": "说明",
}


@dataclass
class ImportItem:
    """One element of an imported file: a question, or a note about something not imported."""

    #: where it is in the file, in words: "第 3 行", "第 2 个 <question>"
    place: str
    data: QuestionData | None = None
    reasons: list[str] = field(default_factory=list)
    #: a note that is not a failure (description skipped, attachment dropped)
    note: str = ""
    status: str = ""
    #: the code was taken from a question's name (GIFT title, Moodle <name>): names may repeat,
    #: so a taken one is replaced by a generated code instead of making the question a duplicate
    code_is_name: bool = False


@dataclass
class ImportReport:
    """What an import did (or would have done), row by row."""

    bank: str
    format: str
    items: list[ImportItem]
    skip_invalid: bool = False
    #: file-level problems (unreadable file, missing columns): nothing is imported
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    committed: bool = False

    @property
    def imported(self) -> list[ImportItem]:
        return [i for i in self.items if i.status == "imported"]

    @property
    def failed(self) -> list[ImportItem]:
        return [i for i in self.items if i.status in ("failed", "skipped")]

    @property
    def duplicates(self) -> list[ImportItem]:
        return [i for i in self.items if i.status == "duplicate"]

    @property
    def ok(self) -> bool:
        return not self.errors and (self.skip_invalid or not self.failed)

    def counts(self) -> dict[str, int]:
        """Imported questions counted by type key."""
        return count_by_type(i.data for i in self.imported)


def stem_key(qtype: str, stem: str) -> str:
    """What makes two stems "identical" for duplicate detection."""
    return qtype + ":" + qtypes.normalize_answer(stem)


def import_items(
    bank_name: str,
    items: list[ImportItem],
    *,
    skip_invalid: bool,
    fmt: str,
    user_id: int | None = None,
    visibility: str | None = None,
    owner_bureau_id: int | None = None,
) -> ImportReport:
    """Check every item, then store all valid ones, or none if any failed (unless skip_invalid).
    The bank is the city's of that name, or ``owner_bureau_id``'s own."""
    bank = bank_by_name(bank_name, owner_bureau_id)
    report = ImportReport(bank=bank_name, format=fmt, items=items, skip_invalid=skip_invalid)
    check_items(items, bank)
    if report.ok and any(i.status == "pending" for i in items):
        bank = bank or create_bank(bank_name, user_id=user_id, owner_bureau_id=owner_bureau_id)
        if visibility:
            set_visibility(bank, visibility, user_id)
        _store_items(bank, report, user_id)
    else:
        _settle(items, imported=False)
    _log_import(report, bank.id if bank else None, user_id)
    return report


def _store_items(bank: Bank, report: ImportReport, user_id: int | None) -> None:
    """Insert the checked items in one go; the ones that failed become "skipped"."""
    added = add_many(bank, [i.data for i in report.items if i.status == "pending"], user_id)
    _settle(report.items, imported=True)
    write_audit(
        "quizzes.import",
        "quiz_bank",
        bank.id,
        actor_id=user_id,
        new={"format": report.format, "imported": added, "by_type": report.counts()},
    )
    for item in report.failed:
        item.status = "skipped"
    report.committed = True


def _log_import(report: ImportReport, bank_id: int | None, user_id: int | None) -> None:
    """One line per import for the operator: how many came in, or that nothing did and why."""
    outcome = "stored" if report.committed else "nothing stored"
    log_event(
        "quizzes",
        "bank import into %r (%s): %s; %d imported, %d failed or skipped, %d duplicates",
        report.bank,
        report.format,
        outcome,
        len(report.imported),
        len(report.failed),
        len(report.duplicates),
        actor_id=user_id,
        target=f"quiz_bank:{bank_id}",
        count=len(report.imported),
    )


def _settle(items: list[ImportItem], imported: bool) -> None:
    for item in items:
        if item.status == "pending":
            item.status = "imported" if imported else "note"
            if not imported:
                item.note = item.note or "有效，但因其他行失败未导入"


def check_items(items: list[ImportItem], bank: Bank | None) -> None:
    """Clean each question and mark it pending, failed or duplicate."""
    seen = _existing_keys(bank)
    for item in items:
        if item.data is None:
            item.status = "failed" if item.reasons else "note"
            continue
        item.data, reasons = item.data.cleaned()
        item.reasons += reasons
        if item.reasons:
            item.status = "failed"
            continue
        _check_duplicate(item, seen)


def fingerprint(qtype: str, stem: str, content: Any) -> str:
    """Type, stem, options and key as one string: two questions are duplicates only when equal."""
    return stem_key(qtype, stem) + "\x1f" + json.dumps(_bare(content), sort_keys=True)


def _bare(value: Any) -> Any:
    """Content without empty values (missing feedback and empty feedback are the same)."""
    if isinstance(value, dict):
        return {k: _bare(v) for k, v in value.items() if v not in ("", None, [], {})}
    if isinstance(value, list):
        return [_bare(v) for v in value]
    return value


@dataclass
class _Seen:
    codes: set[str] = field(default_factory=set)
    stems: set[str] = field(default_factory=set)
    prints: set[str] = field(default_factory=set)


def _existing_keys(bank: Bank | None) -> _Seen:
    seen = _Seen()
    if bank is None:
        return seen
    rows = db.session.execute(
        select(Question.code, Question.qtype, Question.stem, Question.content).where(
            Question.bank_id == bank.id
        )
    )
    for code, qtype, stem, content in rows:
        seen.codes.add(code)
        seen.stems.add(stem_key(qtype, stem))
        seen.prints.add(fingerprint(qtype, stem, content))
    return seen


def _check_duplicate(item: ImportItem, seen: _Seen) -> None:
    data = item.data
    key, printed = stem_key(data.qtype, data.stem), fingerprint(data.qtype, data.stem, data.content)
    if data.code and data.code in seen.codes and item.code_is_name:
        item.note = _joined(item.note, f"名称“{data.code}”已被其他题目使用，已自动编号")
        data.code = ""
    if data.code and data.code in seen.codes:
        item.status, item.note = "duplicate", f"编号“{data.code}”已存在"
    elif printed in seen.prints:
        item.status, item.note = "duplicate", "题型、题干、选项和答案都相同的题目已存在"
    else:
        item.status = "pending"
        if key in seen.stems:
            item.note = _joined(
                item.note, "题干与已有题目相同，但选项或答案不同，已作为另一道题导入"
            )
        seen.codes.add(data.code)
        seen.stems.add(key)
        seen.prints.add(printed)


def _joined(*notes: str) -> str:
    return "；".join(n for n in notes if n)


def add_many(bank: Bank, questions: list[QuestionData], user_id: int | None) -> int:
    """Insert cleaned questions in bulk (two INSERT … executemany), with version 1 each."""
    cats: dict[str, int | None] = {}
    taken = set(db.session.scalars(select(Question.code).where(Question.bank_id == bank.id)))
    taken |= {q.code for q in questions if q.code}
    rows = [_row(bank, q, cats, taken, user_id) for q in questions]
    ids = db.session.scalars(
        insert(Question).returning(Question.id, sort_by_parameter_order=True), rows
    ).all()
    versions = [
        {"question_id": qid, "version": 1, **{k: r[k] for k in VERSIONED}}
        for qid, r in zip(ids, rows)
    ]
    if versions:
        db.session.execute(insert(QuestionVersion), versions)
        # a bulk insert passes by the ORM's change events: kept draw plans must see the new
        # questions (quizzes/play/plan.py)
        bump_version(PLANS_VERSION)
    return len(ids)


def _row(bank: Bank, q: QuestionData, cats: dict, taken: set[str], user_id: int | None) -> dict:
    if q.category not in cats:
        category = ensure_category(bank, q.category)
        cats[q.category] = category.id if category else None
    code = q.code or _free_code(taken)
    taken.add(code)
    now = utcnow()
    return {
        "bank_id": bank.id,
        "category_id": cats[q.category],
        "code": code,
        "qtype": q.qtype,
        "stem": q.stem,
        "content": q.content,
        "explanation": q.explanation or "",
        "legal_basis": q.legal_basis or "",
        "difficulty": q.difficulty,
        "tags": join_tags(q.tags),
        "is_active": q.is_active,
        "version": 1,
        "created_by": user_id,
        "created_at": now,
        "updated_at": now,
    }


def _free_code(taken: set[str]) -> str:
    n = len(taken) + 1
    while f"Q{n:05d}" in taken:
        n += 1
    return f"Q{n:05d}"


def category_by_path(bank_id: int, path: str) -> Category | None:
    return db.session.scalar(
        select(Category).where(Category.bank_id == bank_id, Category.path == clean_path(path))
    )


def carry_feedback(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Keep per-option and true/false feedback the editor does not show.

    Only where the option text is unchanged.
    """
    feedback = {o["text"]: o.get("feedback", "") for o in old.get("options", [])}
    for option in new.get("options", []):
        option["feedback"] = option.get("feedback") or feedback.get(option["text"], "")
    for key in ("feedback_true", "feedback_false"):
        if key in old and "answer" in new and not new.get(key):
            new[key] = old[key]
    return new
