"""Unit tests of the dossiers service (a package, so its helpers import relatively)."""
