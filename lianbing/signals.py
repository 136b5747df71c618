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
#: (nothing has changed yet). sender: "campaign", "evaluation" or "rankings"; kwargs: campaign_id,
#: what ("campaign", "stages", "weights", "ops_settings", "deadlines", "evaluation_items" or
#: "rules"), new (dict of plain values), actor_id
#: received by rankings (``locks.on_settings_changing``): the settings of a closed campaign, or of
#: one next year's campaign was made from, are locked
settings_changing = _signals.signal("settings-changing")

#: sent by the campaign when the city creates next year's campaign from a template campaign
#: (``campaign.nextyear.create_next``), after the campaign core copied its own settings (stages,
#: weights, calendar, quota); each receiver copies its own per-campaign settings from
#: ``template_id`` to ``campaign_id`` and returns {what, in Chinese: how many} for the audit row
#: and the page. sender: "campaign"; kwargs: template_id, campaign_id, actor_id
#: received by rankings (``rules.copy_rules``), evaluation (``services.copy_items``) and
#: casestudies (``rubrics.services.copy_campaign_rubrics``, the rubric versions in use)
campaign_copied = _signals.signal("campaign-copied")
