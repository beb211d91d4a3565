#!/bin/sh
# First start of the compose PostgreSQL: the roles and databases of deploy/postgres/init.sql.
set -eu
psql -v ON_ERROR_STOP=1 -U postgres \
  -v campaigns_password="$CAMPAIGNS_DB_PASSWORD" -v dossiers_password="$DOSSIERS_DB_PASSWORD" \
  -v notifications_password="$NOTIFICATIONS_DB_PASSWORD" -v reporting_password="$REPORTING_DB_PASSWORD" \
  -f /tdkt/init.sql
