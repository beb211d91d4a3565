"""The year's workload (issue 17): the council as data over time, every nominee's award history,
year-end rounds with imported lists, emulation registration, clusters and pacts, and their reports.

Each module has one job; the aggregates share the dossiers' event store (so a round's list
decision saves the dossiers, the decision register and the award history in ONE transaction)."""
