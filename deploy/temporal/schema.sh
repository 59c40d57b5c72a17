#!/bin/sh
# schema.sh SCHEMA_DIR: makes or brings up to date Temporal's two PostgreSQL databases,
# temporal and temporal_visibility, with temporal-sql-tool and the schemas of
# SCHEMA_DIR (the server module's schema/postgresql/v12, at the server's version). Each
# step is idempotent: run it before every start of the server, as docker-compose.yml does.
#
# The connection is temporal-sql-tool's environment: SQL_HOST, SQL_PORT, SQL_USER,
# SQL_PASSWORD (a user that may create databases); TEMPORAL_SQL_TOOL names the tool when it
# is not on PATH.
set -eu
schema=${1:?usage: schema.sh SCHEMA_DIR}
tool=${TEMPORAL_SQL_TOOL:-temporal-sql-tool}
export SQL_PLUGIN=postgres12
for db in temporal:temporal temporal_visibility:visibility; do
	name=${db%%:*} dir=${db#*:}
	"$tool" --db "$name" create-database
	"$tool" --db "$name" setup-schema -v 0.0
	"$tool" --db "$name" update-schema -d "$schema/$dir/versioned"
done
