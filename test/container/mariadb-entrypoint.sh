#!/bin/sh
# Stand-in for the official MariaDB image's entrypoint (test machine only, see base-images.sh): the part of its
# contract that compose.yaml uses. On an empty data directory it creates MARIADB_DATABASE and MARIADB_USER /
# MARIADB_PASSWORD with all rights on that database; root is reachable from inside the container only
# (unix socket), as with MARIADB_RANDOM_ROOT_PASSWORD. Arguments starting with "-" go to mariadbd.
set -eu
if [ "${1#-}" != "$1" ]; then set -- mariadbd "$@"; fi
datadir=/var/lib/mysql

if [ "$1" = mariadbd ] && [ ! -d "$datadir/mysql" ]; then
  echo "stand-in entrypoint: initialising $datadir"
  mariadb-install-db --datadir="$datadir" --skip-test-db --auth-root-authentication-method=socket --auth-root-socket-user=mysql >/dev/null
  # A private socket and no TCP while setting up, so the health check cannot pass before the users exist.
  socket=/tmp/init.sock
  mariadbd --datadir="$datadir" --skip-networking --socket="$socket" &
  pid=$!
  tries=0
  until mariadb-admin --socket="$socket" -u mysql ping >/dev/null 2>&1; do
    tries=$((tries + 1))
    [ "$tries" -lt 120 ] || { echo "stand-in entrypoint: the server did not start" >&2; exit 1; }
    sleep 0.5
  done
  quote() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g"; }
  database=$(printf '%s' "${MARIADB_DATABASE:-}" | sed 's/`/``/g')
  {
    [ -z "$database" ] || printf 'CREATE DATABASE IF NOT EXISTS `%s`;\n' "$database"
    if [ -n "${MARIADB_USER:-}" ]; then
      user=$(quote "$MARIADB_USER")
      printf "CREATE USER '%s'@'%%' IDENTIFIED BY '%s';\n" "$user" "$(quote "${MARIADB_PASSWORD:-}")"
      [ -z "$database" ] || printf "GRANT ALL ON \`%s\`.* TO '%s'@'%%';\n" "$database" "$user"
    fi
  } | mariadb --socket="$socket" -u mysql
  mariadb-admin --socket="$socket" -u mysql shutdown
  wait "$pid" || true
  echo "stand-in entrypoint: ready"
fi
exec "$@"
