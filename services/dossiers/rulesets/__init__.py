"""Rule sets as data, one YAML per effective period."""
