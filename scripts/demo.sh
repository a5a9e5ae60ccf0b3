#!/usr/bin/env bash
# The demo: a kommun register (Uppsala, 0380) filled with synthetic young people from Skatteverket's
# official test personnummer, a few weeks of a coordinator's work, then the worklists and the figures.
# Installs what it needs on a fresh Debian machine with Swift. Everything is written to a temp folder.
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

kaa init --kommun 0380

# People born 17-19 years ago are inside the KAA age rule for every date of the last 150 days.
mapfile -t people < <(grep -E "^($((year - 19))|$((year - 18))|$((year - 17)))" seeds/testpersonnummer.txt | awk 'NR % 13 == 1' | head -n 200)
firsts=(Alva Elsa Maja Wilma Ella Saga Ebba Nora Hugo Liam Noah William Oscar Elias Lucas Leo)
lasts=(Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson)
reasons=(AVBROTT_NP AVBROTT_NP AVBROTT_IM AVBROTT_IM STUDIEBEVIS EJ_PABORJAT INFLYTTAD OKAND)
channels=(SMS TELEFON BREV EPOST HEMBESOK VIA_SKOLA)
occupations=(ARBETSSOKANDE INGEN ARBETE PRAKTIK STUDIER_KOMVUX OKAND)
measures=(MOTIVATION SYV PRAKTIK FOLKHOGSKOLA FORBEREDANDE ARBETSMARKNAD)
leaving=(BORJAT_STUDERA BORJAT_STUDERA FLYTTAT FULLFOLJT UTVANDRAT)

RANDOM=2026   # the same register every run
kaa_log "registering ${#people[@]} synthetic people with contacts, measures and de-registrations"
for pnr in "${people[@]}"; do
    registered=$((RANDOM % 150 + 1))
    protected=()
    [ $((RANDOM % 40)) -eq 0 ] && protected=(--protected)
    address=(--address "Exempelgatan $((RANDOM % 90 + 1))" --postal-code "75$((RANDOM % 900 + 100))" --city Uppsala)
    [ ${#protected[@]} -gt 0 ] && address=()
    kaa register "$pnr" --date "$(day "$registered")" --reason "${reasons[RANDOM % ${#reasons[@]}]}" \
        --first-name "${firsts[RANDOM % ${#firsts[@]}]}" --last-name "${lasts[RANDOM % ${#lasts[@]}]}" \
        "${address[@]}" "${protected[@]}" >/dev/null
    elapsed=$registered
    reached=0
    for _ in $(seq $((RANDOM % 4))); do
        step=$((RANDOM % 20 + 1))
        [ $step -ge "$elapsed" ] && break
        elapsed=$((elapsed - step))
        if [ $((RANDOM % 2)) -eq 0 ]; then
            kaa contact add "$pnr" --date "$(day "$elapsed")" --channel "${channels[RANDOM % ${#channels[@]}]}" --reached \
                --occupation "${occupations[RANDOM % ${#occupations[@]}]}" >/dev/null
            reached=1
        else
            kaa contact add "$pnr" --date "$(day "$elapsed")" --channel "${channels[RANDOM % ${#channels[@]}]}" >/dev/null
        fi
    done
    if [ $reached -eq 1 ] && [ "$elapsed" -gt 10 ] && [ $((RANDOM % 3)) -gt 0 ]; then
        offered=$((elapsed - 3))
        if [ $((RANDOM % 5)) -eq 0 ]; then
            kaa measure add "$pnr" --type "${measures[RANDOM % ${#measures[@]}]}" --offered "$(day "$offered")" --declined >/dev/null
        else
            id=$(kaa measure add "$pnr" --type "${measures[RANDOM % ${#measures[@]}]}" --offered "$(day "$offered")" \
                --start "$(day $((offered - 2)))" --follow-up "$(day $((offered - 30)))" --responsible "Kommunens KAA-team")
            if [ $((offered - 2)) -gt 30 ] && [ $((RANDOM % 3)) -eq 0 ]; then
                kaa measure end "$id" --date "$(day 20)" --reason GENOMFORD --occupation-after STUDIER_KOMVUX >/dev/null
                elapsed=20
            else
                elapsed=$((offered - 2))
            fi
        fi
    fi
    # About one in five leaves KAA, on a day after everything logged for them.
    if [ $((RANDOM % 5)) -eq 0 ]; then
        kaa deregister "$pnr" --date "$(day $((RANDOM % elapsed)))" --reason "${leaving[RANDOM % ${#leaving[@]}]}" >/dev/null
    fi
done

month=${today:0:7}
half="$year-H$(( 10#${today:5:2} <= 6 ? 1 : 2 ))"
for list in ej-nadda ingen-kontakt uppfoljning fyller-20; do
    echo
    kaa worklist "$list" | head -n 12
done
echo
kaa stats --period "$month"
echo
kaa stats --period "$half"
echo
echo "Registret finns i $KAA_DB (prova: KAA_DB=$KAA_DB $bin show ${people[0]})"
