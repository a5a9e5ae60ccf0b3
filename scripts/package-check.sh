#!/usr/bin/env bash
# Checks the Debian package (issue 19) as a Debian server package is checked: builds it with
# scripts/package.sh, runs lintian (no error), extracts it and runs both binaries with an empty
# environment, reads their dynamic sections (no /opt/swift, no Swift runtime libraries needed), has
# ldd resolve every library, renders the man pages, and, as root, installs it into a temp root
# (dpkg --root with the maintainer scripts run chrootless), upgrades it over an older package holding
# a register and a hub, and purges it. Part of the test command. Usage: bash scripts/package-check.sh
#
# lintian's remaining warnings, each justified (nothing is overridden in the package); any other
# warning fails this check until it is fixed or listed here with its reason:
# - no-manual-page: only while docs/man/ has no pages (the CLI's generated man pages, issue 19);
#   accepted only then.
# Its notes (I:, shown with --display-info) need no justification but are worth knowing:
# hardening-no-fortify-functions (Swift code calls no fortifiable libc functions; the C shims are
# static inline wrappers), spelling-error-in-binary (strings of the statically linked Foundation
# and ICU data, not ours), package-supports-alternative-init-but-no-init.d-script (systemd only, on
# purpose: the units' hardening has no sysvinit equivalent).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
kaa_ensure_swift
KAA_APT_PACKAGES+=(lintian dpkg-dev binutils man-db sqlite3 file)
kaa_ensure_packages

# Warnings accepted, by tag (see the justifications above). Errors are never accepted.
KAA_LINTIAN_ACCEPTED=()
compgen -G 'docs/man/*.1' >/dev/null || KAA_LINTIAN_ACCEPTED+=(no-manual-page)

# KAA_PACKAGE_DEB=FILE checks a package already built (while working on this script) instead.
deb=${KAA_PACKAGE_DEB:-$(bash scripts/package.sh | tail -n 1)}
[ -f "$deb" ] || kaa_die "package.sh wrote no package"
version=$(dpkg-deb -f "$deb" Version)
kaa_log "package check: $deb (version $version)"

work=$(mktemp -d "${TMPDIR:-/tmp}/kaa-package-check.XXXXXX")
trap '[ -n "${KAA_KEEP:-}" ] || rm -rf "$work"' EXIT

kaa_log "package check: lintian"
lintian --tag-display-limit 0 --display-info "$deb" >"$work/lintian" 2>&1 || true
cat "$work/lintian" >&2
if grep -E '^E: ' "$work/lintian" >/dev/null; then kaa_die "lintian reports errors"; fi
while read -r tag; do
    [[ " ${KAA_LINTIAN_ACCEPTED[*]} " == *" $tag "* ]] || kaa_die "lintian warning '$tag' is neither fixed nor justified in scripts/package-check.sh"
done < <(sed -n 's/^W: [^:]*: \([a-z0-9-]*\).*/\1/p' "$work/lintian" | sort -u)

kaa_log "package check: the binaries, extracted, with an empty environment"
root="$work/extracted"
dpkg-deb -x "$deb" "$root"
# --version ("kaa X") once the CLI has it (issue 19's KAA_VERSION); --help always.
if grep -rq 'KAA_VERSION' Sources; then
    for program in kaa kaa-hub; do
        got=$(env -i "$root/usr/bin/$program" --version)
        [ "$got" = "$program $version" ] || kaa_die "$program --version printed '$got', not '$program $version'"
    done
else
    kaa_log "package check: NOTE this tree has no --version yet (KAA_VERSION is not used in Sources/)"
fi
for program in kaa kaa-hub; do
    env -i "$root/usr/bin/$program" --help >"$work/help" || kaa_die "$program --help failed with an empty environment"
    grep -q "ANVÄNDNING: $program " "$work/help" || kaa_die "$program --help printed no usage"
done

for program in kaa kaa-hub; do
    binary="$root/usr/bin/$program"
    readelf -d "$binary" >"$work/dynamic"
    if grep -E '\((RPATH|RUNPATH)\)' "$work/dynamic" | grep -q 'swift'; then kaa_die "$program has a Swift toolchain RPATH/RUNPATH"; fi
    if grep -E '\(NEEDED\).*\[(libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime)' "$work/dynamic"; then
        kaa_die "$program needs the Swift runtime's shared libraries (not linked with --static-swift-stdlib?)"
    fi
    if env -i ldd "$binary" | grep 'not found'; then kaa_die "$program needs a library this Debian does not have"; fi
    file "$binary" | grep -q 'stripped' && ! file "$binary" | grep -q 'not stripped' || kaa_die "$program is not stripped"
