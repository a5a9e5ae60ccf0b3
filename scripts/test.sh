#!/usr/bin/env bash
# Runs every test on a fresh Debian machine with Swift: installs what it needs, builds (a compiler
# warning fails the run), then runs the test suites.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
kaa_ensure_swift
kaa_ensure_packages

log=$(mktemp)
trap 'rm -f "$log"' EXIT
kaa_log "building (warnings fail the build)"
swift build --build-tests 2>&1 | tee "$log"
if grep -E '(^|: )warning: ' "$log" | grep -v '^warning: .*/Package.resolved' >/dev/null; then
    echo "Build produced warnings:" >&2
    grep -E '(^|: )warning: ' "$log" >&2
    exit 1
fi
# One module per program (issue #12): kaa links no hub (it serves the web UI on the shared HTTP server since #15), kaa-hub no register
# or kommun sync (since issue 20 it forwards to the hub above it over libcurl, with the protocol's client in KAAUplink).
kaa_log "module boundaries (nm)"
bin=$(swift build --show-bin-path)
if nm "$bin/kaa" | grep -E 'KAAHub[^C]' >/dev/null; then echo "kaa links the hub" >&2; exit 1; fi
if nm "$bin/kaa-hub" | grep -E 'KAARegister|KAASync' >/dev/null; then echo "kaa-hub links the register" >&2; exit 1; fi
# The dashboard (issue #5) and the web UI (issue #15) in a real browser; before the test run, so its summary is the last line.
bash scripts/browser-check.sh
bash scripts/web-check.sh
# Staff login through a real OpenID provider, and the web UI behind nginx with TLS (issue 18).
bash scripts/oidc-check.sh
# The systemd units and sysusers file as the package installs them: verify, security ≤ 2.0, each ExecStart run once (issue 19).
bash scripts/units-check.sh
# /metrics on its own listener, linted by Prometheus' promtool (issue #17).
bash scripts/metrics-check.sh
# The API against its OpenAPI description: openapi-spec-validator, then schemathesis on a live demo hub (issue #17).
bash scripts/api-check.sh
# The benchmark script at small sizes, so it does not rot (issue #7); it asserts no speed targets.
kaa_log "benchmark script (--quick)"
bash benchmarks/run.sh --quick
# The fuzz corpus replayed through the normal build (fast), then libFuzzer for a bounded time per
# target (issue #14): no crash, no broken property.
kaa_log "fuzz corpus replay"
for target in csv personnummer batch; do "$bin/kaa-fuzz" "$target" Tests/FuzzCorpus/"$target"/*; done
kaa_log "fuzzing (20 s per target)"
bash scripts/fuzz.sh 20
# The Debian package (issue 19): release build, lintian, the binaries with an empty environment,
# no Swift runtime needed, and (as root) install, upgrade over an older package, purge.
bash scripts/package-check.sh
kaa_log "testing"
swift test --skip-build 2>&1
