#!/usr/bin/env bash
# Benchmarks of design §11, each run several times beside its baseline measured in the same run.
# Prints a table: median and spread (min-max) of each figure, the baseline and the ratio.
#
#   bash benchmarks/run.sh           full sizes (about 10 minutes on 2 cores, release build)
#   bash benchmarks/run.sh --quick   small sizes, one repetition (keeps the script from rotting)
#   bash benchmarks/run.sh --case 5  only case 5 (and case 2, which makes its register); combines with --quick
#   bash benchmarks/run.sh --case 6  only case 6 (the month run through the web beside kaa identify)
#   bash benchmarks/run.sh --case 7  only case 7 (and case 3: its registers, and its figure beside)
#
# Data is generated (valid personnummer) into a temporary folder and deleted afterwards; nothing is
# committed. Cases 3, 4 and 7 use kaa-bench (Sources/kaa-bench): registers prepared per kommun, the sync
# client's own upload on one thread per kommun, the hub's HTTP server serving nothing or a file, and
# (case 7) a hub per län holding its kommuner's batches, which forward one night to a national hub.
# Case 5 drives `kaa web` with wrk and benchmarks/web.lua (20 sessions' cookies in rotation).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
kaa_ensure_swift
KAA_APT_PACKAGES+=(python3 time curl wrk bc oathtool)
kaa_ensure_packages

quick=0
only=()   # --case N (repeatable): only those cases (case 5 also runs case 2, whose register it uses; case 7 case 3)
while [ $# -gt 0 ]; do
    case $1 in
        --quick) quick=1 ;;
        --case) [ $# -ge 2 ] || kaa_die "--case needs a number"; only+=("$2"); shift ;;
        *) kaa_die "unknown option $1 (usage: bash benchmarks/run.sh [--quick] [--case N]...)" ;;
    esac
    shift
