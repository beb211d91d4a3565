"""Reporting service: projections of every `tdkt.>` event for period summaries."""
