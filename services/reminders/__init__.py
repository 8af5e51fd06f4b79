"""The reminders service: meetings and deadlines, reminders by email and webhook, calendar feeds."""
