#!/usr/bin/env bash
# The production profile on this machine, under load, with failures (issue 8, "proof on this
# machine"): PostgreSQL, Redis, two gunicorn instances, a Celery worker and nginx on 127.0.0.1,
# a locust load during which one web instance and then the worker are killed and restarted;
# then every acknowledged write is looked for in the database. See deploy/cluster/run.py.
#
#   deploy/local-cluster.sh            the full load (the figures in docs/benchmarks.md)
#   deploy/local-cluster.sh --ci       a small load (CI; about two minutes in all)
#   deploy/local-cluster.sh --single   one web instance, for the comparison
#   (more: --users N --seconds S --workers N --no-failover --keep --record; --help)
#
# Installs what is missing: the virtualenv (make venv), locust (the `cluster` extra), and as
# root Debian's nginx-light. Everything it starts ends with it; it exits 0 only when every
# check passed.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { echo "$1" >&2; echo "$2" >&2; exit 1; }

make -s venv
if ! .venv/bin/python -c "import locust" 2>/dev/null; then
    echo "== installing the load-test tools (pip install -e '.[test,cluster]') =="
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test,cluster]'
fi

# Debian's package without its service: policy-rc.d keeps apt from starting Debian's own
# nginx on port 80 or redis on 6379 (the run starts its own on free loopback ports)
apt_install() {
    local made_policy="" status=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
        made_policy=1
    fi
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" || status=$?
    if [ -n "$made_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
    return "$status"
}

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "== installing Debian's nginx-light =="
        apt_install nginx-light
    else
        need "本地集群演练需要 nginx：请运行  sudo apt-get install nginx-light" \
             "The local cluster needs nginx: run  sudo apt-get install nginx-light"
    fi
fi
if ! command -v redis-server >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        echo "== installing Debian's redis-server =="
        apt_install redis-server
    else
        need "本地集群演练需要 redis-server：请运行  sudo apt-get install redis-server" \
             "The local cluster needs redis-server: run  sudo apt-get install redis-server"
    fi
fi

exec .venv/bin/python deploy/cluster/run.py "$@"
