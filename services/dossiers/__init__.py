"""The dossiers service: award proposal dossiers from receipt to decision and annulment."""
