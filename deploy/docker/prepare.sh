#!/bin/sh
# Prepare an unpacked bundle for compose.yml (once; existing files are kept):
#   secrets/          database password and URL, SECRET_KEY, encryption keys, backup key — random
#   cfcity.env        from cfcity.env.example, without the variables that come from secrets/
#                     (a variable and its _FILE form together are refused at start)
# Keep a copy of secrets/encryption_keys and secrets/backup_key somewhere safe and apart from
# the backups: without them the children's records and the backups cannot be read.
set -eu
cd "$(dirname "$0")/../.."
umask 077
mkdir -p secrets
chmod 0700 secrets
new() {  # name, value
    if [ -e "secrets/$1" ]; then echo "secrets/$1 exists, kept"; return; fi
    printf '%s\n' "$2" > "secrets/$1"
    # readable inside the containers (their user is not root); the directory keeps others out
    chmod 0644 "secrets/$1"
    echo "secrets/$1 written"
}
rand() { python3 -c "import secrets, sys; print(secrets.token_urlsafe(int(sys.argv[1])))" "$1"; }
b64_32() { python3 -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"; }

new db_password "$(rand 24)"
new database_url "postgres://cfcity:$(cat secrets/db_password)@postgres:5432/cfcity"
new secret_key "$(rand 64)"
new encryption_keys "k$(date +%Y%m%d):$(b64_32)"
new backup_key "$(b64_32)"

if [ -e cfcity.env ]; then
    echo "cfcity.env exists, kept"
else
    umask 022
    sed -E 's/^(CFCITY_(SECRET_KEY|DATABASE_URL|ENCRYPTION_KEYS|BACKUP_KEY)(_FILE)?=.*)$/# \1    (compose: from secrets\/)/' \
        cfcity.env.example > cfcity.env
    chmod 0600 cfcity.env
    echo "cfcity.env written: set CFCITY_ALLOWED_HOSTS, CFCITY_CSRF_TRUSTED_ORIGINS, CFCITY_HTTPS (false unless"
    echo "TLS is added in front) and the mail server in it before: docker compose -f deploy/docker/compose.yml up -d"
fi