done
want() { [ ${#only[@]} -eq 0 ] || [[ " ${only[*]} " == *" $1 "* ]]; }
# Quick: 40 kommuner, the first by code, are in three län (01, 03, 04): case 7 forwards from three hubs.
if [ "$quick" -eq 1 ]; then small=2000 large=20000 episodes=5000 runs=1 kommuner=40 readers_seconds=1
else small=50000 large=500000 episodes=50000 runs=3 kommuner=290 readers_seconds=10; fi

kaa_log "building (release)"
swift build -c release --product kaa >&2
swift build -c release --product kaa-hub >&2
swift build -c release --product kaa-bench >&2
bin="$(swift build -c release --show-bin-path)"
work=$(mktemp -d "${TMPDIR:-/tmp}/kaa-bench.XXXXXX")
servers=()
trap 'pkill -f "kaa-hub --db $work" 2>/dev/null || true; for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"' EXIT
export KAA_TODAY=$(TZ=Europe/Stockholm date +%F)

# time_of COMMAND...: prints "seconds peak_kb" of one run (GNU time), output discarded.
time_of() { /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>&1 || true; cat "$work/time"; }
# stats VALUES...: "median (min–max)".
stats() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; printf "%.2f (%.2f–%.2f)", m, v[1], v[NR]}'; }
# to_ms: a wrk latency (850.00us, 1.20ms, 1.01s) in milliseconds.
to_ms() { awk '{v = $1; if (v ~ /us$/) {sub(/us$/, "", v); v /= 1000} else if (v ~ /ms$/) {sub(/ms$/, "", v)} else if (v ~ /s$/) {sub(/s$/, "", v); v *= 1000}; printf "%.2f", v}'; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

rows=()
# --- Case 1: identify vs sqlite3 .import, and peak memory at two sizes.
if want 1; then
declare -A peak
for size in "$small" "$large"; do
    mkdir -p "$work/$size"
    kaa_log "case 1: generating a $size-row extract"
    python3 benchmarks/generate.py extract "$size" "$work/$size"
    times=() baselines=() memories=()
    for run in $(seq "$runs"); do
        rm -f "$work/$size/r.sqlite"* "$work/$size/import.sqlite"
        "$bin/kaa" --db "$work/$size/r.sqlite" init --kommun 0380 >/dev/null 2>&1
        read -r seconds kb < <(time_of "$bin/kaa" --db "$work/$size/r.sqlite" identify --date "$KAA_TODAY" \
            --folkbokforing "$work/$size/folkbokforing.csv" --enrolment "$work/$size/enrolment.csv")
        times+=("$seconds") memories+=("$kb")
        read -r base _ < <(time_of sqlite3 "$work/$size/import.sqlite" ".mode csv" ".separator ;" ".import $work/$size/folkbokforing.csv t")
        baselines+=("$base")
    done
    peak[$size]=$(median "${memories[@]}")
    ratio=$(awk -v a="$(median "${times[@]}")" -v b="$(median "${baselines[@]}")" 'BEGIN {printf "%.1f×", a / b}')
    rows+=("1 identify, $size rows|$(stats "${times[@]}") s|sqlite3 .import $(stats "${baselines[@]}") s|$ratio|≤ 2×")
done
growth=$(awk -v a="${peak[$small]}" -v b="${peak[$large]}" 'BEGIN {printf "%.1f×", b / a}')
rows+=("1 identify peak memory|${peak[$small]} KB → ${peak[$large]} KB|—|$growth|flat (≈ 1×)")
fi

# --- Case 2: one night for a kommun with $episodes episodes and three years of history.
if want 2 || want 5; then
kaa_log "case 2: a register with $episodes episodes over three years"
mkdir -p "$work/night"
python3 benchmarks/generate.py history "$episodes" "$KAA_TODAY" "$work/night"
register="$work/night/r.sqlite"
"$bin/kaa" --db "$register" init --kommun 0380 >/dev/null 2>&1
"$bin/kaa" --db "$register" import history --episodes "$work/night/episodes.csv" --contacts "$work/night/contacts.csv" >/dev/null 2>&1
"$bin/kaa-hub" --db "$work/night/hub.sqlite" init >/dev/null
(umask 077; "$bin/kaa-hub" --db "$work/night/hub.sqlite" site add 0380 > "$work/night/token")
"$bin/kaa-hub" --db "$work/night/hub.sqlite" serve --listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 > "$work/night/hub.out" 2>/dev/null &
for _ in $(seq 100); do grep -q "listening on" "$work/night/hub.out" 2>/dev/null && break; sleep 0.1; done
url="http://$(sed -n 's/^listening on //p' "$work/night/hub.out")"
sync() { "$bin/kaa" --db "$register" sync --hub "$url" --token-file "$work/night/token" 2>/dev/null; }
read -r first _ < <(time_of "$bin/kaa" --db "$register" sync --hub "$url" --token-file "$work/night/token")
snapshot=$("$bin/kaa" --db "$register" sync --hub "$url" --token-file "$work/night/token" --new-generation 2>/dev/null | sed -nE 's/.*batch [0-9]+ \(([0-9]+) byte\).*/\1/p')
nights=() changed=() seals=()
for run in $(seq "$runs"); do
    # 1 % of the people get a contact tonight (straight into the file: this measures the night, not the CLI).
    sqlite3 "$register" "INSERT INTO contact (episode_id, contacted_on, channel, is_reached)
        SELECT id, '$KAA_TODAY', 'SMS', 1 FROM episode WHERE deregistered_on IS NULL ORDER BY random() LIMIT $((episodes / 100))"
    /usr/bin/time -f "%e %M" -o "$work/time" "$bin/kaa" --db "$register" sync --hub "$url" --token-file "$work/night/token" > "$work/night/out" 2>"$work/night/err" || true
    read -r seconds _ < "$work/time"
    nights+=("$seconds")
    seals+=("$(sed -nE 's/.*event=sealed .* seconds=([0-9.]+).*/\1/p' "$work/night/err")")
    changed+=("$(sed -nE 's/.*batch [0-9]+ \(([0-9]+) byte\).*/\1/p' "$work/night/out")")
done
rows+=("2 first night (freeze 3 years + snapshot)|$first s|—|—|—")
rows+=("2 recompute + seal, 1 % changed|$(stats "${seals[@]}") s|—|—|< 1 s")
rows+=("2 whole 'kaa sync' (+ upload, region, start-up)|$(stats "${nights[@]}") s|—|—|—")
share=$(awk -v a="$(median "${changed[@]}")" -v b="$snapshot" 'BEGIN {printf "%.1f %%", 100 * a / b}')
rows+=("2 bytes: 1 % night vs snapshot|$(median "${changed[@]}") B vs $snapshot B|—|$share|≤ 10 %")
fi

# start_server NAME COMMAND...: starts a server that prints "listening on HOST:PORT", sets $url.
start_server() {
    local name=$1; shift
    "$@" > "$work/$name.out" 2>"$work/$name.err" &
    server=$!
    servers+=("$server")
    for _ in $(seq 100); do grep -q "listening on" "$work/$name.out" 2>/dev/null && break; sleep 0.1; done
    url="http://$(sed -n 's/^listening on //p' "$work/$name.out")"
}
# seconds since the epoch, with fractions.
now() { date +%s.%N; }

# --- Case 3: a national night: $kommuner sealed batches uploaded at once by one process.
if want 3 || want 7; then
kaa_log "case 3: preparing $kommuner registers with a sealed batch each"
mkdir -p "$work/national"
"$bin/kaa-bench" national-prepare --dir "$work/national" --hub-db "$work/national/hub0.sqlite" --kommuner "$kommuner" >/dev/null
totals=() p50s=() p99s=() base_totals=() base_p50s=() base_p99s=() proc_totals=() hub_cpus=() client_cpus=() null_cpus=() curl_cpus=() hub_only_totals=() hub_only_cpus=()
# cpu_ticks PID: user + system clock ticks the process has used so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# The baseline: the same bytes PUT by curl (one process, all transfers at once) to a do-nothing handler.
start_server null "$bin/kaa-bench" null-server --listen 127.0.0.1:0
null_server=$server
null_url=$url
python3 benchmarks/generate.py curl-config "$work/national" "$url" > "$work/curl.cfg"
# A breakdown, not a baseline: the same PUTs by one curl to the real hub, so the hub's own share is
# seen apart from the sync client's. HUB is replaced per run.
python3 benchmarks/generate.py curl-config "$work/national" HUB --auth > "$work/hubcurl.cfg"
cp -r "$work/national/registers" "$work/national/registers0"
# All 290 uploads come from 127.0.0.1 here, where in production each kommun has its own address:
# the per-IP connection limit (default 64) is lifted for this case only.
printf '{"perIPConnectionLimit": 0}\n' > "$work/hub-bench.json"
for run in $(seq "$runs"); do
    # The sync client's own code against a fresh hub holding the same sites, from registers as
    # prepared (an acknowledged register meeting an empty hub would start a new generation).
    rm -rf "$work/national/hub.sqlite"* "$work/national/registers"
    cp "$work/national/hub0.sqlite" "$work/national/hub.sqlite"
    cp -r "$work/national/registers0" "$work/national/registers"
    start_server hub "$bin/kaa-hub" --db "$work/national/hub.sqlite" --config "$work/hub-bench.json" serve --listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0
    hub_server=$server
    hub_ticks=$(cpu_ticks "$hub_server")
    read -r _ _ _ total _ p50 _ p99 _ _ _ failures _ client_cpu < <("$bin/kaa-bench" national-upload --dir "$work/national" --hub "$url")
    hub_cpus+=("$(echo "scale=3; ($(cpu_ticks "$hub_server") - $hub_ticks) / $(getconf CLK_TCK)" | bc)") client_cpus+=("$client_cpu")
    [ "$failures" = "0" ] || kaa_die "case 3: $failures uploads failed"
    applied=$("$bin/kaa-hub" --db "$work/national/hub.sqlite" site list | awk 'NR > 1 && $(NF-3) == 1' | wc -l)
    [ "$applied" -eq "$kommuner" ] || kaa_die "case 3: the hub applied $applied of $kommuner batches"
    kill "$hub_server"; wait "$hub_server" 2>/dev/null || true
    rm -rf "$work/national/hub.sqlite"*
    cp "$work/national/hub0.sqlite" "$work/national/hub.sqlite"
    start_server hub "$bin/kaa-hub" --db "$work/national/hub.sqlite" --config "$work/hub-bench.json" serve --listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0
    hub_server=$server
    sed "s#HUB#$url#" "$work/hubcurl.cfg" > "$work/hubcurl.run.cfg"
    hub_ticks=$(cpu_ticks "$hub_server")
    start=$(now)
    curl -s --no-progress-meter --parallel --parallel-immediate --parallel-max 1000 -K "$work/hubcurl.run.cfg" > "$work/hubcurl.codes"
    hub_only_totals+=("$(echo "$(now) - $start" | bc)")
    hub_only_cpus+=("$(echo "scale=3; ($(cpu_ticks "$hub_server") - $hub_ticks) / $(getconf CLK_TCK)" | bc)")
    [ "$(grep -c '^201' "$work/hubcurl.codes")" -eq "$kommuner" ] || kaa_die "case 3: the hub did not apply every batch PUT by curl"
    kill "$hub_server"; wait "$hub_server" 2>/dev/null || true
    totals+=("$total") p50s+=("$(echo "$p50 * 1000" | bc)") p99s+=("$(echo "$p99 * 1000" | bc)")
    start=$(now)
    null_ticks=$(cpu_ticks "$null_server")
    /usr/bin/time -f "%U %S" -o "$work/curl.cpu" curl -s --no-progress-meter --parallel --parallel-immediate --parallel-max 1000 -K "$work/curl.cfg" > "$work/curl.times"
    base_totals+=("$(echo "$(now) - $start" | bc)")
    null_cpus+=("$(echo "scale=3; ($(cpu_ticks "$null_server") - $null_ticks) / $(getconf CLK_TCK)" | bc)")
    curl_cpus+=("$(awk '{print $1 + $2}' "$work/curl.cpu")")
    [ "$(grep -c '^204 ' "$work/curl.times")" -eq "$kommuner" ] || kaa_die "case 3: the baseline's PUTs did not all succeed"
    base_p50s+=("$(cut -d' ' -f2 "$work/curl.times" | sort -g | awk '{v[NR]=$1} END {print 1000 * v[int((NR + 1) / 2)]}')")
    base_p99s+=("$(cut -d' ' -f2 "$work/curl.times" | sort -g | awk '{v[NR]=$1} END {r = int(NR * 0.99 + 0.999); print 1000 * v[r < 1 ? 1 : r]}')")
    # The other reading of "290 concurrent curl PUTs": 290 curl processes at once.
    : > "$work/curlp.times"
    curls=()
    start=$(now)
    while read -r kommun generation seq _; do
        curl -s -o /dev/null -w "%{http_code}\n" -X PUT -H "Content-Type: application/json" -H "Expect:" \
            --data-binary "@$work/national/batches/$kommun.json" "$null_url/v1/sites/$kommun/batches/$generation/$seq" >> "$work/curlp.times" &
        curls+=("$!")
    done < "$work/national/manifest.txt"
    wait "${curls[@]}"
    proc_totals+=("$(echo "$(now) - $start" | bc)")
    [ "$(grep -c '^204' "$work/curlp.times")" -eq "$kommuner" ] || kaa_die "case 3: the curl processes' PUTs did not all succeed"
done
kill "$null_server"
throughput=$(awk -v ours="$(median "${totals[@]}")" -v base="$(median "${base_totals[@]}")" 'BEGIN {printf "%.0f %%", 100 * base / ours}')
rows+=("3 $kommuner uploads, all applied durably|$(stats "${totals[@]}") s|1 curl, all at once, no-op $(stats "${base_totals[@]}") s|$throughput|< 10 s; ≥ 50 %")
throughput=$(awk -v ours="$(median "${totals[@]}")" -v base="$(median "${proc_totals[@]}")" 'BEGIN {printf "%.0f %%", 100 * base / ours}')
rows+=("3 (same, other baseline)|$(stats "${totals[@]}") s|$kommuner curl processes, no-op $(stats "${proc_totals[@]}") s|$throughput|≥ 50 %")
rows+=("3 breakdown: the hub alone (1 curl PUTs)|$(stats "${hub_only_totals[@]}") s, hub CPU $(stats "${hub_only_cpus[@]}") s|1 curl, all at once, no-op $(stats "${base_totals[@]}") s|—|—")
rows+=("3 CPU s: uploading process; hub|$(stats "${client_cpus[@]}"); $(stats "${hub_cpus[@]}")|1 curl $(stats "${curl_cpus[@]}"); no-op $(stats "${null_cpus[@]}")|—|—")
rows+=("3 per-batch p50|$(stats "${p50s[@]}") ms|$(stats "${base_p50s[@]}") ms|—|—")
rows+=("3 per-batch p99|$(stats "${p99s[@]}") ms|$(stats "${base_p99s[@]}") ms|—|—")
fi

# --- Case 4: the published table of a national hub (290 kommuner, the full grid) under 50
# concurrent readers, beside the same bytes from a static file, and a revalidation's 304.
if want 4; then
kaa_log "case 4: a national hub of $kommuner kommuner, 50 readers"
mkdir -p "$work/region"
"$bin/kaa-bench" national-prepare --dir "$work/region" --hub-db "$work/region/hub.sqlite" --kommuner "$kommuner" >/dev/null
start_server region "$bin/kaa-hub" --db "$work/region/hub.sqlite" serve --listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0
region_server=$server
"$bin/kaa-bench" national-upload --dir "$work/region" --hub "$url" >/dev/null
table="$url/v1/published.csv?period=$(echo "$KAA_TODAY" | cut -c1-7)"
curl -sf "$table" > "$work/region/table.csv"
etag=$(curl -sfI "$table" | tr -d '\r' | awk -F': ' 'tolower($1) == "etag" {print $2}')
[ -n "$etag" ] || kaa_die "case 4: the published table has no ETag"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$table")" = 304 ] || kaa_die "case 4: If-None-Match does not give 304"
start_server static "$bin/kaa-bench" static-server --listen 127.0.0.1:0 --file "$work/region/table.csv"
static_server=$server
static=$url/table.csv
curl -sf "$static" | cmp -s - "$work/region/table.csv" || kaa_die "case 4: the static server does not serve the same bytes"
# The same table as a browser, pandas or requests fetch it (Accept-Encoding: gzip), beside its
# gzip bytes from a static file: at 290 kommuner the plain CSV is ~1.8 MB, and moving it 50 times
# over is most of either server's time.
curl -sf -H "Accept-Encoding: gzip" "$table" > "$work/region/table.csv.gz"
[ "$(head -c 2 "$work/region/table.csv.gz" | od -An -tx1 | tr -d ' ')" = 1f8b ] || kaa_die "case 4: the published table is not sent gzip when asked"
start_server static "$bin/kaa-bench" static-server --listen 127.0.0.1:0 --file "$work/region/table.csv.gz"
static_gz_server=$server
static_gz=$url/table.csv.gz
# wrk_run CONNECTIONS URL [HEADER]: "p50_ms p99_ms requests_per_second" over $readers_seconds;
# any answer but 2xx/3xx fails the case (a 304 is what revalidation should get).
wrk_run() {
    local header=()
    [ $# -ge 3 ] && header=(-H "$3")
    wrk -t"$(( $1 < 2 ? 1 : 2 ))" -c"$1" -d"${readers_seconds}s" --latency "${header[@]}" "$2" > "$work/wrk.out"
    ! grep -q "Non-2xx" "$work/wrk.out" || kaa_die "case 4: errors from $2"
    echo "$(awk '$1 == "50%" {print $2}' "$work/wrk.out" | to_ms) $(awk '$1 == "99%" {print $2}' "$work/wrk.out" | to_ms) $(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")"
}
p50s=() p99s=() rates=() base_p50s=() base_p99s=() base_rates=() nm_p99s=() nm_rates=() one_p50s=() one_p99s=()
gz_p99s=() gz_rates=() gz_base_p99s=() gz_base_rates=()
for run in $(seq "$runs"); do
    read -r p50 p99 rate < <(wrk_run 50 "$table"); p50s+=("$p50") p99s+=("$p99") rates+=("$rate")
    read -r p50 p99 rate < <(wrk_run 50 "$static"); base_p50s+=("$p50") base_p99s+=("$p99") base_rates+=("$rate")
    # A revalidation's own time (one connection, so no queue behind 49 others) and under 50 readers.
    read -r p50 p99 rate < <(wrk_run 1 "$table" "If-None-Match: $etag"); one_p50s+=("$p50") one_p99s+=("$p99")
    read -r p50 p99 rate < <(wrk_run 50 "$table" "If-None-Match: $etag"); nm_p99s+=("$p99") nm_rates+=("$rate")
    read -r p50 p99 rate < <(wrk_run 50 "$table" "Accept-Encoding: gzip"); gz_p99s+=("$p99") gz_rates+=("$rate")
    read -r p50 p99 rate < <(wrk_run 50 "$static_gz"); gz_base_p99s+=("$p99") gz_base_rates+=("$rate")
done
kill "$region_server" "$static_server" "$static_gz_server"
bytes=$(wc -c < "$work/region/table.csv")
rows+=("4 published table, $kommuner kommuner ($bytes B), p50|$(stats "${p50s[@]}") ms|static file $(stats "${base_p50s[@]}") ms|$(awk -v a="$(median "${p50s[@]}")" -v b="$(median "${base_p50s[@]}")" 'BEGIN {printf "%.1f×", a / b}')|—")
rows+=("4 published table, p99|$(stats "${p99s[@]}") ms|static file $(stats "${base_p99s[@]}") ms|$(awk -v a="$(median "${p99s[@]}")" -v b="$(median "${base_p99s[@]}")" 'BEGIN {printf "%.1f×", a / b}')|< 50 ms")
rows+=("4 published table, requests/s|$(stats "${rates[@]}")|static file $(stats "${base_rates[@]}")|$(awk -v a="$(median "${rates[@]}")" -v b="$(median "${base_rates[@]}")" 'BEGIN {printf "%.0f %%", 100 * a / b}')|≥ 50 %")
gz_bytes=$(wc -c < "$work/region/table.csv.gz")
rows+=("4 the same, gzip ($gz_bytes B), p99|$(stats "${gz_p99s[@]}") ms|static gzip file $(stats "${gz_base_p99s[@]}") ms|$(awk -v a="$(median "${gz_p99s[@]}")" -v b="$(median "${gz_base_p99s[@]}")" 'BEGIN {printf "%.1f×", a / b}')|< 50 ms")
rows+=("4 the same, gzip, requests/s|$(stats "${gz_rates[@]}")|static gzip file $(stats "${gz_base_rates[@]}")|$(awk -v a="$(median "${gz_rates[@]}")" -v b="$(median "${gz_base_rates[@]}")" 'BEGIN {printf "%.0f %%", 100 * a / b}')|≥ 50 %")
rows+=("4 revalidation (If-None-Match → 304), 1 connection, p99|$(stats "${one_p99s[@]}") ms (p50 $(stats "${one_p50s[@]}") ms)|—|—|< 1 ms")
rows+=("4 revalidation, 50 readers, p99; requests/s|$(stats "${nm_p99s[@]}") ms; $(median "${nm_rates[@]}")/s|—|—|—")
fi

# --- Case 5: the web UI on the register of case 2, 20 handläggare logged in at once.
if want 5; then
kaa_log "case 5: the web UI on a register of $episodes episodes, 20 sessions"
mkdir -p "$work/web"
: > "$work/web/bad.txt"
web_db="$work/web/r.sqlite"
sqlite3 "$register" ".backup '$web_db'"
webkaa() { "$bin/kaa" --db "$web_db" "$@"; }
# The history import has no names: give everyone a synthetic one (a name search needs them).
sqlite3 "$web_db" "UPDATE person SET
    first_name = json_extract('[\"Alva\",\"Elsa\",\"Maja\",\"Wilma\",\"Ella\",\"Saga\",\"Ebba\",\"Nora\",\"Hugo\",\"Liam\",\"Noah\",\"William\",\"Oscar\",\"Elias\",\"Lucas\",\"Leo\",\"Åsa\",\"Örjan\"]', '\$[' || (id % 18) || ']'),
    last_name = json_extract('[\"Andersson\",\"Johansson\",\"Karlsson\",\"Nilsson\",\"Eriksson\",\"Larsson\",\"Olsson\",\"Persson\",\"Svensson\",\"Gustafsson\",\"Öberg\",\"Ängström\"]', '\$[' || (id / 18 % 12) || ']')"
for n in $(seq -w 1 20); do webkaa staff add "h$n" --role handlaggare --name "Handläggare $n" > "$work/web/h$n.credentials"; done
webkaa staff add samordnare --role samordnare --name "Samordnaren" > "$work/web/samordnare.credentials"
# Everyone with an open episode gets one of the 20 handläggare (as 'kaa caseload assign' would, in one statement).
sqlite3 "$web_db" "INSERT INTO caseload (person_id, staff_id, assigned_at)
    SELECT p.id, (SELECT id FROM staff WHERE login = printf('h%02d', p.id % 20 + 1)), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
    FROM person p WHERE EXISTS (SELECT 1 FROM episode e WHERE e.person_id = p.id AND e.deregistered_on IS NULL)"
in_caseloads=$(sqlite3 "$web_db" "SELECT count(*) FROM caseload")
"$bin/kaa" --db "$web_db" web --listen 127.0.0.1:0 > "$work/web.out" 2>"$work/web.err" &
servers+=("$!")
web_server=$!
for _ in $(seq 100); do grep -q "listening on" "$work/web.out" 2>/dev/null && break; sleep 0.1; done
web_url=$(sed -n 's/^listening on //p' "$work/web.out")
[ -n "$web_url" ] || kaa_die "case 5: kaa web did not start: $(cat "$work/web.err")"
csrf_of() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1; }
# log_in LOGIN: the first login (one-time password, TOTP code, then a password of one's own) with
# curl; appends the two Argon2id steps' times (ms) to login_ms and password_ms, prints the cookie.
login_ms=() password_ms=()
log_in() {
    local login=$1 jar="$work/web/$1.jar" password secret csrf answer
    password=$(sed -n 's/^password: //p' "$work/web/$login.credentials")
    secret=$(sed -n 's/^totp: .*secret=\([A-Z2-7]*\).*/\1/p' "$work/web/$login.credentials")
    csrf=$(curl -sf -c "$jar" -b "$jar" "$web_url/login" | csrf_of)
    answer=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -c "$jar" -b "$jar" -H "Origin: $web_url" --data-urlencode "csrf=$csrf" \
        --data-urlencode "username=$login" --data-urlencode "password=$password" --data-urlencode "otp=$(oathtool --totp -b "$secret")" "$web_url/login")
    [ "${answer% *}" = 303 ] || kaa_die "case 5: the login of $login answered $answer"
    login_ms+=("$(echo "${answer#* } * 1000" | bc)")
    csrf=$(curl -sf -c "$jar" -b "$jar" "$web_url/losenord" | csrf_of)
    answer=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -c "$jar" -b "$jar" -H "Origin: $web_url" --data-urlencode "csrf=$csrf" \
        --data-urlencode "new_password=Kaffe på Fyristorg klockan sju" --data-urlencode "new_password_repeat=Kaffe på Fyristorg klockan sju" "$web_url/losenord")
    [ "${answer% *}" = 303 ] || kaa_die "case 5: the new password of $login answered $answer"
    password_ms+=("$(echo "${answer#* } * 1000" | bc)")
}
: > "$work/web/sessions.tsv"
for n in $(seq -w 1 20); do
    log_in "h$n"
    jar="$work/web/h$n.jar"
    cookie=$(awk '$6 == "kaa_session" {print $7}' "$jar")
    csrf=$(curl -sf -b "$jar" "$web_url/" | csrf_of)
    # Someone in the session's caseload with an open episode: their Personkort, and their name to search for.
    IFS='|' read -r id name < <(sqlite3 "$web_db" "SELECT c.person_id, p.first_name || ' ' || p.last_name FROM caseload c
        JOIN staff s ON s.id = c.staff_id JOIN person p ON p.id = c.person_id WHERE s.login = 'h$n' ORDER BY c.person_id LIMIT 1")
    query=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote_plus(sys.argv[1]))' "$name")
    printf '%s\t%s\t%s\t%s\n' "$cookie" "$csrf" "$id" "$query" >> "$work/web/sessions.tsv"
    # Each kind of request answers 200 with the right page for this session before wrk measures it.
    curl -sf -b "$jar" "$web_url/" | grep -q "<h1>Idag</h1>" || kaa_die "case 5: h$n's Idag is not the Idag page"
    curl -sf -b "$jar" "$web_url/personer/$id" | grep -qF "$name" || kaa_die "case 5: h$n's Personkort of person $id does not answer 200 with the name"
    curl -sf -b "$jar" -H "Origin: $web_url" --data "csrf=$csrf&q=$query" "$web_url/sok" | grep -q "href=\"/personer/$id\"" \
        || kaa_die "case 5: h$n's search for a name in the caseload does not find person $id"
done
log_in samordnare
sam_cookie=$(awk '$6 == "kaa_session" {print $7}' "$work/web/samordnare.jar")
printf '%s\tx\t1\tx\n' "$sam_cookie" > "$work/web/samordnare.tsv"
# web_wrk MODE [SESSIONS] [CONNECTIONS]: "p50_ms p99_ms requests_per_second not_200", the answers
# other than 200 also listed in web/bad.txt.
web_wrk() {
    # A 30-s timeout: wrk leaves a request slower than its default 2 s out of the latencies.
    local connections=${3:-20}
    wrk -t"$((connections < 2 ? 1 : 2))" -c"$connections" -d"${readers_seconds}s" --timeout 30s --latency -s benchmarks/web.lua "$web_url" -- "$1" "${2:-$work/web/sessions.tsv}" "$web_url" > "$work/wrk.out"
    ! grep -q "Socket errors" "$work/wrk.out" || kaa_die "case 5: socket errors or timeouts for $1: $(grep "Socket errors" "$work/wrk.out")"
    grep -q "^unexpected_status" "$work/wrk.out" || kaa_die "case 5: web.lua reported nothing for $1"
    # Answers other than 200 (a 503 when the register stayed busy past its timeout) are reported, not hidden.
    local bad
    bad=$(awk '/^unexpected_status/ {print $2}' "$work/wrk.out")
    [ "$bad" -eq 0 ] || echo "case 5: $1: $(sed -n 's/^unexpected_status //p' "$work/wrk.out")" >> "$work/web/bad.txt"
    echo "$(awk '$1 == "50%" {print $2}' "$work/wrk.out" | to_ms) $(awk '$1 == "99%" {print $2}' "$work/wrk.out" | to_ms) $(awk '/Requests\/sec/ {print $2}' "$work/wrk.out") $bad"
}
declare -A web_p50 web_p99 web_rate web_bad
for mode in static idag search person samordnare; do web_p50[$mode]="" web_p99[$mode]="" web_rate[$mode]=""; done
for run in $(seq "$runs"); do
    for mode in static idag search person; do
        read -r p50 p99 rate bad < <(web_wrk "$mode")
        web_p50[$mode]+="$p50 " web_p99[$mode]+="$p99 " web_rate[$mode]+="$rate " web_bad[$mode]=$((${web_bad[$mode]:-0} + bad))
    done
done
# One session at a time: the cost of one request, without waiting for the others.
declare -A single_p50 single_p99
for mode in idag search person; do read -r single_p50[$mode] single_p99[$mode] _ < <(web_wrk "$mode" "$work/web/sessions.tsv" 1); done
# Last, so its audit rows (everyone shown) do not weigh on the runs above.
read -r p50 p99 rate _ < <(web_wrk idag "$work/web/samordnare.tsv" 4)
web_p50[samordnare]+="$p50 " web_p99[samordnare]+="$p99 " web_rate[samordnare]+="$rate "
kill "$web_server"
# shellcheck disable=SC2086 # the lists are space-separated numbers
base_p99=$(median ${web_p99[static]})
for mode in idag search person; do
    case $mode in idag) what="Idag (GET /), 20 sessions" ;; search) what="name search (POST /sok)" ;; person) what="Personkort (GET /personer/{id})" ;; esac
    # shellcheck disable=SC2086
    rows+=("5 $what, p99|$(stats ${web_p99[$mode]}) ms|/static/kaa.css $(stats ${web_p99[static]}) ms|$(awk -v a="$(median ${web_p99[$mode]})" -v b="$base_p99" 'BEGIN {printf "%.1f×", a / b}')|< 50 ms")
    # shellcheck disable=SC2086
    rows+=("5   p50; requests/s; answers not 200|$(stats ${web_p50[$mode]}) ms; $(median ${web_rate[$mode]})/s; ${web_bad[$mode]}|css $(stats ${web_p50[static]}) ms; $(median ${web_rate[static]})/s; ${web_bad[static]}|—|—")
    rows+=("5   1 session at a time: p50; p99|${single_p50[$mode]} ms; ${single_p99[$mode]} ms|—|—|—")
