#!/usr/bin/env bash
# Staff login through the kommun's identity provider (issue 18), end to end: a real OpenID provider
# (Tests/OIDC/provider.py, Debian's python3-authlib) on 127.0.0.1, `kaa web` as its relying party, and
# Tests/Browser/oidc_test.py driving Debian's headless Chromium through the flows and the refused
# tokens; then the same web UI behind Debian's nginx with config/nginx/kaa-web.conf and a throwaway
# CA made by openssl (the browser validates the chain through an NSS database in a temporary HOME).
# Part of the test command. Prints one "oidc: ok: ..." line per check. Usage: bash scripts/oidc-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
kaa_ensure_swift
KAA_APT_PACKAGES+=(chromium chromium-driver python3-selenium python3-pyotp python3-venv python3-authlib python3-flask nginx openssl libnss3-tools curl)
kaa_ensure_packages

kaa_log "oidc check: building kaa"
swift build --product kaa >&2
bindir="$(swift build --show-bin-path)"

kaa_browser_venv

work=$(mktemp -d "${TMPDIR:-/tmp}/kaa-oidc-check.XXXXXX")
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
kaa() { "$bindir/kaa" --db "$work/kaa.sqlite" "$@"; }

# The provider on its own first (discovery, a login by HTTP, the token, its signature against the JWKS).
/usr/bin/python3 Tests/OIDC/provider.py --self-check 2> "$work/self-check.log" || { cat "$work/self-check.log" >&2; kaa_die "oidc check: the provider's self-check failed"; }

# Free ports on 127.0.0.1, asked of the kernel: the provider, four kaa servers (direct, without local
# accounts, behind nginx, and one whose provider is down), nginx's two, and one where nothing listens.
read -r idp_port kaa_port nolocal_port proxied_port noidp_port https_port http_port dead_port < <(/usr/bin/python3 -c '
import socket
sockets = [socket.socket() for _ in range(8)]
for s in sockets: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in sockets])')
issuer="http://127.0.0.1:$idp_port"
direct="http://127.0.0.1:$kaa_port" nolocal="http://127.0.0.1:$nolocal_port" proxied="https://localhost:$https_port" noidp="http://127.0.0.1:$noidp_port"

kaa_log "oidc check: a register with synthetic people (Skatteverket's test personnummer)"
kaa init --kommun 0380 >/dev/null
year=$(TZ=Europe/Stockholm date +%Y)
mapfile -t numbers < <(grep "^$((year - 17))" seeds/testpersonnummer.txt | awk 'NR % 40 == 3' | head -n 3)
[ "${#numbers[@]}" -eq 3 ] || kaa_die "oidc check: too few test personnummer born $((year - 17))"
firsts=(Idun Ivar Iris)
for i in 0 1 2; do
    kaa register "${numbers[$i]}" --date "$(TZ=Europe/Stockholm date -d '-20 days' +%F)" --reason AVBROTT_NP --first-name "${firsts[$i]}" \
        --last-name Inloggsson --address "Idpgatan $((i + 1))" --postal-code 75320 --city Uppsala >/dev/null
done

# A local (password) account, for "localAccounts" and for an IdP login of the same name (refused).
kaa staff add greta.l --role granskare --name "Greta Lokal" > "$work/greta.credentials"
local_password=$(sed -n 's/^password: //p' "$work/greta.credentials")
local_secret=$(sed -n 's/^totp: .*secret=\([A-Z2-7]*\).*/\1/p' "$work/greta.credentials")
[ -n "$local_password" ] && [ -n "$local_secret" ] || kaa_die "oidc check: kaa staff add printed no credentials"

# The client secret in a file only this user can read (kaa reads clientSecretFile; the provider the same file).
secret_file="$work/oidc-secret"
(umask 077; /usr/bin/python3 -c 'import secrets; print(secrets.token_urlsafe(32))' > "$secret_file")
chmod 0600 "$secret_file"

