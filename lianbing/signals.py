"""Every cross-part signal, in one place (sender, keyword arguments, who listens).

A signal stays here only if something subscribes to it in production, or if it is a
documented extension point: sent at a moment another part or a bureau's own extension may
want to react to, with a test subscriber that keeps its arguments honest. Receivers subscribe
explicitly, never as an import side effect: a part in its ``register(app)``, the host in
``lianbing.setup.register_signal_receivers``. Data crosses as ids and plain values, never
model objects, so that no part depends on another part's models.
"""

from blinker import Namespace

_signals = Namespace()

#: sent by the host's ledger after a ledger row is inserted or changed (not when unchanged).
#: sender: the activity kind (str); kwargs: campaign_id, user_id, ref, points, max_points
#: extension point: e.g. a lesson that unlocks after a quiz (test subscriber: the ledger's tests)
score_recorded = _signals.signal("score-recorded")

#: sent by ``training`` when an officer completes a module.
#: sender: "training"; kwargs: user_id, module_id, campaign_id, score (0..1 or None)
#: extension point: e.g. a certificate or follow-up case lesson (test subscriber: training's tests)
module_completed = _signals.signal("module-completed")

#: sent by ``casestudies`` when a graded record is released to its officer.
#: sender: "casestudies"; kwargs: user_id, exercise_id, submission_id, points, max_points
#: extension point: e.g. a notification to the officer (test subscriber: casestudies' tests)
record_released = _signals.signal("record-released")

#: sent by the host when users are created or deactivated (roster imports included).
#: sender: "accounts"; kwargs: user_ids (list[int])
#: received by the ledger (``ledger.versions.on_roster_changed``): every cached ranking is stale
roster_changed = _signals.signal("roster-changed")

#: sent by the campaign before it changes a campaign's weights, and by rankings before it changes
#: the ranking rules; a receiver refuses the change by raising a ``lianbing.errors.Refused``
#: (nothing has changed yet). sender: "campaign" or "rankings"; kwargs: campaign_id, what
#: ("weights" or "rules"), new (dict of plain values), actor_id
#: received by rankings (``closing.on_settings_changing``): a closed campaign's are locked
settings_changing = _signals.signal("settings-changing")
