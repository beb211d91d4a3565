"""One router per screen group: dashboard, campaigns, dossiers, reports, notifications, public."""