# One config per kaa server; the oidc block as in the contract (requiredAcr set: the provider's logins
# carry DIGG's loa2, and the no_acr case must be refused).
config() { # ORIGIN_FOR_REDIRECT LOCAL_ACCOUNTS [EXTRA_JSON [ISSUER]]
    cat <<EOF
{${3:-} "trustedProxies": ["127.0.0.1"],
 "oidc": {"issuer": "${4:-$issuer}", "clientId": "kaa", "clientSecretFile": "$secret_file",
          "redirectUri": "$1/login/oidc/callback", "loginClaim": "preferred_username", "roleClaim": "groups",
          "roles": {"KAA-Handlaggare": "handlaggare", "KAA-Samordnare": "samordnare", "KAA-Granskare": "granskare", "KAA-Admin": "admin"},
          "requiredAcr": "http://id.elegnamnden.se/loa/1.0/loa2", "localAccounts": $2}}
EOF
}
config "$direct" true > "$work/direct.json"
config "$nolocal" false > "$work/nolocal.json"
config "$proxied" true "\"webPublicOrigin\": \"$proxied\"," > "$work/proxied.json"
config "$noidp" true "" "http://127.0.0.1:$dead_port" > "$work/noidp.json"

kaa_log "oidc check: the provider on $issuer"
/usr/bin/python3 Tests/OIDC/provider.py --port "$idp_port" --client-id kaa --client-secret-file "$secret_file" \
    --redirect-uri "$direct/login/oidc/callback" --redirect-uri "$nolocal/login/oidc/callback" --redirect-uri "$proxied/login/oidc/callback" \
    --post-logout-uri "$direct/login?utloggad=0" --post-logout-uri "$nolocal/login?utloggad=0" --post-logout-uri "$proxied/login?utloggad=0" \
    > "$work/idp.out" 2> "$work/idp.log" &
pids+=($!)

# A throwaway CA and a server certificate for localhost signed by it (nginx's), and an NSS database
# in a temporary HOME that trusts the CA, so Chromium validates the chain as it would the kommun's.
kaa_log "oidc check: a throwaway CA (openssl) and nginx with config/nginx/kaa-web.conf on $proxied"
tls="$work/tls"; mkdir -p "$tls"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tls/ca.key" -out "$tls/ca.pem" -days 2 -subj "/CN=KAA oidc-check CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$tls/server.key" -out "$tls/server.csr" -subj "/CN=localhost" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' > "$tls/ext"
openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -days 2 -extfile "$tls/ext" -out "$tls/server.pem" 2>/dev/null
browser_home="$work/home"
mkdir -p "$browser_home/.pki/nssdb"
certutil -N -d "sql:$browser_home/.pki/nssdb" --empty-password
certutil -A -d "sql:$browser_home/.pki/nssdb" -n "KAA oidc-check CA" -t "C,," -i "$tls/ca.pem"

# The example config as shipped, with only ports, names, certificate and log paths replaced, inside a
# minimal main config (nginx runs in the foreground with everything under $work/nginx).
prefix="$work/nginx"; mkdir -p "$prefix/tmp" "$prefix/logs"
sed -e "s|server 127.0.0.1:8080;|server 127.0.0.1:$proxied_port;|" \
    -e "s|listen 80;|listen 127.0.0.1:$http_port;|" -e "s|listen 443 ssl http2;|listen 127.0.0.1:$https_port ssl http2;|" -e '/listen \[::\]/d' \
    -e "s|server_name kaa.kommun.se;|server_name localhost;|" \
    -e "s|/etc/ssl/certs/kaa.kommun.se.pem|$tls/server.pem|" -e "s|/etc/ssl/private/kaa.kommun.se.key|$tls/server.key|" \
    -e "s|/var/log/nginx/|$prefix/logs/|" config/nginx/kaa-web.conf > "$prefix/kaa-web.conf"
