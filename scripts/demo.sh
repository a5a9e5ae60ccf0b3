#!/usr/bin/env bash
# The demo: #jagmed Östra Mellansverige. The 52 kommuner of five län (Uppsala, Södermanland,
# Östergötland, Örebro, Västmanland) each get their own register, built the way a coordinator builds
# it: kaa identify on generated folkbokföring and enrolment files (Skatteverket's official test
# personnummer only, more people in larger kommuner), a few weeks of contacts and measures, a second
# month's files. Then one night: each kommun syncs over real HTTP to its län's regional hub (five hubs
# on 127.0.0.1), and each regional hub forwards its kommuner's cells to the ÖMS hub (kaa-hub forward);
# the demo checks that both levels hold exactly the same cells and prints each län's figures.
# Installs what it needs on a fresh Debian machine with Swift; writes only to a temp folder.
# Usage: bash scripts/demo.sh [--small] [--serve]
#   --small  the one-region demo: Uppsala län's 8 kommuner, one hub, two nights, the region's table
#   --serve  keeps the hubs and their dashboards up until Ctrl-C, and serves Uppsala's register in the
#            coordinators' web UI, with a demo account for each role
set -euo pipefail
cd "$(dirname "$0")/.."
serve=0
small=0
usage="Usage: bash scripts/demo.sh [--small] [--serve]"
for argument in "$@"; do
    case "$argument" in
        --serve) serve=1 ;;
        --small) small=1 ;;
        -h|--help) sed -n '2,13p' "$0"; echo "$usage"; exit 0 ;;
        *) echo "Error: unknown option '$argument'" >&2; echo "$usage" >&2; exit 64 ;;
    esac
done
source scripts/lib.sh
kaa_ensure_swift
# oathtool: the demo logins' one-time codes, computed in the shell (--serve prints the command).
[ "$serve" -eq 1 ] && KAA_APT_PACKAGES+=(oathtool)
kaa_ensure_packages

kaa_log "building kaa and kaa-hub"
swift build --product kaa >&2
swift build --product kaa-hub >&2
bindir="$(swift build --show-bin-path)"
work=$(mktemp -d "${TMPDIR:-/tmp}/kaa-demo.XXXXXX")
kaa() { "$bindir/kaa" "$@"; }
# The hub at $work/hub.sqlite: the one hub of --small, the ÖMS hub otherwise (what scripts/*-check.sh serve).
hub() { "$bindir/kaa-hub" --db "$work/hub.sqlite" "$@"; }

today=$(TZ=Europe/Stockholm date +%F)
year=${today%%-*}
# The date $1 days before today (negative: after).
day() { TZ=Europe/Stockholm date -d "$today $((-$1)) days" +%F; }
first_run=$(day 45)
second_run=$(day 10)
first_night=$(day 15)
month=${today:0:7}

