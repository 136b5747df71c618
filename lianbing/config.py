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
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def normalize_db_url(url: str) -> str:
    """Accept postgres:// and postgresql:// URLs and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _parts() -> list[str]:
    raw = os.environ.get("PARTS", DEFAULT_PARTS)
    return [name.strip() for name in raw.split(",") if name.strip()]


class Config:
    SECRET_KEY = None  # filled by init_config, never a constant
    SQLALCHEMY_DATABASE_URI = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    PARTS: list[str] = []
    TIMEZONE = "Asia/Shanghai"
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024
    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BTN_SIZE = "md"
    REDIS_URL = os.environ.get("REDIS_URL", "")
    #: a session ends after this long without a request, and this long after login
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "120"))
    SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))
    #: how many reverse proxies in front of the app set X-Forwarded-For (0: trust none)
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    #: form messages come from WTForms' zh catalogue (see setup._chinese_form_messages)
    WTF_I18N_ENABLED = False
    TESTING = False
    #: "json" for JSON lines on stderr, anything else for plain lines
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

    def init(self) -> "Config":
        """Resolve values that need the environment at start-up."""
        self.SECRET_KEY = _secret_key()
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        default_db = f"sqlite:///{INSTANCE_DIR / 'lianbing.db'}"
        self.SQLALCHEMY_DATABASE_URI = normalize_db_url(os.environ.get("DATABASE_URL", default_db))
        self.PARTS = _parts()
        self.SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "") == "1"
        return self


class TestingConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    #: scrypt is deliberately slow; tests create hundreds of users
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"

    def init(self) -> "TestingConfig":
        super().init()
        self.SECRET_KEY = "testing-only-" + secrets.token_hex(8)
        url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'test.db'}"
        self.SQLALCHEMY_DATABASE_URI = normalize_db_url(url)
        return self