done
# shellcheck disable=SC2086
rows+=("5 Idag for the samordnare (all), 4 conns, p99|$(stats ${web_p99[samordnare]}) ms|/static/kaa.css $(stats ${web_p99[static]}) ms|$(awk -v a="$(median ${web_p99[samordnare]})" -v b="$base_p99" 'BEGIN {printf "%.1f×", a / b}')|—")
rows+=("5 login: POST /login (Argon2id, TOTP), 21|$(stats "${login_ms[@]}") ms|—|—|excluded above")
rows+=("5 first password: POST /losenord (Argon2id)|$(stats "${password_ms[@]}") ms|—|—|—")
[ ! -s "$work/web/bad.txt" ] || rows+=("5 answers not 200 (status list)|$(cut -c1-120 "$work/web/bad.txt" | tr '\n' ';')|—|—|none")
rows+=("5 register: people in 20 caseloads|$in_caseloads of $(sqlite3 "$web_db" "SELECT count(*) FROM person") people|—|—|—")
rows+=("5 register after the runs: audit rows; sets; log|$(sqlite3 "$web_db" "SELECT count(*) FROM audit_log"); $(sqlite3 "$web_db" "SELECT count(*) FROM audit_shown_set"); $(( $(stat -c %s "$web_db-wal" 2>/dev/null || echo 0) / 1048576 )) MiB WAL|—|—|—")
fi

