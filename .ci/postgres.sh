# .ci/postgres.sh, sourced by .ci/run: a private PostgreSQL cluster from
# Debian's package, listening on a Unix socket only, for the modules that
# need a real database. It exports DATABASE_URL and stops the cluster when
# the run ends.
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
if [ -z "$(pg_bin)" ]; then
  export DEBIAN_FRONTEND=noninteractive
  [ -n "${APT_UPDATED:-}" ] || apt-get update -qq
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
PG_BIN=$(pg_bin)
PG_DIR=$(mktemp -d)
chown postgres "$PG_DIR"
runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres >/dev/null
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" \
  -o "-k $PG_DIR -c listen_addresses=''" -w start >/dev/null
pg_stop() { runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$PG_DIR"; }
export DATABASE_URL="host=$PG_DIR user=postgres dbname=postgres"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on $PG_DIR"
