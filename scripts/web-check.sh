#!/usr/bin/env bash
# The coordinators' web UI (issue #15) in a real browser: builds kaa if needed, makes a register with
# synthetic people (Skatteverket's official test personnummer only) and one staff account per role,
# serves it with `kaa web` on 127.0.0.1, and runs Tests/Browser/web_ui_test.py (Selenium driving
# Debian's headless Chromium, axe-core on every page type, screenshots in .build/screenshots/).
# Part of the test command. Usage: bash scripts/web-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
kaa_ensure_swift
KAA_APT_PACKAGES+=(chromium chromium-driver python3-selenium python3-pyotp python3-venv)
kaa_ensure_packages

kaa_log "web check: building kaa"
swift build --product kaa >&2
bindir="$(swift build --show-bin-path)"
kaa() { "$bindir/kaa" --db "$work/kaa.sqlite" "$@"; }

kaa_browser_venv

work=$(mktemp -d "${TMPDIR:-/tmp}/kaa-web-check.XXXXXX")
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

today=$(TZ=Europe/Stockholm date +%F)
year=${today%%-*}
day() { TZ=Europe/Stockholm date -d "$today $((-$1)) days" +%F; }

kaa_log "web check: a register with synthetic people and one account per role"
kaa init --kommun 0380 >/dev/null
# People aged 16-19: four of each birth year (every 50th test personnummer of the year, file order).
numbers=()
for born in $((year - 19)) $((year - 18)) $((year - 17)) $((year - 16)); do
    mapfile -t -O "${#numbers[@]}" numbers < <(grep "^$born" seeds/testpersonnummer.txt | awk 'NR % 50 == 1' | head -n 4)
done
numbers=("${numbers[@]:0:14}")
[ "${#numbers[@]}" -eq 14 ] || kaa_die "web check: too few test personnummer for $year"
firsts=(Alva Elsa Maja Wilma Ella Saga Ebba Nora Hugo Liam Noah William Oscar Elias)
lasts=(Ängström Lindqvist Björk Sandberg Holm Åberg Ekström Lund Forsberg Nyström Berglund Sjöberg Hedlund Öhman)
reasons=(AVBROTT_NP AVBROTT_IM STUDIEBEVIS EJ_PABORJAT INFLYTTAD)
# Caseloads: 0-5 hanna's (3 has protected identity), 6-9 hugo's, 10-13 nobody's.
caseload() { if [ "$1" -le 5 ]; then echo hanna; elif [ "$1" -le 9 ]; then echo hugo; fi; }
for login_role in hanna:handlaggare:"Hanna Handläggare" hugo:handlaggare:"Hugo Handläggare" sara:samordnare:"Sara Samordnare" \
                  greta:granskare:"Greta Granskare" adam:admin:"Adam Admin"; do
    IFS=: read -r login role name <<< "$login_role"
    kaa staff add "$login" --role "$role" --name "$name" > "$work/$login.credentials"
done
people_json=()
for i in "${!numbers[@]}"; do
    pnr=${numbers[$i]}
    details=(--address "Exempelgatan $((i + 1))" --postal-code "7531$((i % 10))" --city Uppsala)
    [ "$i" -eq 3 ] && details=(--protected)
    kaa register "$pnr" --date "$(day $((70 - i * 2)))" --reason "${reasons[i % 5]}" --first-name "${firsts[$i]}" --last-name "${lasts[$i]}" \
        --phone "070-174 06 $((10 + i))" "${details[@]}" >/dev/null
    owner=$(caseload "$i")
    if [ -n "$owner" ]; then kaa caseload assign "$pnr" --staff "$owner" 2>>"$work/setup.log"; fi
    # Some work already done: a contact for most, a measure with a follow-up for a few.
    if [ $((i % 3)) -ne 2 ]; then
        kaa contact add "$pnr" --date "$(day $((30 - i)))" --channel SMS $([ $((i % 2)) -eq 0 ] && echo --reached) >/dev/null
    fi
    if [ $((i % 4)) -eq 1 ]; then
        kaa measure add "$pnr" --type SYV --offered "$(day 20)" --start "$(day 15)" --follow-up "$(day $((i - 5)))" \
            --responsible "Kommunens KAA-team" >/dev/null
    fi
    people_json+=("{\"pnr\": \"$pnr\", \"first\": \"${firsts[$i]}\", \"last\": \"${lasts[$i]}\", \"caseload\": \"$owner\", \"protected\": $([ "$i" -eq 3 ] && echo true || echo false)}")
