#!/usr/bin/env bash
# The demo: a kommun register (Uppsala, 0380) built the way a coordinator builds it. Two monthly
# identification runs on generated folkbokföring and enrolment files (Skatteverket's official test
# personnummer only), a few weeks of contacts and measures in between, then the worklists and the
# figures. Installs what it needs on a fresh Debian machine with Swift; writes only to a temp folder.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
kaa_ensure_swift
kaa_ensure_packages

kaa_log "building kaa"
swift build --product kaa >&2
bin="$(swift build --show-bin-path)/kaa"
work=$(mktemp -d "${TMPDIR:-/tmp}/kaa-demo.XXXXXX")
export KAA_DB="$work/uppsala.sqlite"
kaa() { "$bin" "$@"; }

today=$(TZ=Europe/Stockholm date +%F)
year=${today%%-*}
# The date $1 days before today (negative: after).
day() { TZ=Europe/Stockholm date -d "$today $((-$1)) days" +%F; }
first_run=$(day 45)
second_run=$(day 10)

# Folkbokföring extracts: the age slice 15-20 of the test personnummer, every third person
# (about 1 500). Enrolment lists: most study, some dropped out, some have a studiebevis, some are
# still in grundskola, some have no row at all. The second month's files differ: a few drop out,
# a few start studying, a few move away.
generate() { # $1 = month (1 or 2), $2 = folkbokföring file, $3 = enrolment file
    grep -E "^($((year - 20))|$((year - 19))|$((year - 18))|$((year - 17))|$((year - 16))|$((year - 15)))" seeds/testpersonnummer.txt \
        | awk 'NR % 3 == 1' | awk -v month="$1" -v fb="$2" -v en="$3" -v year="$year" -v first="$first_run" -v second="$second_run" '
        BEGIN {
            srand(2026)
            split("Alva Elsa Maja Wilma Ella Saga Ebba Nora Hugo Liam Noah William Oscar Elias Lucas Leo Åsa Örjan", firsts, " ")
            split("Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson Öberg Ängström", lasts, " ")
            print "Personnummer;Förnamn;Efternamn;Utdelningsadress;Postnummer;Postort;Telefon;Skyddad" > fb
            print "personnummer;skola;huvudman;utbildning;status;datum" > en
        }
        {
            # Every row draws the same random numbers in both months, so people keep their story.
            pnr = $1; r = rand(); s = rand(); f = rand(); l = rand(); a = rand(); p = rand(); q = rand()
            moved = (month == 2 && s < 0.01)
            if (!moved) {
                printf "%s;%s;%s;Exempelgatan %d;75%03d;Uppsala;;%s\n", pnr, firsts[int(f * 18) + 1], lasts[int(l * 12) + 1],
                    int(a * 90) + 1, int(p * 900) + 100, (q < 0.02 ? "J" : "N") > fb
            }
            born = substr(pnr, 1, 4) + 0
            if (born >= year - 16) { print pnr ";Stenhagenskolan;Uppsala kommun;GRUNDSKOLA;STUDERAR;" (born + 7) "-08-20" > en; next }
            if (r < 0.80) {
                programme = (r < 0.70 ? "NP" : "IM")
                print pnr ";Katedralskolan;Uppsala kommun;" programme ";STUDERAR;" (born + 16) "-08-20" > en
                if (month == 2 && s > 0.97) print pnr ";Katedralskolan;Uppsala kommun;" programme ";AVBROTT;" second > en
            } else if (r < 0.86) {
                print pnr ";Lundellska skolan;Uppsala kommun;NP;AVBROTT;" (born + 17) "-03-01" > en
                if (month == 2 && s > 0.85) print pnr ";Komvux Uppsala;Uppsala kommun;KOMVUX_GY;STUDERAR;" first > en
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

kaa init --kommun 0380
generate 1 "$work/folkbokforing-1.csv" "$work/enrolment-1.csv"
generate 2 "$work/folkbokforing-2.csv" "$work/enrolment-2.csv"

echo
echo "== Månad 1: kaa identify --date $first_run"
kaa identify --date "$first_run" --folkbokforing "$work/folkbokforing-1.csv" --enrolment "$work/enrolment-1.csv"

kaa_log "a few weeks of the coordinator's work: contacts, measures, occupations"
channels=(SMS TELEFON BREV EPOST HEMBESOK VIA_SKOLA)
occupations=(ARBETSSOKANDE INGEN ARBETE PRAKTIK STUDIER_KOMVUX)
measures=(MOTIVATION SYV PRAKTIK FORBEREDANDE ARBETSMARKNAD)
RANDOM=2026
mapfile -t people < <(kaa list --json | grep '"personnummer"' | sed -E 's/.*"([0-9]{12})".*/\1/')
for pnr in "${people[@]}"; do
    case $((RANDOM % 4)) in
        0) ;; # not reached yet
        1) kaa contact add "$pnr" --date "$(day $((40 - RANDOM % 10)))" --channel "${channels[RANDOM % ${#channels[@]}]}" >/dev/null ;;
        *)
            kaa contact add "$pnr" --date "$(day $((40 - RANDOM % 10)))" --channel "${channels[RANDOM % ${#channels[@]}]}" --reached \
                --occupation "${occupations[RANDOM % ${#occupations[@]}]}" >/dev/null
            if [ $((RANDOM % 2)) -eq 0 ]; then
                if [ $((RANDOM % 6)) -eq 0 ]; then
                    kaa measure add "$pnr" --type "${measures[RANDOM % ${#measures[@]}]}" --offered "$(day 25)" --declined >/dev/null
                else
                    kaa measure add "$pnr" --type "${measures[RANDOM % ${#measures[@]}]}" --offered "$(day 25)" --start "$(day 20)" \
                        --follow-up "$(day $((RANDOM % 20 - 5)))" --responsible "Kommunens KAA-team" >/dev/null
                fi
            fi
            ;;
    esac
done

echo
echo "== Månad 2: kaa identify --date $second_run"
kaa identify --date "$second_run" --folkbokforing "$work/folkbokforing-2.csv" --enrolment "$work/enrolment-2.csv"

month=${today:0:7}
half="$year-H$(( 10#${today:5:2} <= 6 ? 1 : 2 ))"
for list in ej-nadda ingen-kontakt uppfoljning fyller-20; do
    echo
    kaa worklist "$list" | head -n 8
done
echo
kaa stats --period "$month"
echo
kaa stats --period "$half"
echo
echo "Registret finns i $KAA_DB (prova: KAA_DB=$KAA_DB $bin list)"