done

shopt -s nullglob
pages=("$root"/usr/share/man/man1/*.1.gz)
shopt -u nullglob
if [ ${#pages[@]} -eq 0 ]; then
    kaa_log "package check: NOTE no man pages in this tree yet (docs/man/*.1)"
fi
for page in "${pages[@]}"; do
    MANWIDTH=80 man -l "$page" >/dev/null 2>"$work/man-errors" || kaa_die "man -l cannot render ${page##*/}"
    if [ -s "$work/man-errors" ]; then cat "$work/man-errors" >&2; kaa_die "man -l warns on ${page##*/}"; fi
done

# Installing needs root (dpkg --root still chowns to root:root). CI runs as root; elsewhere skip.
if [ "$(id -u)" -ne 0 ]; then
    kaa_log "package check: not root, so no install and upgrade test"
    kaa_log "package check: passed (without the install test)"
    exit 0
fi

# A temp root with its own dpkg database; maintainer scripts run chrootless with DPKG_ROOT set
# (they honour it), and the Depends are not installed in it (the host has them: --force-depends).
target="$work/target"
mkdir -p "$target/var/lib/dpkg/info" "$target/var/lib/dpkg/updates" "$target/etc"
: >"$target/var/lib/dpkg/status"
: >"$target/var/lib/dpkg/available"
# A root's base users (base-passwd's), so the sysusers users get their own ids beside them.
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$target/etc/passwd"
printf 'root:x:0:\n' >"$target/etc/group"
dpkg_target() { # dpkg's output only when it fails (it lists every Depends missing from the temp root)
    dpkg --root="$target" --force-script-chrootless --force-depends --force-not-root "$@" >"$work/dpkg.log" 2>&1 ||
        { cat "$work/dpkg.log" >&2; kaa_die "dpkg $* failed"; }
    grep -i -E 'kaa-register:|warning' "$work/dpkg.log" | grep -v -E 'dependency problems|depends on' >&2 || true
}

# The older package: the same payload as version <version>~old (a second release build with one
# migration fewer costs more than CI's budget allows; the schema migration is tested below with a
# register and a hub written at the previous schema version by sqlite3).
kaa_log "package check: install the older package into a temp root"
old="$work/old"
dpkg-deb -R "$deb" "$old"
sed -i "s/^Version: .*/Version: ${version}~old/" "$old/DEBIAN/control"
dpkg-deb --root-owner-group --build "$old" "$work/old.deb" >/dev/null
dpkg_target -i "$work/old.deb"
[ "$(dpkg-query --admindir="$target/var/lib/dpkg" -W -f='${Version}' kaa-register)" = "${version}~old" ] || kaa_die "the older package is not installed"
for user in kaa kaa-hub; do
    if [ -f "$target/usr/lib/sysusers.d/kaa-register.conf" ]; then
        grep -q "^$user:" "$target/etc/passwd" || kaa_die "postinst made no user $user"
    fi
done
[ "$(stat -c %a "$target/etc/kaa")" = 750 ] || [ ! -f "$target/usr/lib/sysusers.d/kaa-register.conf" ] || kaa_die "/etc/kaa is not 0750"

# The data the upgrade must keep: a register and a hub at the current schema made by the older
# package's binaries, a register and a hub at the previous schema version (migrations applied with
# sqlite3 and recorded in schema_migration as the migrator does), and an edited conffile.
kaa() { env -i KAA_TODAY=2026-11-15 "$target/usr/bin/kaa" --db "$1" "${@:2}"; }
hub() { env -i "$target/usr/bin/kaa-hub" --db "$1" "${@:2}"; }
mkdir -p "$target/var/lib/kaa" "$target/var/lib/kaa-hub"
register="$target/var/lib/kaa/register.sqlite"
kaa "$register" init --kommun 0380 >/dev/null
n=0
while read -r pnr; do
    kaa "$register" register "$pnr" --date 2026-10-0$((n % 9 + 1)) --reason EJ_PABORJAT >/dev/null 2>&1 && n=$((n + 1))
    [ $n -ge 5 ] && break