done

# Utslussning (issue 16): someone in hanna's caseload who turns 20 in the coming weeks (whatever today is).
turning_from=$(TZ=Europe/Stockholm date -d "$today -20 years +5 days" +%Y%m%d)
turning_to=$(TZ=Europe/Stockholm date -d "$today -20 years +50 days" +%Y%m%d)
turning=$(awk -v from="$turning_from" -v to="$turning_to" 'substr($0, 1, 8) >= from && substr($0, 1, 8) <= to { print; exit }' seeds/testpersonnummer.txt)
[ -n "$turning" ] || kaa_die "web check: no test personnummer turning 20 between $turning_from and $turning_to"
kaa register "$turning" --date "$(day 40)" --reason AVBROTT_NP --first-name Tora --last-name Tjugo --address "Exempelgatan 99" \
    --postal-code 75320 --city Uppsala >/dev/null
kaa caseload assign "$turning" --staff hanna 2>>"$work/setup.log"

# Gallring (issue 16): someone who left KAA four years ago, long past the retention, so that the
# samordnare's flow goes through the confirmation, the purge and its receipt. Written straight into
# the register: no command registers in a period long frozen.
old_pnr=$(grep "^$((year - 23))" seeds/testpersonnummer.txt | awk 'NR == 3')
[ -n "$old_pnr" ] || kaa_die "web check: no test personnummer born $((year - 23))"
sqlite3 "$work/kaa.sqlite" "INSERT INTO person (id, personnummer, first_name, last_name) VALUES ((SELECT max(id) + 1 FROM person), '$old_pnr', 'Gustav', 'Gallring');
    INSERT INTO episode (person_id, registered_on, registration_reason, deregistered_on, deregistration_reason)
    VALUES ((SELECT id FROM person WHERE personnummer = '$old_pnr'), '$((year - 5))-09-01', 'AVBROTT_NP', '$((year - 4))-06-10', 'BORJAT_STUDERA')"

# Månadskörning (issue 16): this month's extract with everyone registered (their details as entered,
# one phone number changed, so a coordinator's entry meets the file's), five newcomers of whom one
# studies; and a 500 000-row extract for the upload's progress.
kaa_log "web check: the month's files (and a 500 000-row extract)"
month_extract="$work/folkbokforing-manad.csv" month_enrolment="$work/inskrivning-manad.csv"
echo "personnummer;förnamn;efternamn;utdelningsadress;postnummer;postort;telefon;skyddad" > "$month_extract"
for i in "${!numbers[@]}"; do
    phone="070-174 06 $((10 + i))"
    [ "$i" -eq 0 ] && phone="070-999 00 00"
    if [ "$i" -eq 3 ]; then echo "${numbers[$i]};${firsts[$i]};${lasts[$i]};;;;$phone;J"
    else echo "${numbers[$i]};${firsts[$i]};${lasts[$i]};Exempelgatan $((i + 1));7531$((i % 10));Uppsala;$phone;N"; fi >> "$month_extract"
done
echo "$turning;Tora;Tjugo;Exempelgatan 99;75320;Uppsala;;N" >> "$month_extract"
mapfile -t newcomers < <(grep "^$((year - 17))" seeds/testpersonnummer.txt | awk 'NR % 50 == 7' | head -n 5)
[ "${#newcomers[@]}" -eq 5 ] || kaa_die "web check: too few test personnummer for the month's newcomers"
newcomer_names=()
for j in 0 1 2 3 4; do
    # Nykomling3 has no address: no letter reaches them, so SCB-rapport's check of people never contacted finds them.
    if [ "$j" -eq 3 ]; then echo "${newcomers[$j]};Nykomling$j;Månsson;;;;;N"
    else echo "${newcomers[$j]};Nykomling$j;Månsson;Nygatan $((j + 1));75320;Uppsala;;N"; fi >> "$month_extract"
    [ "$j" -lt 4 ] && newcomer_names+=("\"Nykomling$j Månsson\"")
