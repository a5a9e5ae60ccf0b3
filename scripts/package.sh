#!/usr/bin/env bash
# Builds the Debian package kommun IT installs (issue 19): release binaries of kaa and kaa-hub with
# the Swift runtime linked in (--static-swift-stdlib: no /opt/swift at run time), stripped, in a
# staging root made by hand (no debhelper) with the units, sysusers file, man pages, bash completion,
# conffiles and maintainer scripts, then `dpkg-deb --build --root-owner-group`.
# Usage: bash scripts/package.sh    → dist/kaa-register_<version>_amd64.deb (its path on stdout)
# KAA_PACKAGE_VERSION overrides the version from git describe; KAA_MAINTAINER the Maintainer field.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
kaa_ensure_swift
KAA_APT_PACKAGES+=(dpkg-dev binutils)
kaa_ensure_packages

# The Debian version from `git describe`: tag vX.Y.Z → X.Y.Z; n commits after it → X.Y.Z+n.g<hash>;
# no tag yet → 0.0~git<commit date>.<hash> (sorts before any 0.0 or later release); uncommitted
# changes add +dirty.
debian_version() {
    local described dirty= version
    described=$(git describe --tags --always --dirty --match 'v[0-9]*')
    if [[ $described == *-dirty ]]; then dirty=+dirty; described=${described%-dirty}; fi
    if [[ $described =~ ^v([0-9][0-9A-Za-z.~+]*)-([0-9]+)-g([0-9a-f]+)$ ]]; then
        version="${BASH_REMATCH[1]}+${BASH_REMATCH[2]}.g${BASH_REMATCH[3]}"
    elif [[ $described =~ ^v([0-9][0-9A-Za-z.~+]*)$ ]]; then
        version="${BASH_REMATCH[1]}"
    else
        version="0.0~git$(git log -1 --format=%cd --date=format:%Y%m%d).$(git rev-parse --short=7 HEAD)"
    fi
    printf '%s%s\n' "$version" "$dirty"
}

version=${KAA_PACKAGE_VERSION:-$(debian_version)}
[[ $version =~ ^[0-9][0-9A-Za-z.+~]*$ ]] || kaa_die "not a Debian version (no revision): $version"
maintainer=${KAA_MAINTAINER:-KAA Register maintainers <kaa-register@kommun.example>}
homepage=${KAA_HOMEPAGE:-}
package=kaa-register
deb="dist/${package}_${version}_amd64.deb"

# Release build, both products, with immediate binding (lintian's hardening-no-bindnow; PIE and
# RELRO are the toolchain's defaults), under the shared lock (other engineers build on this machine).
kaa_log "package: release build of kaa and kaa-hub, version $version"
# Its own scratch path, so it and the benchmarks' release build (other flags) do not rebuild each other.
build=(swift build -c release --scratch-path .build/package --static-swift-stdlib --disable-local-rpath -Xlinker -z -Xlinker now -Xcc "-DKAA_VERSION=\"$version\"")
start=$SECONDS
flock /tmp/kaa-build.lock bash -c '"$@" --product kaa >&2 && "$@" --product kaa-hub >&2' _ "${build[@]}"
kaa_log "package: release build took $((SECONDS - start)) s"
bin=$(swift build -c release --scratch-path .build/package --show-bin-path)

stage=$(mktemp -d "${TMPDIR:-/tmp}/kaa-package.XXXXXX")
trap 'rm -rf "$stage"' EXIT
root="$stage/src/debian/$package"  # where dpkg-shlibdeps expects a package's files
installed=()
put() { # mode source destination (relative to the root)
    install -D -m "$1" "$2" "$root/$3"
    installed+=("/$3")
}

# The binaries, without their symbol tables (no -dbgsym package: backtraces show addresses only).
for program in kaa kaa-hub; do
    put 0755 "$bin/$program" "usr/bin/$program"
    strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/$program"
done
put 0644 config/kaa.example.json etc/kaa/kaa.json
put 0644 config/hub.example.json etc/kaa-hub/hub.json
put 0644 config/kaa-hub-forward.env etc/kaa-hub/forward.env

# The other helpers' files at their fixed paths, whichever exist in this tree.
shopt -s nullglob
units=()
for unit in config/systemd/*.service config/systemd/*.timer; do
    put 0644 "$unit" "usr/lib/systemd/system/${unit##*/}"
    units+=("${unit##*/}")
