#!/usr/bin/env bash
# Fuzzes the CSV reader, the personnummer parser and the hub's batch decoder with libFuzzer for a
# bounded time each (issue #14), starting from the committed corpus in Tests/FuzzCorpus/<target>.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]      (default 20 s; csv personnummer batch)
#
# It builds kaa-fuzz in its own scratch path (.build/fuzz) with -sanitize=fuzzer,address, so the
# normal build is untouched. New inputs go to a temporary corpus, never into the repository; a
# crash or a broken property fails the run and leaves its input in .build/fuzz/artifacts/ (commit
# it to the corpus with the fix). Set KAA_BUILD_LOCK to a lock file to build under `flock`.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(csv personnummer batch)

build=(swift build -c release --scratch-path .build/fuzz --product kaa-fuzz
       -Xswiftc -sanitize=fuzzer,address -Xswiftc -DKAA_FUZZ
       # ld.gold fails on ASan's debug info here (an internal error in dwarf_reader); lld does not.
       -Xswiftc -use-ld=lld)
echo "fuzz: building kaa-fuzz with libFuzzer" >&2
if [ -n "${KAA_BUILD_LOCK:-}" ]; then flock "$KAA_BUILD_LOCK" "${build[@]}" >&2; else "${build[@]}" >&2; fi
binary=.build/fuzz/release/kaa-fuzz
artifacts=.build/fuzz/artifacts
mkdir -p "$artifacts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

declare -A maximumLength=([csv]=4096 [personnummer]=64 [batch]=8192)
status=0
for target in "${targets[@]}"; do
    mkdir -p "$work/$target"
    log="$work/$target.log"
    # The temporary corpus first: libFuzzer adds what it finds to the first directory only.
    dictionary=()
    [ -f "Tests/FuzzCorpus/$target.dict" ] && dictionary=(-dict="Tests/FuzzCorpus/$target.dict")
    if KAA_FUZZ_TARGET=$target "$binary" "$work/$target" "Tests/FuzzCorpus/$target" "${dictionary[@]}" \
        -max_total_time="$seconds" -max_len="${maximumLength[$target]}" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$artifacts/$target-" -print_final_stats=1 >"$log" 2>&1; then
        runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo '?')
        echo "fuzz: $target: $runs inputs in ${seconds} s, no crash" >&2
    else
        echo "fuzz: $target FAILED; the input is in $artifacts/" >&2
        grep -E 'Precondition failed|Fatal error|ERROR: |SUMMARY|Test unit written' "$log" >&2 || tail -30 "$log" >&2
        status=1
    fi
done
exit $status
