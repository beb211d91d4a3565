-- Without CloudNativePG (deploy/postgres/cluster.yaml does the same declaratively): one role and
-- one database per service; each service owns its databases and opens no other.
-- Run once as a superuser; the passwords come from the secrets (docs/operations.md):
--   psql -v campaigns_password=… -v dossiers_password=… -v notifications_password=… \
--        -v reporting_password=… -f deploy/postgres/init.sql
CREATE ROLE campaigns LOGIN PASSWORD :'campaigns_password';
CREATE ROLE dossiers LOGIN PASSWORD :'dossiers_password';
CREATE ROLE notifications LOGIN PASSWORD :'notifications_password';
CREATE ROLE reporting LOGIN PASSWORD :'reporting_password';
CREATE DATABASE tdkt_campaigns OWNER campaigns;          -- campaigns event store (eventsourcing)
CREATE DATABASE tdkt_dossiers OWNER dossiers;            -- dossiers event store (eventsourcing)
CREATE DATABASE tdkt_dossiers_views OWNER dossiers;      -- dossiers read model of campaigns
CREATE DATABASE tdkt_notifications OWNER notifications;  -- deliveries, attempts, subscriptions, inbox
CREATE DATABASE tdkt_reporting OWNER reporting;          -- projections
-- PostgreSQL lets every role connect to every database by default: not here.
REVOKE CONNECT ON DATABASE tdkt_campaigns, tdkt_dossiers, tdkt_dossiers_views, tdkt_notifications, tdkt_reporting FROM PUBLIC;