# Uppsala län's kommuner (--small), each with a share of the test personnummer roughly in proportion
# to its population (Uppsala about 240 000 inhabitants, Älvkarleby about 9 500). Separate registers may
# reuse the same test numbers.
kommuner=(0380:0.50 0381:0.10 0382:0.045 0360:0.045 0305:0.045 0330:0.042 0331:0.03 0319:0.02)
# Folkbokföring extracts (the age slice 15-20) and enrolment lists: most study, some dropped out,
# some have a studiebevis, some are still in grundskola, some have no row at all. Month 2 differs:
# a few drop out, a few start studying, a few move away.
generate() { # $1 = month (1, 2, or 3: this month's files for the web UI's Månadskörning), $2 = folkbokföring file, $3 = enrolment file, $4 = kommun, $5 = share of the test people
    grep -E "^($((year - 20))|$((year - 19))|$((year - 18))|$((year - 17))|$((year - 16))|$((year - 15)))" seeds/testpersonnummer.txt \
        | awk -v month="$1" -v fb="$2" -v en="$3" -v kommun="$4" -v share="$5" -v year="$year" -v first="$first_run" -v second="$second_run" -v third="$today" '
        BEGIN {
            srand(2026 + kommun)
            split("Alva Elsa Maja Wilma Ella Saga Ebba Nora Hugo Liam Noah William Oscar Elias Lucas Leo Åsa Örjan", firsts, " ")
            split("Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson Öberg Ängström", lasts, " ")
            print "Personnummer;Förnamn;Efternamn;Utdelningsadress;Postnummer;Postort;Telefon;Skyddad" > fb
            print "personnummer;skola;huvudman;utbildning;status;datum" > en
        }
        {
            # Every row draws the same random numbers in both months, so people keep their story.
            pnr = $1; r = rand(); s = rand(); f = rand(); l = rand(); a = rand(); p = rand(); q = rand(); k = rand()
            if (k >= share) next   # keep this kommuns sample of the test people
            moved = (month >= 2 && s < 0.01)
            if (!moved) {
                printf "%s;%s;%s;Exempelgatan %d;75%03d;Uppsala;;%s\n", pnr, firsts[int(f * 18) + 1], lasts[int(l * 12) + 1],
                    int(a * 90) + 1, int(p * 900) + 100, (q < 0.02 ? "J" : "N") > fb
            }
            born = substr(pnr, 1, 4) + 0
            if (born >= year - 16) { print pnr ";Stenhagenskolan;Uppsala kommun;GRUNDSKOLA;STUDERAR;" (born + 7) "-08-20" > en; next }
            if (r < 0.80) {
                programme = (r < 0.70 ? "NP" : "IM")
                print pnr ";Katedralskolan;Uppsala kommun;" programme ";STUDERAR;" (born + 16) "-08-20" > en
                if (month >= 2 && s > 0.97) print pnr ";Katedralskolan;Uppsala kommun;" programme ";AVBROTT;" second > en
                if (month == 3 && s > 0.90 && s <= 0.97) print pnr ";Katedralskolan;Uppsala kommun;" programme ";AVBROTT;" third > en
            } else if (r < 0.86) {
                print pnr ";Lundellska skolan;Uppsala kommun;NP;AVBROTT;" (born + 17) "-03-01" > en
                if (month >= 2 && s > 0.85) print pnr ";Komvux Uppsala;Uppsala kommun;KOMVUX_GY;STUDERAR;" first > en
            } else if (r < 0.89) {
                print pnr ";Rosendalsgymnasiet;Uppsala kommun;NP;STUDIEBEVIS;" (born + 19) "-06-10" > en
            } else if (r < 0.91) {
                print pnr ";Wiks folkhögskola;Region Uppsala;FOLKHOGSKOLA;STUDERAR;" (born + 17) "-08-20" > en
            } else if (r < 0.95) {
                print pnr ";Celsiusskolan;Uppsala kommun;IM;AVBROTT;" (born + 17) "-01-15" > en
            }
            # else: no row at all (has not started gymnasium)
        }'
}


coordinator_week() { # a few weeks of contacts, measures and occupations for the people in KAA
    local channels=(SMS TELEFON BREV EPOST HEMBESOK VIA_SKOLA) occupations=(ARBETSSOKANDE INGEN ARBETE PRAKTIK STUDIER_KOMVUX_GRUND)
    local measures=(MOTIVATION SYV PRAKTIK FORBEREDANDE ARBETSMARKNAD) pnr
    RANDOM=2026
    for pnr in $(kaa list --json | grep '"personnummer"' | sed -E 's/.*"([0-9]{12})".*/\1/'); do
        case $((RANDOM % 4)) in
            0) ;;
            1) kaa contact add "$pnr" --date "$(day $((40 - RANDOM % 10)))" --channel "${channels[RANDOM % 6]}" >/dev/null ;;
            *)
                kaa contact add "$pnr" --date "$(day $((40 - RANDOM % 10)))" --channel "${channels[RANDOM % 6]}" --reached \
                    --occupation "${occupations[RANDOM % 5]}" >/dev/null
                if [ $((RANDOM % 2)) -eq 0 ]; then
                    if [ $((RANDOM % 6)) -eq 0 ]; then
                        kaa measure add "$pnr" --type "${measures[RANDOM % 5]}" --offered "$(day 25)" --declined >/dev/null
                    else
                        kaa measure add "$pnr" --type "${measures[RANDOM % 5]}" --offered "$(day 25)" --start "$(day 20)" \
                            --follow-up "$(day $((RANDOM % 20 - 5)))" --responsible "Kommunens KAA-team" >/dev/null
                    fi
                fi ;;
        esac
    done
}


