"""Notifications: the in-app centre, e-mail and group-robot delivery, and ``flask notify run``.

Events come from the host (``events.py``) and from each part's ``Part.notices``; a notice reaches
a person once per event key. Delivery happens only in the scheduled command, never in a request.
"""