# --- Case 6: the month run through the web (upload, preview, commit) beside `kaa identify` on the
# same files in the same run, and the server's peak memory while the files are uploaded.
if want 6; then
declare -A upload_peak
for size in "$small" "$large"; do
    dir="$work/$size"
    mkdir -p "$dir"
    [ -f "$dir/folkbokforing.csv" ] || { kaa_log "case 6: generating a $size-row extract"; python3 benchmarks/generate.py extract "$size" "$dir"; }
    times=() baselines=() uploads=() peaks=()
    for run in $(seq "$runs"); do
        rm -f "$dir/m.sqlite"*
        "$bin/kaa" --db "$dir/m.sqlite" init --kommun 0380 >/dev/null 2>&1
        read -r base _ < <(time_of "$bin/kaa" --db "$dir/m.sqlite" identify --date "$KAA_TODAY" \
            --folkbokforing "$dir/folkbokforing.csv" --enrolment "$dir/enrolment.csv")
        baselines+=("$base")
        rm -rf "$dir/w.sqlite"* "$dir/w.jar"
        "$bin/kaa" --db "$dir/w.sqlite" init --kommun 0380 >/dev/null 2>&1
        "$bin/kaa" --db "$dir/w.sqlite" staff add sara --role samordnare --name "Sara Samordnare" > "$dir/sara.credentials"
        "$bin/kaa" --db "$dir/w.sqlite" web --listen 127.0.0.1:0 > "$dir/web.out" 2>"$dir/web.err" &
        server=$!
        servers+=("$server")
        for _ in $(seq 100); do grep -q "listening on" "$dir/web.out" 2>/dev/null && break; sleep 0.1; done
        url=$(sed -n 's/^listening on //p' "$dir/web.out")
        [ -n "$url" ] || kaa_die "case 6: kaa web did not start: $(cat "$dir/web.err")"
        jar="$dir/w.jar"
        token() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1; }
        csrf=$(curl -sf -c "$jar" -b "$jar" "$url/login" | token)
        curl -sf -o /dev/null -c "$jar" -b "$jar" -H "Origin: $url" --data-urlencode "csrf=$csrf" --data-urlencode "username=sara" \
            --data-urlencode "password=$(sed -n 's/^password: //p' "$dir/sara.credentials")" \
            --data-urlencode "otp=$(oathtool --totp -b "$(sed -n 's/^totp: .*secret=\([A-Z2-7]*\).*/\1/p' "$dir/sara.credentials")")" "$url/login"
        csrf=$(curl -sf -c "$jar" -b "$jar" "$url/losenord" | token)
        curl -sf -o /dev/null -c "$jar" -b "$jar" -H "Origin: $url" --data-urlencode "csrf=$csrf" \
            --data-urlencode "new_password=Kaffe på Fyristorg klockan sju" --data-urlencode "new_password_repeat=Kaffe på Fyristorg klockan sju" "$url/losenord"
        csrf=$(curl -sf -b "$jar" "$url/manadskorning" | token)
        [ -n "$csrf" ] || kaa_die "case 6: no Månadskörning page for the samordnare"
        started=$(date +%s.%N)
        location=$(curl -s -o /dev/null -w '%{redirect_url}' -b "$jar" -H "Origin: $url" -F "csrf=$csrf" -F "datum=$KAA_TODAY" \
            -F "folkbokforing=@$dir/folkbokforing.csv;type=text/csv" -F "inskrivning=@$dir/enrolment.csv;type=text/csv" "$url/manadskorning")
        uploaded=$(date +%s.%N)
        peaks+=("$(awk '/^VmHWM/ {print $2}' "/proc/$server/status")")
        [ -n "$location" ] || kaa_die "case 6: the upload was not taken: $(tail -3 "$dir/web.err")"
        # wait_done PATH: GET until the page no longer reloads itself (no Refresh header: the run's work is done); prints the page.
        wait_done() { local page; while page=$(curl -sf -i -b "$jar" "$1") && grep -qi '^refresh:' <<< "$page"; do sleep 0.05; done; printf '%s' "$page"; }
        digest=$(wait_done "$location" | sed -n 's/.*name="lista" value="\([0-9a-f]*\)".*/\1/p' | head -n 1)
        [ -n "$digest" ] || kaa_die "case 6: no preview at $location"
        csrf=$(curl -sf -b "$jar" "$location" | token)
        curl -sf -o /dev/null -b "$jar" -H "Origin: $url" --data "csrf=$csrf&lista=$digest" "$location/genomfor"
        wait_done "$location" | grep -q "Månadskörningen är genomförd" || kaa_die "case 6: the commit did not finish"
        finished=$(date +%s.%N)
        times+=("$(echo "$finished - $started" | bc)")
        uploads+=("$(echo "$uploaded - $started" | bc)")
        kill "$server"; wait "$server" 2>/dev/null || true
        web_count=$(sqlite3 "$dir/w.sqlite" "SELECT count(*) FROM episode") cli_count=$(sqlite3 "$dir/m.sqlite" "SELECT count(*) FROM episode")
        [ "$web_count" = "$cli_count" ] || kaa_die "case 6: the web run registered $web_count, kaa identify $cli_count"
        [ -z "$(ls -A "$dir/w.sqlite.uploads")" ] || kaa_die "case 6: uploaded files were left behind"
    done
    upload_peak[$size]=$(median "${peaks[@]}")
    ratio=$(awk -v a="$(median "${times[@]}")" -v b="$(median "${baselines[@]}")" 'BEGIN {printf "%.2f×", a / b}')
    rows+=("6 month run via web, $size rows|$(stats "${times[@]}") s (upload $(stats "${uploads[@]}") s)|kaa identify $(stats "${baselines[@]}") s|$ratio|≤ 1.5×")
