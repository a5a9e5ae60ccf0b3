#!/usr/bin/env bash
# The systemd units and the sysusers file of the Debian package (issue 19), as they will be
# installed: config/systemd/* copied to /usr/lib/systemd/system in a temporary root (beside Debian's
# own units, so that sysinit.target and the others exist), then
#   - `systemd-analyze verify` on every unit: no line of output at all;
#   - `systemd-analyze security --offline=true` on every service: exposure ≤ 2.0 ("OK");
#   - `systemd-sysusers --dry-run` on the root (config/sysusers/kaa-register.conf installed): both users made;
#   - the binaries' GNU_STACK is not executable (MemoryDenyWriteExecute= would refuse it);
#   - each service's ExecStart= run once as the unit would run it, with its paths mapped into a
#     temporary folder: the web UI and the hub start, answer and stop on SIGTERM with 0, the backup
#     writes and rotates its copies, the sync's arguments parse (a dry run), the failure hook prints
#     its line; under strace, every system call they make is one the unit's SystemCallFilter= allows.
# systemd is not PID 1 here, so the sandbox itself is not entered; what can be checked outside it is.
# Part of the test command. Prints one "units: ok: ..." line per check. Usage: bash scripts/units-check.sh
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
source scripts/lib.sh
kaa_ensure_swift
KAA_APT_PACKAGES+=(systemd strace openssl curl binutils man-db procps)
kaa_ensure_packages

bindir="$(swift build --show-bin-path)"
if [ ! -x "$bindir/kaa" ] || [ ! -x "$bindir/kaa-hub" ]; then
    kaa_log "units check: building kaa and kaa-hub"
    swift build --product kaa >&2
    swift build --product kaa-hub >&2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/kaa-units-check.XXXXXX")
