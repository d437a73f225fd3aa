#!/bin/sh
# Stand-in for the official MariaDB image's healthcheck.sh (test machine only, see base-images.sh), for the
# flags compose.yaml uses: --connect (the server answers on TCP, which it does only once set up) and
# --innodb_initialized (InnoDB is available). Any other flag is accepted and ignored.
set -eu
for flag in "$@"; do
  case "$flag" in
  --connect) mariadb-admin --protocol=tcp --host=127.0.0.1 --connect-timeout=3 ping >/dev/null 2>&1 ;;
  --innodb_initialized)
    [ "$(mariadb -u mysql -N -e "SELECT COUNT(*) FROM information_schema.ENGINES WHERE ENGINE='InnoDB' AND SUPPORT IN ('YES','DEFAULT')")" = 1 ] ;;
  esac
done
