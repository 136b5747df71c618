"""Every host model in one import, so the metadata Alembic compares is complete."""
from lianbing.accounts.models import Bureau, LoginFailure, User  # noqa: F401
from lianbing.audit.models import AuditLog  # noqa: F401
from lianbing.campaign.models import ActivityWeight, Campaign, Stage  # noqa: F401
from lianbing.files.models import StoredFile  # noqa: F401
from lianbing.scoring.models import ScoreEntry  # noqa: F401