done
growth=$(awk -v a="${upload_peak[$small]}" -v b="${upload_peak[$large]}" 'BEGIN {printf "%.2f×", b / a}')
rows+=("6 kaa web peak memory at upload|${upload_peak[$small]} KB → ${upload_peak[$large]} KB|—|$growth|flat (≈ 1×)")
fi

# --- Case 7: the national night through the län: case 3's batches applied to a hub per län (21 at
# full size), each forwarding its kommuner's cells (kaa-hub forward, all 21 at once) to a national
# hub with a relay per län; timed from their start until all exited 0 (all applied durably), beside
# case 3's figure of the kommuner uploading directly.
if want 7; then
kaa_log "case 7: a hub per län with case 3's batches, forwarding to a national hub"
federation=$work/federation
"$bin/kaa-bench" federation-prepare --dir "$work/national" --out "$federation" >/dev/null
"$bin/kaa-hub" --db "$federation/national0.sqlite" init >/dev/null
counties=()
while read -r county members; do
    (umask 077; "$bin/kaa-hub" --db "$federation/national0.sqlite" relay add "lan-$county" --kommuner "$members" > "$federation/relay-$county.token")
    counties+=("$county")
done < "$federation/regions.txt"
cp -r "$federation/regions" "$federation/regions0"
# cells_digest DB...: the exact cells of the hubs together (kaa-hub cells --exact --json), one sorted
# line per cell; prints "KOMMUNER SHA-256".
cells_digest() {
    local db
    for db in "$@"; do "$bin/kaa-hub" --db "$db" cells --exact --json; done | python3 -c '
import hashlib, json, sys
decoder, text, cells, at = json.JSONDecoder(), sys.stdin.read(), [], 0
while True:
    while at < len(text) and text[at].isspace(): at += 1
    if at == len(text): break
    part, at = decoder.raw_decode(text, at)
    cells += [json.dumps(cell, sort_keys=True, ensure_ascii=False) for cell in part]
print(len({json.loads(cell)["kommun"] for cell in cells}), hashlib.sha256("\n".join(sorted(cells)).encode()).hexdigest())'
}
regional_dbs=()
for county in "${counties[@]}"; do regional_dbs+=("$federation/regions0/$county.sqlite"); done
read -r expected_kommuner expected_digest < <(cells_digest "${regional_dbs[@]}")
[ "$expected_kommuner" -eq "$kommuner" ] || kaa_die "case 7: the regional hubs hold $expected_kommuner of $kommuner kommuner"
forwards=()
for run in $(seq "$runs"); do
    # Fresh hubs on both levels each run: a regional hub that has forwarded keeps its generations and
    # seqs, which a fresh national hub would refuse.
    rm -rf "$federation/national.sqlite"* "$federation/regions"
    cp "$federation/national0.sqlite" "$federation/national.sqlite"
    cp -r "$federation/regions0" "$federation/regions"
    start_server national "$bin/kaa-hub" --db "$federation/national.sqlite" --config "$work/hub-bench.json" serve --listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0
    national_server=$server
    pids=()
    start=$(now)
    for county in "${counties[@]}"; do
        "$bin/kaa-hub" --db "$federation/regions/$county.sqlite" forward --to "$url" --token-file "$federation/relay-$county.token" \
            > "$federation/forward-$county.out" 2> "$federation/forward-$county.err" &
        pids+=("$!")
    done
    for index in "${!pids[@]}"; do
        wait "${pids[index]}" || kaa_die "case 7: the forward of län ${counties[index]} failed: $(tail -3 "$federation/forward-${counties[index]}.err")"
    done
    forwards+=("$(echo "$(now) - $start" | bc)")
    kill "$national_server"; wait "$national_server" 2>/dev/null || true
    read -r got_kommuner got_digest < <(cells_digest "$federation/national.sqlite")
    [ "$got_kommuner" -eq "$kommuner" ] && [ "$got_digest" = "$expected_digest" ] \
        || kaa_die "case 7: the national hub holds $got_kommuner kommuner, its cells differ from the regional hubs' ($got_digest, not $expected_digest)"
done
ratio=$(awk -v a="$(median "${forwards[@]}")" -v b="$(median "${totals[@]}")" 'BEGIN {printf "%.1f×", a / b}')
rows+=("7 $kommuner kommuner forwarded by ${#counties[@]} län hubs|$(stats "${forwards[@]}") s|case 3: $kommuner direct uploads $(stats "${totals[@]}") s|$ratio|< 10 s")
fi

echo
printf '%-44s | %-28s | %-40s | %-7s | %s\n' "case" "measured: median (min–max)" "baseline (same run)" "ratio" "target"
printf '%s\n' "$(printf '%.0s-' {1..130})"
for row in "${rows[@]}"; do
    IFS='|' read -r name measured baseline ratio target <<< "$row"
    printf '%-44s | %-28s | %-40s | %-7s | %s\n' "$name" "$measured" "$baseline" "$ratio" "$target"
done
