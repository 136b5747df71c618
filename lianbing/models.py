"""Every host model in one import, so the metadata Alembic compares is complete."""

from lianbing.accounts.models import Bureau, ThrottleHit, User, UserSession  # noqa: F401
from lianbing.api.models import ApiToken  # noqa: F401
from lianbing.audit.models import AuditLog  # noqa: F401
from lianbing.campaign.attachments.models import Attachment  # noqa: F401
from lianbing.campaign.bulletins.models import Bulletin  # noqa: F401
from lianbing.campaign.column.models import ColumnArticle, PenaltyCase  # noqa: F401
from lianbing.campaign.drills.models import DrillReport, DrillRound, DrillTeam, DrillTeamMember  # noqa: F401
from lianbing.campaign.evaluation.models import EvaluationItem, ItemScore, SummaryReport  # noqa: F401
from lianbing.campaign.models import ActivityWeight, Campaign, Deadline, OpsSettings, Stage  # noqa: F401
from lianbing.campaign.report.models import ProvinceReport  # noqa: F401
from lianbing.certificates.models import Certificate  # noqa: F401
from lianbing.counters.models import Counter  # noqa: F401
from lianbing.files.models import StoredFile  # noqa: F401
from lianbing.jobs.models import Job  # noqa: F401
from lianbing.ledger.models import (  # noqa: F401  # noqa: F401
    ExpectedActivity,
    ExpectedAudience,
    ExpectedExemption,
    LedgerClosure,
    LedgerVersion,
    ScoreEntry,
    ScoreTotal,
)
from lianbing.notify.models import Delivery, Notification, NotifyPrefs, Robot  # noqa: F401
from lianbing.rankings.models import Award, Nomination, RankingSettings, Recommendation  # noqa: F401
