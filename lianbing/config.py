"""Configuration, read from environment variables (see README for the table)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("LIANBING_INSTANCE", BASE_DIR / "instance"))

DEFAULT_PARTS = "training,quizzes,casestudies"


def _secret_key() -> str:
    """SECRET_KEY from the environment, else generated once and kept under instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    _private_dir(INSTANCE_DIR)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    path.chmod(0o600)
    return path.read_text().strip()


def _private_dir(path: Path) -> None:
    """The instance folder: created if needed, readable by the app's user only (0700)."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)


def _private_sqlite_file(url: str) -> None:
    """A SQLite database file is created (or narrowed) to 0600 before SQLAlchemy opens it."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url[len(prefix) :] in ("", ":memory:"):
        return
    path = Path(url[len(prefix) :].split("?", 1)[0])
    if not path.parent.is_dir():
        return
    # never open an existing database file here: closing any descriptor of a SQLite file
    # drops the process's POSIX locks on it (a second app in the same process, a live test
    # server), which can corrupt it. A new file is created empty with the mode; an existing
    # one only has its mode narrowed.
    if not path.exists():
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass
    path.chmod(0o600)


def _list(raw: str) -> list[str] | None:
    items = [item.strip() for item in raw.split(",") if item.strip()]
    return items or None


