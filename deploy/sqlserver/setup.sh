#!/bin/sh
# One-shot SQL Server set-up for docker compose (the sqlserver-setup service, in the SQL Server image for its sqlcmd):
# for each service (processing, alerting, history, notifier) its database nop_<service>, a login nop_<service> with the
# password from .env, and in that database alone a user for the login in db_owner, so a service can migrate and use its
# own database and cannot see another's (least privilege: OWASP ASVS 4.0 V1.2.2 / V14; the services never log in as sa).
# The services' EF migrations create the tables. Safe to run again: a changed password in .env is applied.
#   setup.sh --print   prints the SQL instead of running it (tests/Nop.Compose.Tests/SqlServerSetupTests.cs).
set -eu

# T-SQL string literal body: ' doubled (the passwords come from .env).
literal() { printf '%s' "$1" | sed "s/'/''/g"; }

sql() {
  for service in processing alerting history notifier; do
    name="nop_$service"
    case "$service" in
      processing) password="${MSSQL_PROCESSING_PASSWORD:?}" ;;
      alerting) password="${MSSQL_ALERTING_PASSWORD:?}" ;;
      history) password="${MSSQL_HISTORY_PASSWORD:?}" ;;
      notifier) password="${MSSQL_NOTIFIER_PASSWORD:?}" ;;
    esac
    cat <<SQL
IF DB_ID(N'$name') IS NULL CREATE DATABASE [$name];
GO
IF SUSER_ID(N'$name') IS NULL
  CREATE LOGIN [$name] WITH PASSWORD = N'$(literal "$password")', DEFAULT_DATABASE = [$name], CHECK_POLICY = ON;
ELSE
  ALTER LOGIN [$name] WITH PASSWORD = N'$(literal "$password")';
GO
USE [$name];
IF USER_ID(N'$name') IS NULL CREATE USER [$name] FOR LOGIN [$name];
ALTER ROLE db_owner ADD MEMBER [$name];
GO
SQL
  done
}

if [ "${1:-}" = "--print" ]; then
  sql
  exit 0
fi

# sqlcmd moved to mssql-tools18 (which needs -C for the self-signed certificate) in later 2022 images.
if [ -x /opt/mssql-tools18/bin/sqlcmd ]; then sqlcmd="/opt/mssql-tools18/bin/sqlcmd -C"
else sqlcmd=/opt/mssql-tools/bin/sqlcmd; fi
host="${MSSQL_HOST:-sqlserver}"

i=0
until $sqlcmd -S "$host" -U sa -P "${MSSQL_SA_PASSWORD:?}" -Q 'SELECT 1' -b -o /dev/null; do
  i=$((i + 1))
  [ "$i" -lt 60 ] || { echo "sqlserver-setup: $host does not answer" >&2; exit 1; }
  sleep 2
done

# The SQL holds the passwords: a file only this job can read, gone when it ends.
umask 077
file="$(mktemp)"
trap 'rm -f "$file"' EXIT
sql >"$file"
# -x: no $(name) variable substitution, so a password may contain "$(".
$sqlcmd -S "$host" -U sa -P "$MSSQL_SA_PASSWORD" -b -x -i "$file"
echo "sqlserver-setup: logins and databases nop_processing, nop_alerting, nop_history, nop_notifier ready" \
  "(each db_owner of its own)"
