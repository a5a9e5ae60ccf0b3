#!/usr/bin/env bash
# The demo: a whole region. Each kommun of Uppsala län gets its own register, built the way a
# coordinator builds it: kaa identify on generated folkbokföring and enrolment files (Skatteverket's
# official test personnummer only), a few weeks of contacts and measures, a nightly sync over real
# HTTP to a hub on 127.0.0.1; then a second month and a second night with changes, and the region's
# table. Installs what it needs on a fresh Debian machine with Swift; writes only to a temp folder.
# Usage: bash scripts/demo.sh [--serve]   (--serve keeps the hub and its dashboard up until Ctrl-C, and
# serves Uppsala's register in the coordinators' web UI, with a demo account for each role)
set -euo pipefail
cd "$(dirname "$0")/.."
serve=0
for argument in "$@"; do
    case "$argument" in
        --serve) serve=1 ;;
        -h|--help) sed -n '2,8p' "$0"; echo "Usage: bash scripts/demo.sh [--serve]"; exit 0 ;;
        *) echo "Error: unknown option '$argument'" >&2; echo "Usage: bash scripts/demo.sh [--serve]" >&2; exit 64 ;;
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
hub() { "$bindir/kaa-hub" --db "$work/hub.sqlite" "$@"; }

today=$(TZ=Europe/Stockholm date +%F)
year=${today%%-*}
# The date $1 days before today (negative: after).
day() { TZ=Europe/Stockholm date -d "$today $((-$1)) days" +%F; }
first_run=$(day 45)
second_run=$(day 10)
first_night=$(day 15)

# Uppsala län's kommuner, each with a share of the test personnummer roughly in proportion to its
# population (Uppsala about 240 000 inhabitants, Älvkarleby about 9 500). Separate registers may
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

# The regional hub on 127.0.0.1, on a free port. Started directly, not through the hub function:
# $! of a backgrounded function is its subshell, and killing that left the hub running.
"$bindir/kaa-hub" --db "$work/hub.sqlite" serve --listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 > "$work/hub.out" 2> "$work/hub.log" &
hub_pid=$!
web_pid=
trap 'kill "$hub_pid" 2>/dev/null || true; [ -z "$web_pid" ] || kill "$web_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "listening on" "$work/hub.out" 2>/dev/null && break; sleep 0.1; done
address=$(sed -n 's/^listening on //p' "$work/hub.out")
[ -n "$address" ] || { cat "$work/hub.log" >&2; echo "the hub did not start" >&2; exit 1; }
url="http://$address"
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
month=${today:0:7}
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
    # Uppsala's register in the web UI: one demo account per role, and two handläggare with a
    # caseload each (the first 25 and the next 25 people in KAA; the rest are ej tilldelade).
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
    generate 3 "$work/0380-folkbokforing-3.csv" "$work/0380-inskrivning-3.csv" 0380 "$(printf '%s\n' "${kommuner[@]}" | sed -n 's/^0380://p')"
    "$bindir/kaa" web --listen 127.0.0.1:0 > "$work/web.out" 2> "$work/web.log" &
    web_pid=$!
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
    echo "Hubben och webbgränssnittet körs tills du trycker Ctrl-C."
    wait "$hub_pid"
fi