# Every server the demo starts, stopped when it ends. Servers are started directly, not through the
# hub function: $! of a backgrounded function is its subshell, and killing that left the hub running.
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done' EXIT
# start_hub NAME DB [GLOBAL OPTIONS...]: a hub on 127.0.0.1 on a free port, logging to $work/NAME.out and NAME.log.
start_hub() {
    local name=$1 db=$2; shift 2
    "$bindir/kaa-hub" --db "$db" "$@" serve --listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 > "$work/$name.out" 2> "$work/$name.log" &
    pids+=("$!")
}
# hub_address NAME: waits for the hub started as NAME to listen, prints its host:port.
hub_address() {
    local address
    for _ in $(seq 100); do grep -q "listening on" "$work/$1.out" 2>/dev/null && break; sleep 0.1; done
    address=$(sed -n 's/^listening on //p' "$work/$1.out")
    [ -n "$address" ] || { cat "$work/$1.log" >&2; echo "the hub $1 did not start" >&2; exit 1; }
    echo "$address"
}

# Uppsala's register in the web UI (--serve): one demo account per role, and two handläggare with a
# caseload each (the first 25 and the next 25 people in KAA; the rest are ej tilldelade). $1 = Uppsala's share of the test people.
serve_web_ui() {
    export KAA_DB="$work/0380.sqlite"
    for account in hanna:handlaggare:"Hanna Handläggare" hugo:handlaggare:"Hugo Handläggare" sara:samordnare:"Sara Samordnare" \
                   greta:granskare:"Greta Granskare" adam:admin:"Adam Admin"; do
        IFS=: read -r login role name <<< "$account"
        (umask 077; kaa staff add "$login" --role "$role" --name "$name" > "$work/staff-$login.txt")
    done
    kaa list --json | sed -nE 's/.*"personnummer" : "([0-9]{12})".*/\1/p' > "$work/in-kaa.txt"
    head -n 50 "$work/in-kaa.txt" > "$work/caseload.txt"
    n=0
    while read -r pnr; do
        kaa caseload assign "$pnr" --staff "$([ "$n" -lt 25 ] && echo hanna || echo hugo)" 2>/dev/null
        n=$((n + 1))
    done < "$work/caseload.txt"
    # The SCB code mapping (the example's placeholders: check them against SCB's list before a real submission).
    kaa settings set scbMapping --file config/scb-mapping.example.json --yes >/dev/null
    # This month's files for Uppsala, to upload under Månadskörning (some have left their programme today).
    generate 3 "$work/0380-folkbokforing-3.csv" "$work/0380-inskrivning-3.csv" 0380 "$1"
    "$bindir/kaa" web --listen 127.0.0.1:0 > "$work/web.out" 2> "$work/web.log" &
    pids+=("$!")
    for _ in $(seq 100); do grep -q "listening on" "$work/web.out" 2>/dev/null && break; sleep 0.1; done
    web_url=$(sed -n 's/^listening on //p' "$work/web.out")
    [ -n "$web_url" ] || { cat "$work/web.log" >&2; echo "the web UI did not start" >&2; exit 1; }
    echo
    echo "== Webbgränssnittet för Uppsala (0380): $web_url/"
    echo "Logga in med inloggningsnamn, engångslösenord och engångskod; första inloggningen ber om ett eget lösenord."
    echo "Engångskoden (TOTP, byts var 30:e sekund): läs in otpauth-adressen i en autentiseringsapp, eller kör kommandot"
    echo "som står vid kontot (oathtool, installerat av demon). Koden \"nu\" gäller bara de närmaste sekunderna."
    for account in hanna:handläggare hugo:handläggare sara:samordnare greta:granskare adam:admin; do
        login=${account%%:*} role=${account##*:}
        password=$(sed -n 's/^password: //p' "$work/staff-$login.txt")
        uri=$(sed -n 's/^totp: //p' "$work/staff-$login.txt")
        secret=$(echo "$uri" | sed -n 's/.*secret=\([A-Z2-7]*\).*/\1/p')
        echo "  $role: $login, engångslösenord $password"
        echo "      kod: oathtool --totp -b $secret   (nu: $(oathtool --totp -b "$secret"))"
        echo "      $uri"
    done
    echo "Månadskörning (som sara): ladda upp $work/0380-folkbokforing-3.csv och $work/0380-inskrivning-3.csv."
}

if [ "$small" -eq 1 ]; then
# --- The one-region demo: Uppsala län's eight kommuner, one hub, two nights.
start_hub hub "$work/hub.sqlite"
url="http://$(hub_address hub)"
kaa_log "hub listening on $url (/metrics on http://$(sed -n 's/^metrics on //p' "$work/hub.out")/metrics)"
echo "== Månad 1: varje kommun kör kaa identify --date $first_run, loggar några veckors arbete, och natt 1 ($first_night) synkroniserar"
for entry in "${kommuner[@]}"; do
    code=${entry%%:*} share=${entry##*:}
    export KAA_DB="$work/$code.sqlite"
    (umask 077; hub site add "$code" > "$work/$code.token")
    kaa init --kommun "$code" >/dev/null
    generate 1 "$work/$code-folkbokforing-1.csv" "$work/$code-enrolment-1.csv" "$code" "$share"
    generate 2 "$work/$code-folkbokforing-2.csv" "$work/$code-enrolment-2.csv" "$code" "$share"
    summary=$(kaa identify --date "$first_run" --folkbokforing "$work/$code-folkbokforing-1.csv" --enrolment "$work/$code-enrolment-1.csv")
    echo "  $code: $(echo "$summary" | sed -n 's/^Nya i aktivitetsansvaret: *//p') nya i aktivitetsansvaret av $(echo "$summary" | sed -nE 's/.*: ([0-9]+) personer i folkbok.*/\1/p') i folkbokföringsuttaget"
    coordinator_week
    KAA_TODAY="$first_night" kaa sync --hub "$url" --token-file "$work/$code.token" 2>>"$work/sync.log" | sed "s/^/  $code: /"
done

echo
echo "== Månad 2: kaa identify --date $second_run, och natt 2 ($today) skickar bara det som ändrats"
for entry in "${kommuner[@]}"; do
    code=${entry%%:*}
    export KAA_DB="$work/$code.sqlite"
    kaa identify --date "$second_run" --folkbokforing "$work/$code-folkbokforing-2.csv" --enrolment "$work/$code-enrolment-2.csv" >/dev/null
    kaa sync --hub "$url" --token-file "$work/$code.token" 2>>"$work/sync.log" | sed "s/^/  $code: /"
done

echo
export KAA_DB="$work/0380.sqlite"
# Through a file, not a pipe: head closing it early made kaa die of SIGPIPE, and pipefail the demo.
kaa worklist ej-nadda > "$work/ej-nadda.txt"
head -n 6 "$work/ej-nadda.txt"
echo
hub site list
echo
hub region --period "$month" --exact
echo
echo "== Tillbaka till kommunen: Enköping jämför sig med regionens skyddade siffror (kaa compare)"
KAA_DB="$work/0381.sqlite" kaa compare --period "$month"

# What left the kommuner: no personnummer of any register is in the hub's database.
for entry in "${kommuner[@]}"; do KAA_DB="$work/${entry%%:*}.sqlite" kaa list --all --json; done \
    | sed -nE 's/.*"personnummer" : "([0-9]{12})".*/\1/p' | sort -u > "$work/all-personnummer.txt"
found=$(cat "$work"/hub.sqlite* | { grep -a -o -F -f "$work/all-personnummer.txt" || true; } | wc -l)
echo
echo "Integritetskontroll: $(wc -l < "$work/all-personnummer.txt") personnummer i kommunernas register, $found av dem i hubbens databas."
echo "Allt ligger i $work (hubbens logg: hub.log, nattjobbens: sync.log)."
echo "Instrumentpanelen: $url/"
if [ "$serve" -eq 1 ]; then
    serve_web_ui "$(printf '%s\n' "${kommuner[@]}" | sed -n 's/^0380://p')"
    echo "Hubben och webbgränssnittet körs tills du trycker Ctrl-C."
    wait "${pids[0]}"
fi
exit 0
fi

# --- #jagmed Östra Mellansverige: five län, a regional hub each, and the ÖMS hub above them.
lan_codes=(03 04 05 18 19)
declare -A relay_of=([03]=uppsala [04]=sormland [05]=ostergotland [18]=orebro [19]=vastmanland)
declare -A lan_name kommun_name
while IFS=, read -r code name _; do lan_name[$code]=$name; done < <(tail -n +2 seeds/lan.csv)
while IFS=, read -r code _ name _; do kommun_name[$code]=$name; done < <(tail -n +2 seeds/kommuner.csv)
# The 52 kommuner with their population in thousands (rounded, about 2024). Each gets a share of
# the test people in proportion (Uppsala 0.30, at least 0.012: every kommun has someone in KAA), fewer
# per inhabitant than --small so the whole of ÖMS fits in the demo's time.
population=(0305:22.9 0319:9.6 0330:20.4 0331:14.3 0360:21.4 0380:242.1 0381:47.7 0382:22.6
    0428:9.1 0461:11.4 0480:58.0 0481:12.2 0482:16.4 0483:35.0 0484:107.7 0486:38.4 0488:14.4
    0509:5.3 0512:3.6 0513:9.9 0560:5.5 0561:11.5 0562:21.9 0563:7.6 0580:167.4 0581:144.9 0582:14.6 0583:43.9 0584:7.5 0586:28.0
    1814:8.6 1860:5.6 1861:16.1 1862:9.4 1863:6.9 1864:4.8 1880:158.0 1881:22.2 1882:11.3 1883:30.1 1884:10.4 1885:23.1
    1904:4.4 1907:10.1 1960:8.7 1961:16.2 1962:5.7 1980:157.2 1981:22.7 1982:13.5 1983:26.5 1984:14.0)
declare -A share_of
for entry in "${population[@]}"; do
    share_of[${entry%%:*}]=$(awk -v p="${entry##*:}" 'BEGIN {s = p * 0.30 / 242.1; printf "%.4f", s < 0.012 ? 0.012 : s}')
done
# kommuner_in LAN: the län's kommun codes.
kommuner_in() { printf '%s\n' "${population[@]}" | cut -d: -f1 | grep "^$1"; }

# The hubs' configuration: the ÖMS hub accepts the five län, each regional hub its own.
printf '{"regionName": "Östra Mellansverige", "lan": [%s]}\n' "$(printf '"%s",' "${lan_codes[@]}" | sed 's/,$//')" > "$work/hub.json"
start_hub hub "$work/hub.sqlite" --config "$work/hub.json"
declare -A region_url
for lan in "${lan_codes[@]}"; do
    printf '{"regionName": "%s", "lan": ["%s"]}\n' "${lan_name[$lan]}" "$lan" > "$work/region-$lan.json"
    start_hub "region-$lan" "$work/region-$lan.sqlite" --config "$work/region-$lan.json"
done
oms_url="http://$(hub_address hub)"
kaa_log "the ÖMS hub listening on $oms_url"
for lan in "${lan_codes[@]}"; do
    region_url[$lan]="http://$(hub_address "region-$lan")"
    kaa_log "${lan_name[$lan]}'s hub listening on ${region_url[$lan]}"
done
# One relay per regional hub on the ÖMS hub, for exactly its län's kommuner; its token goes to the
# regional hub's nightly forward.
for lan in "${lan_codes[@]}"; do
    (umask 077; hub relay add "${relay_of[$lan]}" --kommuner "$(kommuner_in "$lan" | paste -sd,)" > "$work/relay-$lan.token")
done

# One kommun: its site on the regional hub, its register, month 1 and its weeks of work, month 2, and
# tonight's sync to the regional hub. Prints the kommun's lines of the report.
build_kommun() {
    local code=$1 lan=${1:0:2} summary night name
    export KAA_DB="$work/$code.sqlite"
    (umask 077; "$bindir/kaa-hub" --db "$work/region-$lan.sqlite" site add "$code" > "$work/$code.token")
    kaa init --kommun "$code" >/dev/null
    generate 1 "$work/$code-folkbokforing-1.csv" "$work/$code-enrolment-1.csv" "$code" "${share_of[$code]}"
    generate 2 "$work/$code-folkbokforing-2.csv" "$work/$code-enrolment-2.csv" "$code" "${share_of[$code]}"
    summary=$(kaa identify --date "$first_run" --folkbokforing "$work/$code-folkbokforing-1.csv" --enrolment "$work/$code-enrolment-1.csv")
    coordinator_week
    kaa identify --date "$second_run" --folkbokforing "$work/$code-folkbokforing-2.csv" --enrolment "$work/$code-enrolment-2.csv" >/dev/null
    night=$(kaa sync --hub "${region_url[$lan]}" --token-file "$work/$code.token" 2>>"$work/sync.log")
    # Padded by hand: printf pads by bytes, and the names have å, ä and ö.
    name="${kommun_name[$code]}                "
    printf '  %s %s %3s nya i aktivitetsansvaret av %3s i folkbokföringsuttaget; i natt: %s\n' "$code" "${name:0:16}" \
        "$(echo "$summary" | sed -n 's/^Nya i aktivitetsansvaret: *//p')" "$(echo "$summary" | sed -nE 's/.*: ([0-9]+) personer i folkbok.*/\1/p')" \
        "$(echo "$night" | sed 's/^Synkronisering klar: //')"
}

echo "== #jagmed Östra Mellansverige: 52 kommuner i fem län. Varje kommun kör kaa identify --date $first_run,"
echo "   loggar några veckors arbete, kör kaa identify --date $second_run, och i natt ($today) synkroniserar den till sitt läns hubb"
# The kommuner in a few parallel lanes (2 cores; a kaa process is short and waits on fsync now and
# then), the largest first and dealt out back and forth so the lanes take about as long.
lanes=3
lane=()
index=0
for code in $(printf '%s\n' "${population[@]}" | sort -t: -k2 -g -r | cut -d: -f1); do
    round=$((index / lanes)) position=$((index % lanes))
    [ $((round % 2)) -eq 1 ] && position=$((lanes - 1 - position))
    lane[position]+=" $code"
    index=$((index + 1))
done
lane_pids=()
for position in $(seq 0 $((lanes - 1))); do
    (for code in ${lane[position]}; do build_kommun "$code" > "$work/$code.report" 2>>"$work/kommuner.log"; done) &
    lane_pids+=("$!")
done
failed=0
for pid in "${lane_pids[@]}"; do wait "$pid" || failed=1; done
[ "$failed" -eq 0 ] || { tail -n 20 "$work/kommuner.log" "$work/sync.log" >&2; echo "a kommun's register or night failed" >&2; exit 1; }
for lan in "${lan_codes[@]}"; do
    echo "${lan_name[$lan]} (hubb ${region_url[$lan]}/):"
    for code in $(kommuner_in "$lan"); do cat "$work/$code.report"; done
done

echo
echo "== Samma natt: varje regional hubb vidarebefordrar sina kommuners celler till ÖMS-hubben (kaa-hub forward)"
declare -A forward_pid
for lan in "${lan_codes[@]}"; do
    "$bindir/kaa-hub" --db "$work/region-$lan.sqlite" --config "$work/region-$lan.json" forward --to "$oms_url" \
        --token-file "$work/relay-$lan.token" > "$work/forward-$lan.out" 2> "$work/forward-$lan.log" &
    forward_pid[$lan]=$!
done
for lan in "${lan_codes[@]}"; do
    wait "${forward_pid[$lan]}" || { cat "$work/forward-$lan.log" >&2; echo "${lan_name[$lan]}'s forward failed" >&2; exit 1; }
    echo "  ${lan_name[$lan]}: $(cat "$work/forward-$lan.out")"
done
echo
hub relay list

# The check: for every kommun, the ÖMS hub's exact cells are its regional hub's (kaa-hub cells --exact,
# read as JSON, compared kommun by kommun); the demo fails if one differs or is missing.
hub cells --exact --json > "$work/cells-oms.json"
for lan in "${lan_codes[@]}"; do "$bindir/kaa-hub" --db "$work/region-$lan.sqlite" cells --exact --json > "$work/cells-$lan.json"; done
echo
python3 - "$work" "${lan_codes[@]}" <<'PYTHON'
import json, sys
from collections import defaultdict
work, counties = sys.argv[1], sys.argv[2:]
def by_kommun(path):
    cells = defaultdict(list)
    for cell in json.load(open(path)):
        cells[cell["kommun"]].append(json.dumps(cell, sort_keys=True, ensure_ascii=False))
    return {kommun: sorted(lines) for kommun, lines in cells.items()}
upper = by_kommun(f"{work}/cells-oms.json")
regional = {}
for county in counties:
    regional.update(by_kommun(f"{work}/cells-{county}.json"))
differing = sorted(k for k in set(upper) | set(regional) if upper.get(k) != regional.get(k))
empty = sorted(k for k in regional if not regional[k])
if differing or len(regional) != 52 or empty:
    print(f"Kontrollen misslyckades: {len(regional)} kommuner i de regionala hubbarna, olika celler i ÖMS-hubben för: {', '.join(differing) or 'ingen'}", file=sys.stderr)
    sys.exit(1)
print(f"Kontroll: ÖMS-hubbens exakta celler är för var och en av de {len(regional)} kommunerna desamma som i dess läns hubb "
      f"({sum(len(v) for v in upper.values())} celler).")
PYTHON

# Each län side by side on the ÖMS hub: its published, protected county figures this month
# (/v1/published's county level), beside the regional hub's own total for the län (its region
# figure): the same cells with the same cell keys give the same figure, or the demo fails.
echo
args=()
for lan in "${lan_codes[@]}"; do args+=("$lan" "${lan_name[$lan]}" "$(kommuner_in "$lan" | wc -l)" "${region_url[$lan]}"); done
python3 - "$oms_url" "$month" "${args[@]}" <<'PYTHON'
import json, sys, urllib.request
oms, period, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
def published(url):
    with urllib.request.urlopen(f"{url}/v1/published?period={period}") as answer:
        return json.load(answer)
def total(cells, table, **owner):
    """A table's total (no dims) among the figures of one owner (kommun None: the region; lan: a län)."""
    for cell in cells:
        if cell["table"] == table and not cell["dims"] and all(cell.get(k) == v for k, v in owner.items()):
            return cell["value"]
    return None
upper = published(oms)
# A hub of several län publishes the county level (county_cells).
counties = upper.get("county_cells")
if counties is None:
    print("ÖMS-hubben publicerar ingen länsnivå (county_cells saknas i /v1/published).", file=sys.stderr)
    sys.exit(1)
print(f"Östra Mellansverige {period} (preliminärt), publicerade skyddade siffror i ÖMS-hubben per län:")
print(f"{'LÄN':<20} {'KOMMUNER':>8} {'I KAA':>6} {'16–19 ÅR':>9}   {'I KAA I LÄNETS HUBB':>19}")
differing = []
for i in range(0, len(rest), 4):
    county, name, count, regional_url = rest[i:i + 4]
    in_kaa, population = total(counties, "in_kaa", lan=county), total(counties, "population", lan=county)
    own = total(published(regional_url)["cells"], "in_kaa", kommun=None)
    print(f"{name:<20} {count:>8} {in_kaa if in_kaa is not None else '–':>6} {population if population is not None else '–':>9}   {own:>19}")
    if in_kaa is None or in_kaa != own:
        differing.append(name)
region = total(upper["cells"], "in_kaa", kommun=None)
print(f"{'Östra Mellansverige':<20} {sum(int(rest[i + 2]) for i in range(0, len(rest), 4)):>8} {region:>6} {total(upper['cells'], 'population', kommun=None):>9}")
if differing:
    print(f"ÖMS-hubbens siffra för länet skiljer sig från länets egen hubb: {', '.join(differing)}", file=sys.stderr)
    sys.exit(1)
PYTHON

# What left the kommuner: no personnummer of any register is in any hub's database.
for code in "${!share_of[@]}"; do KAA_DB="$work/$code.sqlite" kaa list --all --json; done \
    | sed -nE 's/.*"personnummer" : "([0-9]{12})".*/\1/p' | sort -u > "$work/all-personnummer.txt"
found=$(cat "$work"/hub.sqlite* "$work"/region-*.sqlite* | { grep -a -o -F -f "$work/all-personnummer.txt" || true; } | wc -l)
echo
echo "Integritetskontroll: $(wc -l < "$work/all-personnummer.txt") personnummer i kommunernas register, $found av dem i hubbarnas databaser."
[ "$found" -eq 0 ] || exit 1
echo "Allt ligger i $work (ÖMS-hubben: hub.sqlite och hub.log, länens hubbar: region-LÄN.*, nattjobbens loggar: sync.log, forward-LÄN.log)."
echo "Instrumentpanelen för Östra Mellansverige: $oms_url/"
for lan in "${lan_codes[@]}"; do echo "  ${lan_name[$lan]}: ${region_url[$lan]}/"; done
kaa_log "the demo took $SECONDS s (with the build)"
if [ "$serve" -eq 1 ]; then
    serve_web_ui "${share_of[0380]}"
    echo "Hubbarna och webbgränssnittet körs tills du trycker Ctrl-C."
    wait "${pids[0]}"
fi
