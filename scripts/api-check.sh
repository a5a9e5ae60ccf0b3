#!/usr/bin/env bash
# The hub's API against its OpenAPI 3.1 description (issue #17): validates docs/openapi.json with
# PyPI's openapi-spec-validator, then runs PyPI's schemathesis against a live hub made by the demo
# (bounded: at most a few hundred generated requests): no 5xx, every status, content type, header
# and body as the document says, invalid input refused with a 4xx. Fails loudly on any of it.
# Part of the test command. Usage: bash scripts/api-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
kaa_ensure_swift
KAA_APT_PACKAGES+=(python3-venv curl)
kaa_ensure_packages

# Pinned versions that work together here; a venv under .build/ (as scripts/web-check.sh does).
venv=.build/api-venv
pins=("openapi-spec-validator==0.9.0" "schemathesis==4.32.5")
installed=$("$venv/bin/pip" freeze 2>/dev/null || true)
if ! "$venv/bin/python" -c 'import openapi_spec_validator, schemathesis' 2>/dev/null \
    || ! grep -q -x -F "${pins[0]}" <<< "$installed" || ! grep -q -x -F "${pins[1]}" <<< "$installed"; then
    kaa_log "api check: making $venv with ${pins[*]}"
    rm -rf "$venv"
    /usr/bin/python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "${pins[@]}" >&2
fi

kaa_log "api check: validating docs/openapi.json (OpenAPI 3.1)"
"$venv/bin/openapi-spec-validator" docs/openapi.json

# The one-region demo (--small): its hub has Uppsala's own token (below); the ÖMS demo's upper hub has none.
kaa_log "api check: running the demo region"
demo_output=$(bash scripts/demo.sh --small 2>/dev/null)
work=$(echo "$demo_output" | sed -n 's/^Allt ligger i \([^ ]*\) .*/\1/p')
[ -n "$work" ] && [ -f "$work/hub.sqlite" ] || kaa_die "api check: the demo left no hub database"
bindir="$(swift build --show-bin-path)"
"$bindir/kaa-hub" --db "$work/hub.sqlite" serve --listen 127.0.0.1:0 > "$work/api-hub.out" 2> "$work/api-hub.log" &
hub_pid=$!
trap 'kill "$hub_pid" 2>/dev/null || true; wait "$hub_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q "listening on" "$work/api-hub.out" 2>/dev/null && break; sleep 0.1; done
url="http://$(sed -n 's/^listening on //p' "$work/api-hub.out")"
curl -sf "$url/v1/openapi.json" | cmp -s - docs/openapi.json || kaa_die "api check: the hub does not serve docs/openapi.json as it is"

# Uppsala's token, so the sync endpoints are exercised past authentication too (the hub is the
# demo's throwaway copy).
token=$(cat "$work/0380.token")
kaa_log "api check: schemathesis against $url"
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection
# From the demo's folder: schemathesis keeps a .schemathesis/ cache in the working directory.
# One worker: with more, CPython 3.11's compiler tripped over its threads ("AST constructor recursion").
document=$PWD/docs/openapi.json schemathesis=$PWD/$venv/bin/schemathesis
if ! (cd "$work" && "$schemathesis" run "$document" --url "$url" --checks "$checks" --phases examples,coverage,fuzzing \
        --max-examples 25 --seed 17 --generation-database none --workers 1 --request-timeout 10 \
        --header "Authorization: Bearer $token" --warnings off) > "$work/schemathesis.out" 2>&1; then
    cat "$work/schemathesis.out" >&2
    kaa_die "api check: schemathesis found answers the OpenAPI document does not allow (above)"
fi
tail -n 12 "$work/schemathesis.out" >&2
grep -q "event=internal_error" "$work/api-hub.log" && { cat "$work/api-hub.log" >&2; kaa_die "api check: the hub logged an internal error"; }
kaa_log "api check: ok"
