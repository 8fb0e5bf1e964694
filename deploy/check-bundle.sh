#!/usr/bin/env bash
# Does the offline bundle install and run with no network? (CI runs this once; not in pytest.)
#
#   deploy/check-bundle.sh [dist/cfcity-<version>-<tag>.tar.gz]
#
# Builds the bundle (or takes the one given), unpacks it in a temporary directory, runs its
# install.sh into a fresh prefix with every pip index switched off (PIP_NO_INDEX=1, and
# PIP_INDEX_URL at an address nothing answers, so any network attempt fails), writes a
# configuration from cfcity.env.example for the local PostgreSQL (database
# cfcity_bundle_check, created and dropped) and Redis (db 14), then runs what
# docs/deployment.md says: cfcity migrate, collectstatic, check, the reference plan, a first
# administrator, and one web instance answering /healthz, /readyz and a static file.
# Exit status non-zero at the first failure; everything made is removed on the way out.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python3}
PG_ADMIN=${CFCITY_CHECK_PG:-postgres://postgres@127.0.0.1:5432}
DB=cfcity_bundle_check
REDIS_URL=redis://127.0.0.1:6379/14
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cfcity-bundle-check.XXXXXX")
WEB_PID=

started=$(date +%s)
step_started=
step() {  # the time the step before took, then this one's name
    local now; now=$(date +%s)
    [ -z "$step_started" ] || printf '   (%d s)\n' $((now - step_started))
    step_started=$now
    printf '== %s\n' "$*"
}

psql_admin() { psql "$PG_ADMIN/postgres" -v ON_ERROR_STOP=1 -qXc "$1"; }
redis_flush() { "$PYTHON" - "$REDIS_URL" <<'PY' 2>/dev/null || redis-cli -n 14 FLUSHDB >/dev/null 2>&1 || true
import socket, sys
from urllib.parse import urlsplit
u = urlsplit(sys.argv[1])
with socket.create_connection((u.hostname, u.port or 6379), timeout=3) as s:
    s.sendall(f"SELECT {u.path.strip('/') or 0}\r\nFLUSHDB\r\n".encode())
    s.recv(100)
PY
}

cleanup() {
    local rc=$?
    set +e
    if [ -n "$WEB_PID" ]; then kill "$WEB_PID" 2>/dev/null; wait "$WEB_PID" 2>/dev/null; fi
    psql_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
    redis_flush
    rm -rf "$WORK"
    if [ "$rc" = 0 ]; then
        printf '== bundle check passed in %d s\n' $(( $(date +%s) - started ))
    else
        printf '== bundle check FAILED (exit %d) after %d s\n' "$rc" $(( $(date +%s) - started )) >&2
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ $# -ge 1 ]; then
    BUNDLE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
    [ -f "$BUNDLE" ] || { echo "no such bundle: $1" >&2; exit 2; }
else
    step "build the bundle (network allowed: pip's cache and index)"
    "$ROOT/.venv/bin/python" "$ROOT/deploy/bundle.py" --out "$WORK/dist"
    BUNDLE=$(ls "$WORK"/dist/cfcity-*.tar.gz)
fi

step "unpack $(basename "$BUNDLE")"
mkdir -p "$WORK/unpacked"
tar -xzf "$BUNDLE" -C "$WORK/unpacked"
DIR=$(ls -d "$WORK"/unpacked/cfcity-*)
cd "$WORK"   # nothing may come from this checkout (python adds the current directory to its path)

step "install.sh with the network switched off for pip"
# nothing but the bundle's wheels: no config files, no find-links, no index that answers
while IFS= read -r var; do unset "$var"; done < <(env | sed -n 's/^\(PIP_[A-Z_]*\)=.*/\1/p')
export PIP_NO_INDEX=1 PIP_INDEX_URL=http://127.0.0.1:9/no-network/ PIP_CONFIG_FILE=/dev/null
export PIP_DISABLE_PIP_VERSION_CHECK=1
# byte-compiling every module is left to the first imports: the same files, a quarter faster here
export PIP_NO_COMPILE=1
"$DIR/install.sh" --prefix "$WORK/opt" --python "$PYTHON" > "$WORK/install.log" 2>&1 \
    || { cat "$WORK/install.log" >&2; exit 1; }
CFCITY="$WORK/opt/bin/cfcity"
[ -x "$CFCITY" ] && [ -L "$WORK/opt/current" ]
# the installed package must not reach back into this checkout
if "$WORK/opt/current/venv/bin/python" -c 'import cfcity, sys; sys.exit(0 if "/site-packages/" in cfcity.__file__ else 1)'; then :; else
    echo "cfcity was not imported from the installed venv" >&2; exit 1
fi

step "configuration from cfcity.env.example (PostgreSQL $DB, Redis db 14)"
psql_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
psql_admin "CREATE DATABASE $DB"
redis_flush
mkdir -p "$WORK/etc" "$WORK/var"
{
    cat "$DIR/cfcity.env.example"
    echo
    echo "# --- bundle check: the values the example leaves to the operator"
    echo "CFCITY_SECRET_KEY=$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(64))')"
    echo "CFCITY_DATABASE_URL=$PG_ADMIN/$DB"
    echo "CFCITY_CACHE_URL=$REDIS_URL"
    echo "CFCITY_BROKER_URL=$REDIS_URL"
    echo "CFCITY_ALLOWED_HOSTS=localhost,127.0.0.1"
    echo "CFCITY_CSRF_TRUSTED_ORIGINS=https://localhost"
    echo "CFCITY_ENCRYPTION_KEYS=k1:$("$PYTHON" -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')"
    echo "CFCITY_DATA_DIR=$WORK/var"
    echo "CFCITY_MEDIA_DIR=$WORK/var/media"
    echo "CFCITY_STATIC_ROOT=$WORK/opt/current/static"
    echo "CFCITY_EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend"
    echo "CFCITY_WEB_WORKERS=1"
} > "$WORK/etc/cfcity.env"
export CFCITY_ENV_FILE="$WORK/etc/cfcity.env"
cd "$WORK/var"

step "cfcity migrate"
"$CFCITY" migrate --noinput > "$WORK/migrate.log" 2>&1 || { tail -40 "$WORK/migrate.log" >&2; exit 1; }
step "cfcity collectstatic (over the shipped files)"
"$CFCITY" collectstatic --noinput
step "cfcity check"
"$CFCITY" check
step "reference plan and first administrator"
PLAN=$("$WORK/opt/current/venv/bin/python" -c 'from cfcity.data import REFERENCE_PLAN; print(REFERENCE_PLAN)')
"$CFCITY" plan import "$PLAN"
# the reference plan made its area, 桓台县, with the departments it names
"$CFCITY" user add admin --unit 桓台县 --role admin --name 系统管理员 | sed 's/\(初始密码：\)[^（]*/\1(hidden)/'

step "one web instance: /healthz, /readyz, a static file, the login page"
PORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(
    while IFS= read -r line; do case "$line" in [A-Za-z_]*=*) export "$line" ;; esac; done < "$CFCITY_ENV_FILE"
    export PROMETHEUS_MULTIPROC_DIR="$WORK/var/metrics"
    exec "$WORK/opt/current/venv/bin/gunicorn" cfcity.wsgi:application -c python:cfcity.gunicorn_conf \
        --bind "127.0.0.1:$PORT"
) > "$WORK/web.log" 2>&1 &
WEB_PID=$!
url="http://127.0.0.1:$PORT"
for _ in $(seq 60); do
    curl -fs -o /dev/null "$url/healthz" && break
    kill -0 "$WEB_PID" 2>/dev/null || { cat "$WORK/web.log" >&2; exit 1; }
    sleep 0.5
done
curl -fsS "$url/healthz"; echo
curl -fsS "$url/readyz"; echo
# as nginx would ask: the site's host name, HTTPS said by the proxy
curl -fsS -o /dev/null -H 'Host: localhost' -H 'X-Forwarded-Proto: https' "$url/static/vendor/echarts/echarts.min.js"
curl -fsS -o /dev/null -H 'Host: localhost' -H 'X-Forwarded-Proto: https' "$url/accounts/login/"
echo "static file and login page: 200"
kill "$WEB_PID"; wait "$WEB_PID" 2>/dev/null || true
WEB_PID=
step "done"
