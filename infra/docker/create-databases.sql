-- One database per service: each service owns its data. Run once by the postgres image on first start.
CREATE DATABASE payments;
CREATE DATABASE invoice;
CREATE DATABASE crm;
CREATE DATABASE shipping;
CREATE DATABASE dashboards;
CREATE DATABASE notifications;
