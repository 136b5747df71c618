"""Every cross-part signal, in one place (sender, keyword arguments).

Receivers subscribe in their part's ``register(app)``. Data crosses as ids and plain
values, never model objects, so that no part depends on another part's models.
"""
from blinker import Namespace

_signals = Namespace()

#: sent by the host after a ledger row is inserted or changed.
#: sender: the activity kind (str); kwargs: campaign_id, user_id, ref, points, max_points
score_recorded = _signals.signal("score-recorded")

#: sent by ``training`` when an officer completes a module.
#: sender: "training"; kwargs: user_id, module_id, campaign_id, score (0..1 or None)
module_completed = _signals.signal("module-completed")

#: sent by ``quizzes`` when an attempt is finally submitted and marked.
#: sender: "quizzes"; kwargs: user_id, quiz_id, attempt_id, points, max_points
quiz_submitted = _signals.signal("quiz-submitted")

#: sent by ``casestudies`` when a graded record is released to its officer.
#: sender: "casestudies"; kwargs: user_id, exercise_id, submission_id, points, max_points
record_released = _signals.signal("record-released")

#: sent by the host when users are created or deactivated (roster imports included).
#: sender: "accounts"; kwargs: user_ids (list[int])
roster_changed = _signals.signal("roster-changed")