def normalize_db_url(url: str) -> str:
    """Accept postgres:// and postgresql:// URLs and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def engine_options(url: str) -> dict:
    """Connection pool per worker process. A sync gunicorn worker serves one request at a time,
    so it needs one connection and a spare: PostgreSQL sees machines x workers x (size +
    overflow) connections at most. psycopg prepares a statement on a connection after its
    fifth execution (its default ``prepare_threshold``), so hot statements are planned once.
    On PostgreSQL connections are also replaced after ``DB_POOL_RECYCLE`` seconds.

    No ``pool_pre_ping``: a pooled PostgreSQL connection is pinged only when it may have died
    (lianbing/pool.py, ``DB_PRE_PING``), a SQLite connection never."""
    if not url.startswith("postgresql"):
        return {}
    return {
        "pool_size": int(os.environ.get("DB_POOL_SIZE", "2")),
        "max_overflow": int(os.environ.get("DB_MAX_OVERFLOW", "2")),
        "pool_recycle": int(os.environ.get("DB_POOL_RECYCLE", "1800")),
    }


def _parts() -> list[str]:
    raw = os.environ.get("PARTS", DEFAULT_PARTS)
    return [name.strip() for name in raw.split(",") if name.strip()]


class Config:
    SECRET_KEY = None  # filled by init_config, never a constant
    SQLALCHEMY_DATABASE_URI = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    #: ping a pooled PostgreSQL connection that rested longer than DB_PING_IDLE_SECONDS or that
    #: the server wrote to meanwhile (lianbing/pool.py); 0: never (a connection the server
    #: dropped then fails one request, after which the worker's pool is replaced)
    DB_PRE_PING = os.environ.get("DB_PRE_PING", "1") == "1"
    DB_PING_IDLE_SECONDS = float(os.environ.get("DB_PING_IDLE_SECONDS", "5"))
    PARTS: list[str] = []
    TIMEZONE = "Asia/Shanghai"
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024
    #: large documents (case files) on disk, content-addressed; a shared volume for several
    #: machines; empty = instance/files
    FILE_STORAGE_DIR = os.environ.get("FILE_STORAGE_DIR", "")
    MAX_DOCUMENT_MB = int(os.environ.get("MAX_DOCUMENT_MB", "50"))
    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BTN_SIZE = "md"
    REDIS_URL = os.environ.get("REDIS_URL", "")
    #: prefix of every key this app keeps in Redis (cache entries, versions, rate windows)
    REDIS_PREFIX = os.environ.get("REDIS_PREFIX", "lianbing:")
    #: background jobs (lianbing/jobs): on RQ when REDIS_URL is set, unless JOBS_INLINE=1
    JOBS_INLINE = os.environ.get("JOBS_INLINE", "") == "1"
    JOBS_QUEUE = os.environ.get("JOBS_QUEUE", "lianbing")
    JOBS_TIMEOUT = int(os.environ.get("JOBS_TIMEOUT", "3600"))
    #: ``flask jobs prune`` deletes finished jobs (and their files) older than this; 0 keeps all
    JOBS_KEEP_DAYS = int(os.environ.get("JOBS_KEEP_DAYS", "7"))
    #: a question-bank file this large or larger is imported by a background job
    QUIZ_IMPORT_JOB_BYTES = int(os.environ.get("QUIZ_IMPORT_JOB_KB", "1024")) * 1024
    #: a session ends after this long without a request, and this long after login
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "120"))
    SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))
    #: how many reverse proxies in front of the app set X-Forwarded-For (0: trust none)
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    #: the site's public address for absolute links (Atom feed); never taken from Host
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    TRUSTED_HOSTS: list[str] | None = None
    #: bounded parsing of uploaded Office files and JSON (lianbing/files/limits.py)
    UPLOAD_MAX_UNZIPPED_MB = int(os.environ.get("UPLOAD_MAX_UNZIPPED_MB", "50"))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    #: form messages come from WTForms' zh catalogue (see setup._chinese_form_messages)
    WTF_I18N_ENABLED = False
    TESTING = False
    #: "json" for JSON lines on stderr, anything else for plain lines
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # notifications (flask notify run): SMTP for e-mail, reminder lead days, retries
    SMTP_HOST = os.environ.get("SMTP_HOST", "")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
    SMTP_USER = os.environ.get("SMTP_USER", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_STARTTLS = os.environ.get("SMTP_STARTTLS", "") == "1"
    MAIL_FROM = os.environ.get("MAIL_FROM", "lianbing@localhost")
    #: prefix of links in e-mails and robot messages, e.g. https://lianbing.example.gov.cn
    #: (unset: PUBLIC_BASE_URL)
    NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "")
    #: days before a deadline to remind (0 = the day itself)
    NOTIFY_LEAD_DAYS = tuple(
        int(d) for d in os.environ.get("NOTIFY_LEAD_DAYS", "3,0").split(",") if d.strip()
    )
    #: local hour from which the daily digest goes out
    NOTIFY_DIGEST_HOUR = int(os.environ.get("NOTIFY_DIGEST_HOUR", "7"))
    NOTIFY_RETRY_BASE_SECONDS = int(os.environ.get("NOTIFY_RETRY_BASE_SECONDS", "60"))
    NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS", "6"))
    #: identical e-mails of one event share an SMTP transaction (envelope recipients, 1 = off)
    NOTIFY_RECIPIENTS_PER_MAIL = int(os.environ.get("NOTIFY_RECIPIENTS_PER_MAIL", "1000"))
    #: a run takes its due deliveries for this long; a run that died sends them later
    NOTIFY_CLAIM_SECONDS = int(os.environ.get("NOTIFY_CLAIM_SECONDS", "900"))

    def database_url(self) -> str:
        return os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'lianbing.db'}")

    def init(self) -> "Config":
        """Resolve values that need the environment at start-up."""
        self.SECRET_KEY = _secret_key()
        _private_dir(INSTANCE_DIR)
        self.SQLALCHEMY_DATABASE_URI = normalize_db_url(self.database_url())
        self.SQLALCHEMY_ENGINE_OPTIONS = engine_options(self.SQLALCHEMY_DATABASE_URI)
        _private_sqlite_file(self.SQLALCHEMY_DATABASE_URI)
        self.PARTS = _parts()
        self.SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "") == "1"
        self.PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", self.PUBLIC_BASE_URL)
        #: Flask refuses (400) any Host header not listed here, when the list is set
        self.TRUSTED_HOSTS = _list(os.environ.get("TRUSTED_HOSTS", "")) or self.TRUSTED_HOSTS
        return self


class TestingConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    #: scrypt is deliberately slow; tests create hundreds of users
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"

    def init(self) -> "TestingConfig":
        super().init()
        self.SECRET_KEY = "testing-only-" + secrets.token_hex(8)
        return self

    def database_url(self) -> str:
        return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'test.db'}"