# The rendering must have changed only those lines (a directive renamed in the example would slip past sed).
diff <(grep -vE 'listen|server_name|ssl_certificate|_log |server 127' config/nginx/kaa-web.conf) \
     <(grep -vE 'listen|server_name|ssl_certificate|_log |server 127' "$prefix/kaa-web.conf") >/dev/null \
    || kaa_die "oidc check: the rendered nginx config differs from the example beyond ports, names and paths"
{
    # As root the workers would drop to nobody, who cannot read $work: keep them as this user.
    [ "$(id -u)" -eq 0 ] && echo "user $(id -un);"
    echo "worker_processes 1;"
    echo "events { worker_connections 256; }"
    echo "http {"
    echo "    include /etc/nginx/mime.types;"
    echo "    access_log $prefix/logs/access.log;"
    for kind in client_body proxy fastcgi uwsgi scgi; do echo "    ${kind}_temp_path $prefix/tmp/$kind;"; done
    echo "    include $prefix/kaa-web.conf;"
    echo "}"
} > "$prefix/nginx.conf"
nginx -t -p "$prefix" -c "$prefix/nginx.conf" -g "pid $prefix/nginx.pid; error_log $prefix/logs/error.log;" 2> "$work/nginx-t.log" \
    || { cat "$work/nginx-t.log" >&2; kaa_die "oidc check: nginx -t refused the rendered config"; }
nginx -p "$prefix" -c "$prefix/nginx.conf" -g "daemon off; pid $prefix/nginx.pid; error_log $prefix/logs/error.log;" 2>> "$work/nginx.log" &
pids+=($!)

kaa_log "oidc check: kaa web on $direct, $nolocal (no local accounts), $noidp (its provider down) and behind nginx"
for name in direct:"$kaa_port" nolocal:"$nolocal_port" proxied:"$proxied_port" noidp:"$noidp_port"; do
    "$bindir/kaa" --db "$work/kaa.sqlite" --config "$work/${name%%:*}.json" web --listen "127.0.0.1:${name#*:}" \
        > "$work/${name%%:*}.out" 2> "$work/${name%%:*}.log" &
    pids+=($!)
done
for name in direct nolocal proxied noidp idp; do
    for _ in $(seq 100); do grep -q "listening on" "$work/$name.out" 2>/dev/null && break; sleep 0.1; done
    grep -q "listening on" "$work/$name.out" || { cat "$work/$name.log" >&2; kaa_die "oidc check: $name did not start"; }
done
for _ in $(seq 50); do curl -s -o /dev/null --cacert "$tls/ca.pem" "$proxied/healthz" && break; sleep 0.1; done

(umask 077; cat > "$work/test.json") <<EOF
{"kaa": "$bindir/kaa", "db": "$work/kaa.sqlite", "screenshots": "$PWD/.build/screenshots", "issuer": "$issuer",
 "direct": {"url": "$direct", "log": "$work/direct.log"}, "nolocal": {"url": "$nolocal", "log": "$work/nolocal.log"},
 "noidp": {"url": "$noidp", "log": "$work/noidp.log"},
 "proxied": {"url": "$proxied", "log": "$work/proxied.log", "http": "http://localhost:$http_port", "ca": "$tls/ca.pem"},
 "caseload": "${numbers[0]}", "local": {"login": "greta.l", "password": "$local_password", "secret": "$local_secret"}, "caseload_name": "${firsts[0]} Inloggsson", "password": "Provider-pass-1"}
EOF

kaa_log "oidc check: running Tests/Browser/oidc_test.py"
status=0
HOME="$browser_home" LANG=sv_SE.UTF-8 LANGUAGE=sv timeout 240 "$venv/bin/python" Tests/Browser/oidc_test.py "$work/test.json" || status=$?
if [ "$status" -ne 0 ]; then
    for name in direct proxied idp; do echo "oidc check: the log of $name:" >&2; tail -n 25 "$work/$name.log" >&2; done
    tail -n 10 "$prefix/logs/error.log" >&2 2>/dev/null || true
fi
exit "$status"
