# Shared by the README's commands: installs the Debian packages the project builds against.
# shellcheck shell=bash

# The C libraries (design: .systemLibrary targets) and the tools the scripts use.
KAA_APT_PACKAGES=(libsqlite3-dev libssl-dev libcurl4-openssl-dev libmicrohttpd-dev libargon2-dev liboath-dev libxlsxwriter-dev zlib1g-dev sqlite3 pkg-config)
# The Swift tests read the hub's Excel download back with a real client (Debian's Python and openpyxl).
KAA_APT_PACKAGES+=(python3 python3-openpyxl)
# The signature tests cross-check the JWS verifier with signatures made by the openssl command line.
KAA_APT_PACKAGES+=(openssl)
# The man-page tests format every page in docs/man/ with groff -ww; the completion tests source the scripts in bash.
KAA_APT_PACKAGES+=(groff-base bash)

kaa_log() { printf '==> %s\n' "$*" >&2; }
kaa_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

kaa_ensure_packages() {
    local missing=()
    for package in "${KAA_APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    kaa_log "installing ${missing[*]}"
    local sudo=()
    [ "$(id -u)" -ne 0 ] && sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}

kaa_ensure_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        [ -x /opt/swift/usr/bin/swift ] && export PATH="/opt/swift/usr/bin:$PATH"
    fi
    command -v swift >/dev/null 2>&1 || { echo "Swift 6 is needed (swift not on PATH)" >&2; exit 1; }
}

# The browser checks' Python: Debian's (its selenium and pyotp), not whichever python3 is first on
# PATH, plus axe-core from PyPI, in one venv under .build that also sees the system's packages.
# Sets $venv. Shared by web-check.sh and oidc-check.sh.
kaa_browser_venv() {
    venv=.build/browser-venv
    if ! "$venv/bin/python" -c 'import selenium_axe_python, selenium, pyotp' 2>/dev/null; then
        kaa_log "making $venv with axe-core (PyPI's selenium-axe-python)"
        rm -rf "$venv"
        /usr/bin/python3 -m venv --system-site-packages "$venv"
        "$venv/bin/pip" install -q --disable-pip-version-check "selenium-axe-python==2.2.0" >&2
    fi
}
