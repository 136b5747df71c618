"""The campaign calendar: deadlines, operations settings and the timeline page."""
