-- One database per service: each service owns its database.
-- Run once as a superuser on the production PostgreSQL; the password comes from the secret.
CREATE ROLE tdkt LOGIN PASSWORD :'tdkt_password';
CREATE DATABASE tdkt_campaigns OWNER tdkt;          -- campaigns event store (eventsourcing)
CREATE DATABASE tdkt_dossiers OWNER tdkt;           -- dossiers event store (eventsourcing)
CREATE DATABASE tdkt_dossiers_views OWNER tdkt;     -- dossiers read model of campaigns
CREATE DATABASE tdkt_notifications OWNER tdkt;      -- deliveries, attempts, subscriptions, inbox
CREATE DATABASE tdkt_reporting OWNER tdkt;          -- projections