done
for sysusers in config/sysusers/*.conf; do put 0644 "$sysusers" "usr/lib/sysusers.d/${sysusers##*/}"; done
for page in docs/man/*.1; do
    install -D -m 0644 /dev/null "$root/usr/share/man/man1/${page##*/}.gz"
    gzip -9n <"$page" >"$root/usr/share/man/man1/${page##*/}.gz"
    installed+=("/usr/share/man/man1/${page##*/}.gz")
done
for completion in config/bash-completion/*; do put 0644 "$completion" "usr/share/bash-completion/completions/${completion##*/}"; done
shopt -u nullglob
[ -f "$root/usr/lib/sysusers.d/kaa-register.conf" ] || kaa_log "package: WARNING no config/sysusers/kaa-register.conf (the postinst falls back to useradd)"

# Units restarted on an upgrade: the timers and the long-running services (a service with a timer
# of its own name is a nightly job, left to finish).
restart_units=()
for unit in "${units[@]}"; do
    case $unit in
        *.timer) restart_units+=("$unit") ;;
        *.service) [[ " ${units[*]} " == *" ${unit%.service}.timer "* ]] || restart_units+=("$unit") ;;
    esac
done

# /usr/share/doc: copyright (DEP-5), README.Debian, and the changelog (a native package: changelog.gz).
doc="usr/share/doc/$package"
sed "s|@MAINTAINER@|$maintainer|" packaging/debian/copyright >"$stage/copyright"
put 0644 "$stage/copyright" "$doc/copyright"
put 0644 packaging/debian/README.Debian "$doc/README.Debian"
commit=$(git rev-parse --short=12 HEAD)
{
    printf '%s (%s) unstable; urgency=medium\n\n' "$package" "$version"
    printf '  * Built from commit %s (git describe: %s).\n' "$commit" "$(git describe --tags --always --dirty)"
    sed -n '/^  \* /,$p' packaging/debian/changelog.entries
    printf '\n -- %s  %s\n' "$maintainer" "$(git log -1 --format=%cD)"
} >"$stage/changelog"
install -D -m 0644 /dev/null "$root/$doc/changelog.gz"
gzip -9n <"$stage/changelog" >"$root/$doc/changelog.gz"
installed+=("/$doc/changelog.gz")
if [ -f packaging/debian/lintian-overrides ]; then
    put 0644 packaging/debian/lintian-overrides "usr/share/lintian/overrides/$package"
fi

# Depends from the binaries' NEEDED libraries: dpkg-shlibdeps reads them and the installed
# packages' shlibs/symbols files (it wants a debian/control, so a minimal one in the staging dir,
# and the package's root to hold DEBIAN/).
mkdir -p "$root/DEBIAN"
printf 'Source: %s\n\nPackage: %s\nArchitecture: amd64\n' "$package" "$package" >"$stage/src/debian/control"
(cd "$stage/src" && dpkg-shlibdeps -O "debian/$package/usr/bin/kaa" "debian/$package/usr/bin/kaa-hub") >"$stage/substvars"
depends=$(sed -n 's/^shlibs:Depends=//p' "$stage/substvars")
[ -n "$depends" ] || kaa_die "dpkg-shlibdeps found no dependencies"

# Control files.
size=$(du -sk --apparent-size --exclude=DEBIAN "$root" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@MAINTAINER@|$maintainer|" -e "s|@INSTALLED_SIZE@|$size|" \
    -e "s|@DEPENDS@|$depends|" -e "s|@HOMEPAGE@|$homepage|" packaging/debian/control.in |
    { if [ -z "$homepage" ]; then grep -v '^Homepage: '; else cat; fi; } >"$root/DEBIAN/control"
printf '/etc/kaa/kaa.json\n/etc/kaa-hub/hub.json\n/etc/kaa-hub/forward.env\n' >"$root/DEBIAN/conffiles"
for script in postinst prerm postrm; do
    sed -e "s|@UNITS@|${units[*]}|" -e "s|@RESTART_UNITS@|${restart_units[*]}|" "packaging/debian/$script" >"$root/DEBIAN/$script"
    chmod 0755 "$root/DEBIAN/$script"
done
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums" "$root/DEBIAN/control" "$root/DEBIAN/conffiles"

mkdir -p dist
rm -f "$deb"
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >&2
kaa_log "package: installed into $deb:"
printf '    %s\n' "${installed[@]}" >&2
kaa_log "package: Depends: $depends"
echo "$deb"