done
printf '%s\n%s\n' "personnummer;skola;huvudman;utbildning;status;datum" "${newcomers[4]};Katedralskolan;Kommunen;NP;STUDERAR;$((year - 1))-08-20" > "$month_enrolment"
# The same month with a bad row (an impossible personnummer on line 4).
month_bad="$work/folkbokforing-fel.csv"
sed '4s/^[0-9]*;/20071350-1234;/' "$month_extract" > "$month_bad"
mkdir -p "$work/large"
python3 benchmarks/generate.py extract 500000 "$work/large" >/dev/null
# Loggkontroll (issue 16): person reads of last month, so that a sample can be drawn and the risk
# views find something (every other audit row is from today): 30 shows by hanna and sara, at hours
# from 06 to 19 UTC, some of them after office hours.
last_month=$(TZ=Europe/Stockholm date -d "$(TZ=Europe/Stockholm date +%Y-%m-01) -1 month" +%Y-%m)
sqlite3 "$work/kaa.sqlite" "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 29)
    INSERT INTO audit_log (at, staff, action, person_id, context, via)
    SELECT '$last_month-' || printf('%02d', i % 28 + 1) || 'T' || printf('%02d', 6 + i % 14) || ':15:00Z', CASE WHEN i % 2 = 0 THEN 'hanna' ELSE 'sara' END,
           'show', (SELECT min(id) FROM person) + i % 6, 'person', 'web' FROM n"

# The SCB code mapping an admin keeps under Inställningar (the example file's placeholders).
kaa settings set scbMapping --file config/scb-mapping.example.json --yes >/dev/null

kaa_log "web check: starting kaa web"
"$bindir/kaa" --db "$work/kaa.sqlite" web --listen 127.0.0.1:0 > "$work/web.out" 2> "$work/web.log" &
server_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/web.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$work/web.out")
[ -n "$url" ] || { cat "$work/web.log" >&2; kaa_die "web check: kaa web did not start"; }

# Everything the test needs, in one file only this user can read (one-time passwords, TOTP secrets).
accounts=()
for login in hanna hugo sara greta adam; do
    password=$(sed -n 's/^password: //p' "$work/$login.credentials")
    secret=$(sed -n 's/^totp: .*secret=\([A-Z2-7]*\).*/\1/p' "$work/$login.credentials")
    [ -n "$password" ] && [ -n "$secret" ] || kaa_die "web check: kaa staff add printed no credentials for $login"
    accounts+=("\"$login\": {\"password\": \"$password\", \"secret\": \"$secret\"}")
done
(umask 077; {
    echo "{\"url\": \"$url\", \"screenshots\": \"$PWD/.build/screenshots\","
    echo " \"accounts\": {$(IFS=,; echo "${accounts[*]}")}, \"last_month\": \"$last_month\","
    echo " \"turning\": {\"name\": \"Tora Tjugo\"},"
    echo " \"month\": {\"extract\": \"$month_extract\", \"bad\": \"$month_bad\", \"enrolment\": \"$month_enrolment\", \"large\": \"$work/large/folkbokforing.csv\","
    echo "           \"newcomers\": [$(IFS=,; echo "${newcomer_names[*]}")], \"student\": \"Nykomling4 Månsson\"},"
    echo " \"people\": [$(IFS=,; echo "${people_json[*]}")]}"
} > "$work/config.json")

# The security headers as served (what a browser gets; the in-process tests check each value).
headers=$(curl -sI "$url/login" | tr -d '\r')
for header in Content-Security-Policy X-Content-Type-Options Referrer-Policy X-Frame-Options Cache-Control; do
    line=$(echo "$headers" | grep -i "^$header:" || true)
    [ -n "$line" ] || kaa_die "web check: /login is served without $header"
    echo "web check: header: $line"
done
echo "$headers" | grep -qi "^Content-Security-Policy:.*frame-ancestors 'none'" || kaa_die "web check: the CSP lacks frame-ancestors 'none'"
! echo "$headers" | grep -qi "unsafe-inline" || kaa_die "web check: the CSP allows unsafe-inline"

kaa_log "web check: running Tests/Browser/web_ui_test.py against $url"
status=0
LANG=sv_SE.UTF-8 LANGUAGE=sv timeout 400 "$venv/bin/python" Tests/Browser/web_ui_test.py "$work/config.json" || status=$?
kill -TERM "$server_pid"
wait "$server_pid" || { echo "web check: kaa web did not stop cleanly on SIGTERM" >&2; status=1; }
server_pid=
if [ "$status" -ne 0 ]; then
    echo "web check: the server's log:" >&2
    tail -n 30 "$work/web.log" >&2
fi
exit "$status"
