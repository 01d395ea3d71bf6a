#!/usr/bin/env bash
# Makes a fresh machine of the project's kind ready for the test suite: Chromium + chromedriver for the browser
# tests, and a running MariaDB for the integration tests. Tests never skip when these are missing; this makes
# them present, and fails loudly when it cannot.
set -euo pipefail

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  echo "[prepare] installing chromium and chromium-driver"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver >/dev/null
fi

mariadb_up() { mysqladmin --protocol=tcp -h 127.0.0.1 -P 3306 -u root ping >/dev/null 2>&1; }
if ! mariadb_up; then
  if [ -x /usr/sbin/mariadbd ]; then
    echo "[prepare] starting MariaDB"
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    for _ in $(seq 1 60); do mariadb_up && break; sleep 1; done
  fi
  mariadb_up || { echo "[prepare] MariaDB is not reachable on 127.0.0.1:3306 and could not be started" >&2; exit 1; }
fi
echo "[prepare] chromium, chromedriver and MariaDB are ready"