pids=()
cleanup() {
    # A traced server's program is strace's child: stopped first, by its parent's id.
    for pid in "${pids[@]}"; do pkill -TERM -P "$pid" 2>/dev/null || true; kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
[ -z "${KAA_UNITS_KEEP:-}" ] || trap - EXIT
ok() { printf 'units: ok: %s\n' "$*"; }
fail() { printf 'units: FAIL: %s\n' "$*" >&2; exit 1; }

services=(kaa-web.service kaa-hub.service kaa-sync.service kaa-backup.service kaa-hub-forward.service kaa-failure@.service)
timers=(kaa-sync.timer kaa-backup.timer kaa-hub-forward.timer)
for unit in "${services[@]}" "${timers[@]}"; do
    [ -f "config/systemd/$unit" ] || fail "config/systemd/$unit is missing"
done

# --- The installed layout -------------------------------------------------------------------------
root="$work/root"
mkdir -p "$root/usr/lib/systemd/system" "$root/usr/bin" "$root/usr/lib/sysusers.d" "$root/usr/share/man/man1" "$root/etc"
cp -a /usr/lib/systemd/system/. "$root/usr/lib/systemd/system/"
cp config/systemd/* "$root/usr/lib/systemd/system/"
cp config/sysusers/kaa-register.conf "$root/usr/lib/sysusers.d/"
ln -s usr/bin "$root/bin"
ln -s usr/sbin "$root/sbin"
cp /bin/sh /bin/echo "$root/usr/bin/"
# verify only needs the programs to be there and executable; stubs keep the root small.
for program in kaa kaa-hub; do printf '#!/bin/sh\nexit 0\n' > "$root/usr/bin/$program"; chmod 755 "$root/usr/bin/$program"; done

# Documentation=man:… is checked once the package's man pages exist (docs/man, generated from the
# commands' help); then every page a unit names must be among them.
man_option=(--man=no)
if compgen -G "docs/man/*.1" >/dev/null; then
    cp docs/man/*.1 "$root/usr/share/man/man1/"
    man_option=(--man=yes)
    for page in $(grep -ho 'man:[a-z0-9-]*([0-9])' config/systemd/* | sort -u | sed 's/^man://; s/(1)$//'); do
        [ -f "docs/man/$page.1" ] || fail "a unit names man:$page(1), which docs/man does not have"
    done
    ok "every Documentation=man: page is in docs/man"
else
    kaa_log "units check: docs/man has no pages yet; verify runs with --man=no"
fi

# --- systemd-analyze verify: not one line of output -----------------------------------------------
verify_units=(kaa-web.service kaa-hub.service kaa-sync.service kaa-backup.service kaa-hub-forward.service kaa-failure@kaa-sync.service.service "${timers[@]}")
for unit in "${verify_units[@]}"; do
    out=$(cd "$root/usr/lib/systemd/system" && MANPATH="$root/usr/share/man" systemd-analyze verify --root="$root" "${man_option[@]}" "$unit" 2>&1) \
        || { printf '%s\n' "$out" >&2; fail "systemd-analyze verify $unit"; }
    [ -z "$out" ] || { printf '%s\n' "$out" >&2; fail "systemd-analyze verify $unit printed the lines above"; }
    ok "systemd-analyze verify $unit: clean"
done

# --- systemd-analyze security: ≤ 2.0 for every service --------------------------------------------
# --threshold is the exposure ×10 in systemd 252 (2.0 → 20).
for unit in kaa-web.service kaa-hub.service kaa-sync.service kaa-backup.service kaa-hub-forward.service kaa-failure@kaa-sync.service.service; do
    out=$(systemd-analyze security --offline=true --root="$root" --threshold=20 --no-pager "$unit" 2>&1) \
        || { printf '%s\n' "$out" | grep -E '^✗|Overall' >&2; fail "systemd-analyze security $unit is above 2.0"; }
    score=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) \(.*\)$/\1 \2/p')
    [ -n "$score" ] || { printf '%s\n' "$out" >&2; fail "no exposure level for $unit"; }
    ok "systemd-analyze security $unit: $score"
done

# --- sysusers ------------------------------------------------------------------------------------
out=$(systemd-sysusers --dry-run --root="$root" 2>&1) || { printf '%s\n' "$out" >&2; fail "systemd-sysusers"; }
for user in kaa kaa-hub; do
    printf '%s\n' "$out" | grep -q "^Creating user '$user' " || { printf '%s\n' "$out" >&2; fail "systemd-sysusers does not create $user"; }
done
printf '%s\n' "$out" | grep -q "^Creating user 'kaa' (KAA Register) with UID [0-9]* and GID [0-9]*" || fail "kaa's entry: $out"
ok "systemd-sysusers --dry-run: creates users kaa and kaa-hub with groups of their names"

# --- MemoryDenyWriteExecute=: no executable stack asked for, by the programs or what they load --------
for program in kaa kaa-hub; do
    for object in "$bindir/$program" $(ldd "$bindir/$program" | awk '/=> \//{print $3}'); do
        flags=$(readelf -lW "$object" | awk '/GNU_STACK/{print $7}')
        case "$flags" in *E*) fail "$object asks for an executable stack ($flags): MemoryDenyWriteExecute= would stop it";; esac
    done
    ok "$program and its libraries: no executable stack (MemoryDenyWriteExecute=yes holds)"
done

# --- ExecStart= once, paths mapped into $work -------------------------------------------------------
# The same rewrites for every unit: /usr/bin → the build, /etc and /var/lib and the credentials → $work.
state="$work/var/lib" etc="$work/etc" credentials="$work/credentials"
mkdir -p "$state/kaa" "$state/kaa-hub" "$etc/kaa" "$etc/kaa-hub/tls" "$credentials"
chmod 700 "$state/kaa" "$state/kaa-hub" "$credentials"
exec_start() {
    local unit=$1 key=${2:-ExecStart}
    grep -m1 "^$key=" "config/systemd/$unit" | sed "s|^$key=||" \
        | sed -e "s|/usr/bin/kaa-hub |$bindir/kaa-hub |; s|/usr/bin/kaa |$bindir/kaa |" \
              -e "s|/etc/kaa-hub/|$etc/kaa-hub/|g; s|/etc/kaa/|$etc/kaa/|g; s|/var/lib/|$state/|g" \
              -e "s|\${CREDENTIALS_DIRECTORY}|$credentials|g; s|%i|kaa-sync.service|g"
}
unit_environment() { grep '^Environment=' "config/systemd/$1" | sed "s|^Environment=||; s|/var/lib/|$state/|g"; }
# System calls the unit allows: @system-service without @privileged and @resources (systemd's lists).
# A set lists other sets by name (@system-service holds @basic-io …): expanded here.
syscall_names() {
    local entry
    for entry in $(systemd-analyze syscall-filter --no-pager "$1" | awk '/^    [@a-z_0-9-]+$/{print $1}'); do
        case "$entry" in @*) syscall_names "$entry";; *) printf '%s\n' "$entry";; esac
    done
}
syscall_set() { for set in "$@"; do syscall_names "$set"; done | sort -u; }
comm -23 <(syscall_set @system-service) <(syscall_set @privileged @resources) > "$work/allowed"
[ "$(wc -l < "$work/allowed")" -gt 200 ] || fail "the allowed system calls look too few: $(wc -l < "$work/allowed")"
check_syscalls() {
    local name=$1 unit=$2 trace=$3
    # strace -ff writes trace.PID per thread; each line starts with the call's name.
    local used
    used=$(cat "$trace".* | sed -n 's/^\([a-z_0-9]*\)(.*/\1/p' | sort -u)
    local denied
    # SQLite gives a new journal or WAL file its database's owner only when it runs as root (the
    # test does; the units never do), with fchown in @privileged: that one is not the unit's call.
    [ "$(id -u)" -ne 0 ] || used=$(printf '%s\n' "$used" | grep -vx fchown)
    # Swift's libdispatch raises its overcommit threads' priority (setpriority to nice -4) and goes
    # on when that fails, as it does for every user without CAP_SYS_NICE: the unit's
    # SystemCallErrorNumber=EPERM makes the filter answer EPERM (instead of killing the process).
    if printf '%s\n' "$used" | grep -qx setpriority; then
        grep -qx 'SystemCallErrorNumber=EPERM' "config/systemd/$unit" || fail "$name calls setpriority, and $unit would kill it for that"
        used=$(printf '%s\n' "$used" | grep -vx setpriority)
    fi
    denied=$(comm -23 <(printf '%s\n' "$used") "$work/allowed" | tr '\n' ' ')
    [ -z "$denied" ] || fail "$name makes system calls its SystemCallFilter= refuses: $denied"
    ok "$name: all $(printf '%s\n' "$used" | wc -l) system calls it made are allowed by SystemCallFilter="
    # ProtectProc=invisible and ProcSubset=pid leave only the process's own /proc; ProtectHome= no /home.
    local hidden
    # glibc's malloc reads /proc/sys/vm/overcommit_memory when it shrinks a thread's arena, and takes
    # "0" when it cannot (hidden by ProcSubset=pid): harmless, so not counted.
    hidden=$(cat "$trace".* | { grep -oE '"/(proc|home|root)(/[^"]*)?"' || true; } | tr -d '"' \
        | { grep -vE '^/proc/(self|thread-self)(/|$)|^/proc/sys/vm/overcommit_memory$' || true; } | sort -u | tr '\n' ' ')
    [ -z "$hidden" ] || fail "$name reads what ProcSubset=pid/ProtectHome= hide: $hidden"
    # ProtectSystem=strict: writes only in the StateDirectory (mapped to $state) and the private /tmp.
    local written path outside=""
    written=$(cat "$trace".* | grep -E '^(openat\(.*O_(WRONLY|RDWR|CREAT)|mkdir(at)?\(|unlink(at)?\(|rename(at2?)?\(|link(at)?\(|rmdir\()' \
        | { grep -v '= -1 E' || true; } | { grep -oE '^[a-z_0-9]+\([^"]*"/[^"]*"' || true; } | sed 's/^[^"]*"//; s/"$//' | sort -u)
    for path in $written; do
        case "$path" in
            "$state"/*) ;;
            "$work"/*) outside+="$path " ;;
            /tmp/*|/var/tmp/*|/dev/null) ;;
            *) outside+="$path " ;;
        esac
    done
    [ -z "$outside" ] || fail "$name writes outside its StateDirectory (ProtectSystem=strict refuses): $outside"
    ok "$name: reads no hidden /proc or /home, writes only in its StateDirectory ($(printf '%s\n' $written | grep -c .) paths written)"
}
traced() { local trace=$1; shift; strace -f -ff -qq -s 1024 -o "$trace" "$@"; }

# The configuration files as the package installs them, with the test's addresses and paths.
python3 - "$etc" "$state" <<'EOF'
import json, sys
etc, state = sys.argv[1], sys.argv[2]
kaa = json.load(open("config/kaa.example.json"))
kaa.update(webListen="127.0.0.1:0", hub="http://127.0.0.1:9", caFile=None)
kaa = {k: v for k, v in kaa.items() if v is not None}
json.dump(kaa, open(f"{etc}/kaa/kaa.json", "w"), indent=1)
hub = json.load(open("config/hub.example.json"))
hub.update(listen="127.0.0.1:0", metricsListen="127.0.0.1:0", db=f"{state}/kaa-hub/hub.sqlite", tlsCert=f"{etc}/kaa-hub/tls/cert.pem")
json.dump(hub, open(f"{etc}/kaa-hub/hub.json", "w"), indent=1)
EOF
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -keyout "$credentials/tls-key" -out "$etc/kaa-hub/tls/cert.pem" 2>/dev/null
printf 'test-token-%s\n' "$RANDOM$RANDOM" > "$credentials/hub-token"
printf 'kaa_test-relay-%s\n' "$RANDOM$RANDOM" > "$credentials/relay-token"
# The web unit's SetCredential=oidc:\n default, as systemd writes it without /etc/kaa/oidc-secret.
printf '\n' > "$credentials/oidc"
chmod 400 "$credentials"/*

# The register the kommun creates (README "Installera på en server"), as user kaa would.
env -i KAA_DB="$state/kaa/register.sqlite" "$bindir/kaa" init --kommun 0380 >/dev/null
# Waits for "listening on URL" in a server's stdout; prints the URL.
wait_listening() {
    local log=$1 pid=$2
    for _ in $(seq 1 100); do
        url=$(sed -n 's/^listening on \(.*\)$/\1/p' "$log" | head -1)
        [ -n "$url" ] && { printf '%s\n' "$url"; return 0; }
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
# A server under strace: SIGTERM goes to the traced program (env execs it, so strace's one child),
# and strace ends with the program's exit code.
stop_traced() {
    local pid=$1 name=$2 child
    child=$(pgrep -P "$pid" | head -1) || fail "$name: no traced process"
    kill -TERM "$child"
    local code=0
    wait "$pid" || code=$?
    [ "$code" -eq 0 ] || fail "$name exited $code on SIGTERM"
}
stop_server() {
    local pid=$1 name=$2
    kill -TERM "$pid"
    local code=0
    wait "$pid" || code=$?
    [ "$code" -eq 0 ] || fail "$name exited $code on SIGTERM"
}

# kaa-web.service
read -ra command <<< "$(exec_start kaa-web.service)"
read -ra environment <<< "$(unit_environment kaa-web.service)"
env -i "${environment[@]}" CREDENTIALS_DIRECTORY="$credentials" "${command[@]}" > "$work/web.out" 2> "$work/web.err" &
pid=$!; pids+=("$pid")
url=$(wait_listening "$work/web.out" "$pid") || { cat "$work/web.err" >&2; fail "kaa-web.service's ExecStart did not start"; }
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/login")
[ "$code" = 200 ] || fail "kaa web answered $code at /login"
stop_server "$pid" "kaa web"
ok "kaa-web.service: ExecStart serves /login (200) with the empty oidc credential and stops on SIGTERM with 0"
env -i "${environment[@]}" CREDENTIALS_DIRECTORY="$credentials" "${command[@]}" --help > /dev/null || fail "kaa web --help"

# kaa-hub.service (the key from the credential, the certificate from hub.json)
read -ra command <<< "$(exec_start kaa-hub.service)"
read -ra environment <<< "$(unit_environment kaa-hub.service)"
[ "${environment[*]}" = "KAA_HUB_DB=$state/kaa-hub/hub.sqlite" ] || fail "kaa-hub.service's Environment: ${environment[*]}"
env -i "${environment[@]}" CREDENTIALS_DIRECTORY="$credentials" "${command[@]}" > "$work/hub.out" 2> "$work/hub.err" &
pid=$!; pids+=("$pid")
address=$(wait_listening "$work/hub.out" "$pid") || { cat "$work/hub.err" >&2; fail "kaa-hub.service's ExecStart did not start"; }
code=$(curl -sk -o /dev/null -w '%{http_code}' "https://$address/")
[ "$code" = 200 ] || fail "kaa-hub answered $code over HTTPS"
stop_server "$pid" "kaa-hub serve"
[ -f "$state/kaa-hub/hub.sqlite" ] || fail "the hub did not make its database in its StateDirectory"
ok "kaa-hub.service: ExecStart serves HTTPS with the key from the tls-key credential and stops on SIGTERM with 0"

# kaa-sync.service: the arguments parse and the token credential is accepted (mode 0400); --dry-run
# contacts no hub. Then the real command against an address that refuses: exit 75, deferred.
read -ra command <<< "$(exec_start kaa-sync.service)"
read -ra environment <<< "$(unit_environment kaa-sync.service)"
env -i "${environment[@]}" "${command[@]}" --dry-run > "$work/sync.out" 2>&1 || { cat "$work/sync.out" >&2; fail "kaa-sync.service's ExecStart --dry-run"; }
code=0
traced "$work/trace-sync" env -i "${environment[@]}" "${command[@]}" --deadline 1 > "$work/sync.out" 2>&1 || code=$?
[ "$code" -eq 75 ] || { cat "$work/sync.out" >&2; fail "kaa sync against a closed port exited $code, not 75"; }
check_syscalls "kaa-sync.service (a run that cannot reach the hub)" kaa-sync.service "$work/trace-sync"
post=$(exec_start kaa-sync.service ExecStopPost | sed 's/\$\$/$/g')
line=$(EXIT_STATUS=75 bash -c "exec ${post}")
[ "$line" = "kaa-sync: event=deferred exit=75 outbox=kept retry=15min" ] || fail "ExecStopPost printed '$line'"
[ -z "$(EXIT_STATUS=0 bash -c "exec ${post}")" ] || fail "ExecStopPost printed a line after exit 0"
ok "kaa-sync.service: ExecStart parses (--dry-run 0), a hub out of reach is exit 75, ExecStopPost says 'deferred' only then"

# kaa-hub-forward.service: the hub of kaa-hub.service's run with a kommun that has reported (its
# state set by hand: no register here), forwarding to an address that refuses: exit 75, deferred.
"$bindir/kaa-hub" --db "$state/kaa-hub/hub.sqlite" site add 0380 > /dev/null
sqlite3 "$state/kaa-hub/hub.sqlite" "UPDATE site SET generation = '0123456789abcdef0123456789abcdef', last_seq = 1 WHERE kommun = '0380'"
read -ra command <<< "$(exec_start kaa-hub-forward.service | sed 's|${KAA_HUB_FORWARD_TO}|http://127.0.0.1:9|')"
read -ra environment <<< "$(unit_environment kaa-hub-forward.service)"
grep -q '^EnvironmentFile=/etc/kaa-hub/forward.env$' config/systemd/kaa-hub-forward.service && grep -q '^KAA_HUB_FORWARD_TO=' config/kaa-hub-forward.env \
    || fail "kaa-hub-forward.service does not take KAA_HUB_FORWARD_TO from /etc/kaa-hub/forward.env"
code=0
traced "$work/trace-forward" env -i "${environment[@]}" "${command[@]}" --deadline 1 > "$work/forward.out" 2>&1 || code=$?
[ "$code" -eq 75 ] || { cat "$work/forward.out" >&2; fail "kaa-hub forward against a closed port exited $code, not 75"; }
grep -q 'event=deferred kommun=0380' "$work/forward.out" || { cat "$work/forward.out" >&2; fail "kaa-hub forward did not say it deferred 0380"; }
check_syscalls "kaa-hub-forward.service (a run that cannot reach the hub above)" kaa-hub-forward.service "$work/trace-forward"
post=$(exec_start kaa-hub-forward.service ExecStopPost | sed 's/\$\$/$/g')
line=$(EXIT_STATUS=75 bash -c "exec ${post}")
[ "$line" = "kaa-hub-forward: event=deferred exit=75 outbox=kept retry=15min" ] || fail "kaa-hub-forward's ExecStopPost printed '$line'"
ok "kaa-hub-forward.service: ExecStart with the relay-token credential, a hub above out of reach is exit 75, ExecStopPost says 'deferred'"

# kaa-backup.service: two nights with --keep lowered to 1 by hand; the unit's own line once.
read -ra command <<< "$(exec_start kaa-backup.service)"
read -ra environment <<< "$(unit_environment kaa-backup.service)"
traced "$work/trace-backup" env -i "${environment[@]}" "${command[@]}" > "$work/backup.out" 2>&1 || { cat "$work/backup.out" >&2; fail "kaa-backup.service's ExecStart"; }
check_syscalls "kaa-backup.service" kaa-backup.service "$work/trace-backup"
copies=("$state"/kaa/backups/register-*.sqlite)
[ "${#copies[@]}" -eq 1 ] && [ -f "${copies[0]}" ] || fail "kaa backup --dir wrote ${#copies[@]} copies"
[ "$(sqlite3 "${copies[0]}" 'PRAGMA integrity_check')" = ok ] || fail "the copy fails PRAGMA integrity_check"
[ "$(stat -c %a "$state/kaa/backups")" = 700 ] && [ "$(stat -c %a "${copies[0]}")" = 600 ] || fail "the backup folder or copy is not private"
cp "${copies[0]}" "$state/kaa/backups/register-20200101-000000.sqlite"
sleep 1
env -i "${environment[@]}" "${command[@]/%14/1}" > "$work/backup.out" 2>&1 || { cat "$work/backup.out" >&2; fail "kaa backup --keep 1"; }
copies=("$state"/kaa/backups/register-*.sqlite)
[ "${#copies[@]}" -eq 1 ] || fail "kaa backup --keep 1 left ${#copies[@]} copies"
ok "kaa-backup.service: ExecStart writes a private copy that passes integrity_check; --keep removes older ones"

# The web UI and the hub under strace for a start, a request and a stop.
read -ra command <<< "$(exec_start kaa-web.service)"
read -ra environment <<< "$(unit_environment kaa-web.service)"
rm -f "$work/web.out"
strace -f -ff -qq -s 1024 -o "$work/trace-web" env -i "${environment[@]}" CREDENTIALS_DIRECTORY="$credentials" "${command[@]}" > "$work/web.out" 2> "$work/web.err" &
pid=$!; pids+=("$pid")
url=$(wait_listening "$work/web.out" "$pid") || { cat "$work/web.err" >&2; fail "kaa web under strace did not start"; }
curl -s -o /dev/null "$url/login"
curl -s -o /dev/null -d 'user=x&password=y' "$url/login" || true
stop_traced "$pid" "kaa web under strace"
check_syscalls "kaa-web.service (start, GET and POST /login, SIGTERM)" kaa-web.service "$work/trace-web"
read -ra command <<< "$(exec_start kaa-hub.service)"
read -ra environment <<< "$(unit_environment kaa-hub.service)"
rm -f "$work/hub.out"
strace -f -ff -qq -s 1024 -o "$work/trace-hub" env -i "${environment[@]}" CREDENTIALS_DIRECTORY="$credentials" "${command[@]}" > "$work/hub.out" 2> "$work/hub.err" &
pid=$!; pids+=("$pid")
address=$(wait_listening "$work/hub.out" "$pid") || { cat "$work/hub.err" >&2; fail "kaa-hub under strace did not start"; }
curl -sk -o /dev/null "https://$address/"
curl -sk -o /dev/null -X PUT -H 'Authorization: Bearer nope' --data-binary x "https://$address/v1/sites/0380/batches/1/1" || true
stop_traced "$pid" "kaa-hub serve under strace"
check_syscalls "kaa-hub.service (start, HTTPS GET and a refused PUT, SIGTERM)" kaa-hub.service "$work/trace-hub"

# kaa-failure@.service: the line it writes for a failed unit.
line=$(eval "$(exec_start kaa-failure@.service)")
[ "$line" = 'kaa-failure: event=unit_failed unit=kaa-sync.service see="journalctl -u kaa-sync.service"' ] || fail "kaa-failure@ printed '$line'"
ok "kaa-failure@.service: $line"
