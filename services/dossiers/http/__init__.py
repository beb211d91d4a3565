"""The dossiers service's HTTP entry points: one router module per resource."""