done < <(grep -E '^20(07|08|09|10)' seeds/testpersonnummer.txt)
[ $n -ge 1 ] || kaa_die "could not register test people in the upgrade register"
hubdb="$target/var/lib/kaa-hub/hub.sqlite"
hub "$hubdb" init >/dev/null
hub "$hubdb" site add 0380 >/dev/null
old_schema() { # migrations-dir last-version database
    local file version name
    for file in "$1"/*.sql; do
        version=$((10#$(basename "$file" | cut -c1-4)))
        [ "$version" -le "$2" ] || continue
        name=$(basename "$file" .sql | cut -c6-)
        { cat "$file"; printf "\n;CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT;\nINSERT INTO schema_migration VALUES (%d, '%s', '2026-01-01T00:00:00Z');\n" "$version" "$name"; } |
            sqlite3 -bail "$3" >/dev/null
    done
}
latest() { basename "$(ls "$1"/*.sql | tail -n 1)" | cut -c1-4 | sed 's/^0*//'; }
register_latest=$(latest migrations/register)
hub_latest=$(latest migrations/hub)
old_register="$target/var/lib/kaa/old-schema.sqlite"
old_hub="$target/var/lib/kaa-hub/old-schema.sqlite"
old_schema migrations/register $((register_latest - 1)) "$old_register"
# What `kaa init` writes besides the schema (Register.create): the kommun, the dates, the cell key.
sqlite3 -bail "$old_register" "INSERT INTO setting (key, value) VALUES ('kommun', '0380'), ('created_on', '2026-01-01'),
    ('audit_retention_months', '24'); INSERT INTO secret (name, value) VALUES ('cell_key', randomblob(32));"
old_schema migrations/hub $((hub_latest - 1)) "$old_hub"
printf '{ "timeZone": "Europe/Stockholm", "retentionMonths": 13 }\n' >"$target/etc/kaa/kaa.json"

snapshot() {
    kaa "$register" stats --period 2026-10
    hub "$hubdb" cells --exact
    for db in "$register" "$hubdb"; do sqlite3 "$db" 'PRAGMA integrity_check'; done
}
snapshot >"$work/before"

kaa_log "package check: upgrade to $version over it"
dpkg_target -i "$deb"
[ "$(dpkg-query --admindir="$target/var/lib/dpkg" -W -f='${Version}' kaa-register)" = "$version" ] || kaa_die "the upgrade did not install $version"
grep -q '"retentionMonths": 13' "$target/etc/kaa/kaa.json" || kaa_die "the upgrade replaced the edited /etc/kaa/kaa.json"
snapshot >"$work/after"
diff -u "$work/before" "$work/after" >&2 || kaa_die "the register or the hub changed over the upgrade"
grep -qx ok "$work/after" || kaa_die "integrity_check failed"

kaa_log "package check: the new binaries migrate a register and a hub of the previous schema (backup first)"
kaa "$old_register" stats --period 2026-10 >/dev/null
hub "$old_hub" cells --exact >/dev/null
for pair in "$old_register:$register_latest" "$old_hub:$hub_latest"; do
    db=${pair%:*}
    [ "$(sqlite3 "$db" 'SELECT max(version) FROM schema_migration')" = "${pair#*:}" ] || kaa_die "$db was not migrated to ${pair#*:}"
    [ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ] || kaa_die "$db is damaged after migrating"
    ls "$db".before-v"${pair#*:}"-from-v$((${pair#*:} - 1))-*.sqlite >/dev/null 2>&1 || kaa_die "no backup was taken before migrating $db"
done

kaa_log "package check: purge keeps /var/lib/kaa and /var/lib/kaa-hub"
dpkg_target --purge kaa-register
[ ! -e "$target/etc/kaa" ] && [ ! -e "$target/etc/kaa-hub" ] || kaa_die "purge left /etc/kaa or /etc/kaa-hub"
[ ! -e "$target/usr/bin/kaa" ] || kaa_die "purge left /usr/bin/kaa"
[ -f "$register" ] && [ -f "$hubdb" ] && [ -f "$old_register" ] || kaa_die "purge deleted a register or the hub"
[ "$(sqlite3 "$register" 'PRAGMA integrity_check')" = ok ] || kaa_die "the register is damaged after purge"
kaa_log "package check: passed"
