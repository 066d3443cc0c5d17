-- Runs once, when the postgres volume is first initialised (docker-entrypoint-initdb.d).
-- One database per service: services own their data and never read another service's tables.
-- The role is POSTGRES_USER (teilhabe), which the entrypoint has already created.
CREATE DATABASE funding;
CREATE DATABASE network;
CREATE DATABASE notifications;
