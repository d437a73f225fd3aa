#!/usr/bin/env bash
# Stand-ins for the two Docker Hub images that the Dockerfile and compose.yaml name, for a machine that cannot
# pull them (the test machine has Debian's mirror and the npm registry, nothing else). Both are built from
# Debian 13 "trixie" packages with debootstrap (trixie ships Node.js 20; Debian 12 only 18) and tagged with the
# Docker Hub names, so the very same Dockerfile and compose.yaml build and run here offline and elsewhere online.
# An image that already exists is left alone.
#
# usage: test/container/base-images.sh NODE_IMAGE MARIADB_IMAGE      (as root, with debootstrap and podman)
set -euo pipefail
node_image=$1
mariadb_image=$2
here=$(cd "$(dirname "$0")" && pwd)

if podman image exists "$node_image" && podman image exists "$mariadb_image"; then exit 0; fi
if [ "$(id -u)" -ne 0 ] || ! command -v debootstrap >/dev/null; then
  echo "base images: $node_image or $mariadb_image is missing; building them needs root and debootstrap" >&2
  exit 1
fi

# The Debian mirror this machine's apt uses (DEBIAN_MIRROR overrides it).
mirror=${DEBIAN_MIRROR:-$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null |
  grep -oE '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' | awk '{print $2; exit}' || true)}
mirror=${mirror:-http://deb.debian.org/debian}

work=$(mktemp -d /var/tmp/imdb-sync-base.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "base images: debootstrap trixie from $mirror"
debootstrap --variant=minbase trixie "$work/base" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -n 20 "$work/debootstrap.log"; exit 1; }
# No service may start inside the chroot while packages are installed.
printf '#!/bin/sh\nexit 101\n' >"$work/base/usr/sbin/policy-rc.d"
chmod +x "$work/base/usr/sbin/policy-rc.d"

# apt-get install in a copy of the base, then leave out what a slim image leaves out.
install_into() {
  local root=$1
  shift
  cp -a "$work/base" "$root"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  chroot "$root" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $*" \
    >"$root.log" 2>&1 || { tail -n 20 "$root.log"; exit 1; }
  chroot "$root" sh -c 'apt-get clean && rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/* /usr/share/info/* /var/log/*.log /var/cache/debconf/*-old'
  rm -f "$root/usr/sbin/policy-rc.d" "$root/etc/resolv.conf"
  touch "$root/etc/resolv.conf"
}

if ! podman image exists "$node_image"; then
  echo "base images: $node_image from Debian's nodejs and npm 10 from the registry"
  install_into "$work/node" nodejs ca-certificates
  # As in the official image: npm in /usr/local, a user `node` (uid 1000).
  (cd "$work" && npm pack npm@10 --silent >/dev/null)
  mkdir -p "$work/node/usr/local/lib/node_modules/npm"
  tar -xzf "$work"/npm-10.*.tgz -C "$work/node/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/node/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/node/usr/local/bin/npx"
  chroot "$work/node" sh -c 'groupadd -g 1000 node && useradd -u 1000 -g node -m -s /bin/bash node'
  tar -C "$work/node" -c . | podman import --quiet --change 'CMD ["node"]' - "$node_image" >/dev/null
fi

if ! podman image exists "$mariadb_image"; then
  echo "base images: $mariadb_image from Debian's mariadb-server"
  install_into "$work/mariadb" mariadb-server
  # The official image starts with an empty data directory and initialises it on first start.
  rm -rf "$work/mariadb/var/lib/mysql" && mkdir -p "$work/mariadb/var/lib/mysql" "$work/mariadb/run/mysqld"
  chroot "$work/mariadb" chown mysql:mysql /var/lib/mysql /run/mysqld
  # Debian's server listens on 127.0.0.1 only; in a container it must listen on the container's network.
  printf '[mariadbd]\nbind-address = 0.0.0.0\nskip-name-resolve\n' >"$work/mariadb/etc/mysql/mariadb.conf.d/99-container.cnf"
  install -m 0755 "$here/mariadb-entrypoint.sh" "$work/mariadb/usr/local/bin/docker-entrypoint.sh"
  install -m 0755 "$here/mariadb-healthcheck.sh" "$work/mariadb/usr/local/bin/healthcheck.sh"
  tar -C "$work/mariadb" -c . | podman import --quiet \
    --change 'USER mysql' --change 'VOLUME /var/lib/mysql' --change 'EXPOSE 3306' \
    --change 'ENTRYPOINT ["docker-entrypoint.sh"]' --change 'CMD ["mariadbd"]' - "$mariadb_image" >/dev/null
fi
