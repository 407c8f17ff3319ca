-- One database per service (PLATFORM.md: no service reads another's tables).
CREATE DATABASE IF NOT EXISTS fleetgate_user;
CREATE DATABASE IF NOT EXISTS fleetgate_auth;
CREATE DATABASE IF NOT EXISTS fleetgate_device_session;
CREATE DATABASE IF NOT EXISTS fleetgate_repair_shop;
CREATE DATABASE IF NOT EXISTS fleetgate_streetlight;
CREATE DATABASE IF NOT EXISTS fleetgate_sync;
