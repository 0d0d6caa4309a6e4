#!/usr/bin/env bash
# Starts PostgreSQL and Redis when they are down, and installs Debian's Chromium for the browser tests.
# Idempotent: on a machine where everything already runs, it only checks.
set -euo pipefail

# apt-get fails at once ("Could not get lock") while unattended-upgrades or another install holds apt's locks,
# as on a machine that has just booted. Wait for them instead: DPkg::Lock::Timeout covers dpkg's lock, and
# the retry loop covers the package lists' lock of `apt-get update`, which that option does not.
APT_LOCK_WAIT_SECONDS="${APT_LOCK_WAIT_SECONDS:-600}"
APT_LOCK_RETRY_SECONDS="${APT_LOCK_RETRY_SECONDS:-5}"
apt_get() {
  local sudo=() waited=0 output status
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  while true; do
    status=0
    output=$("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$APT_LOCK_WAIT_SECONDS" \
      "$@" 2>&1) || status=$?
    if [ "$status" = 0 ]; then return 0; fi
    if ! grep -q "Could not get lock\|Unable to acquire the dpkg frontend lock\|Unable to lock directory" <<<"$output" \
      || [ "$waited" -ge "$APT_LOCK_WAIT_SECONDS" ]; then
      echo "$output" >&2
      return "$status"
    fi
    echo "apt is busy (another install or update holds its lock); waiting" >&2
    sleep "$APT_LOCK_RETRY_SECONDS"
    waited=$((waited + APT_LOCK_RETRY_SECONDS))
  done
}
if [ "${1:-}" = "--apt-get" ]; then  # `ensure_services.sh --apt-get ARGS`: only the waiting apt-get (tests use it)
  shift
  apt_get "$@"
  exit $?
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
fi
if ! (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; then
  if command -v rabbitmq-server >/dev/null 2>&1; then
    echo "starting RabbitMQ (one fault test runs the workers on it)"
    rabbitmq-server -detached || true
    for i in $(seq 1 30); do (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null && break; sleep 1; done
  fi
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "installing Debian's chromium for the browser tests"
  apt_get update -qq && apt_get install -y -qq chromium
fi
if ! fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null; then  # not -q: with pipefail, fc-list cut short fails
  echo "installing CJK fonts so browser screenshots show Chinese"
  if [ "$(id -u)" = 0 ]; then
    apt_get install -y -qq fonts-noto-cjk || true
  fi
fi
if ! fc-list 2>/dev/null | grep -i "Noto Color Emoji" >/dev/null; then
  echo "installing an emoji font so screenshots show the 👍/👎 buttons as mail clients do"
  if [ "$(id -u)" = 0 ]; then
    apt_get install -y -qq fonts-noto-color-emoji || true
  fi
fi
if ! command -v docker-compose >/dev/null 2>&1; then
  echo "installing Debian's docker-compose (used only to validate docker-compose.yml)"
  if [ "$(id -u)" = 0 ]; then
    apt_get install -y -qq docker-compose || true
  fi
fi
for i in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && exit 0
  sleep 1
done
echo "PostgreSQL or Redis did not come up" >&2
exit 1
