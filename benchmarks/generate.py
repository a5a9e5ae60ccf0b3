#!/usr/bin/env python3
"""Generates synthetic benchmark data with valid (Luhn-correct) personnummer, into a temp folder only.

  generate.py extract N DIR          folkbokföring extract + enrolment list of N people aged 15-20
  generate.py history N TODAY DIR    episodes.csv and contacts.csv: N episodes over three years
  generate.py curl-config DIR URL [--auth]
                                     a curl config PUTting every batch of DIR/manifest.txt to URL
                                     (with --auth: each site's token and the Content-Digest)

Numbers are generated, never committed; they may coincide with real ones, which is why they live
only in temporary files of a benchmark run (design §10).
"""
import base64
import datetime
import hashlib
import os
import random
import sys


def luhn(nine):
    total = 0
    for index, char in enumerate(nine):
        digit = int(char) * (2 if index % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return str((10 - total % 10) % 10)


def numbers(count, first, last, rng):
    """`count` distinct personnummer born between two dates."""
    span = (last - first).days
    seen = set()
    while len(seen) < count:
        born = first + datetime.timedelta(days=rng.randrange(span))
        serial = rng.randrange(1, 1000)
        nine = born.strftime("%y%m%d") + f"{serial:03d}"
        pnr = born.strftime("%Y")[:2] + nine + luhn(nine)
        if pnr not in seen:
            seen.add(pnr)
            yield pnr, born


def extract(count, folder):
    rng = random.Random(2026)
    today = datetime.date.today()
    first = today.replace(year=today.year - 21)
    last = today.replace(year=today.year - 15)
    with open(os.path.join(folder, "folkbokforing.csv"), "w", encoding="utf-8") as fb, \
         open(os.path.join(folder, "enrolment.csv"), "w", encoding="utf-8") as en:
        fb.write("personnummer;förnamn;efternamn;utdelningsadress;postnummer;postort;telefon;skyddad\n")
        en.write("personnummer;skola;huvudman;utbildning;status;datum\n")
        for index, (pnr, born) in enumerate(numbers(count, first, last, rng)):
            fb.write(f"{pnr};Förnamn{index % 97};Efternamn{index % 89};Storgatan {index % 120};75{index % 900 + 100};Uppsala;;N\n")
            draw = rng.random()
            # About 88 % study or are done, as in a real kommun; the rest enter KAA.
            if draw < 0.80:
                en.write(f"{pnr};Skola;Kommunen;NP;STUDERAR;{born.year + 16}-08-20\n")
            elif draw < 0.88:
                en.write(f"{pnr};Skola;Kommunen;NP;EXAMEN;{born.year + 19}-06-10\n")
            elif draw < 0.94:
                en.write(f"{pnr};Skola;Kommunen;NP;AVBROTT;{born.year + 17}-03-01\n")


def history(count, today_text, folder):
    rng = random.Random(2027)
    today = datetime.date.fromisoformat(today_text)
    start = today - datetime.timedelta(days=3 * 365)
    with open(os.path.join(folder, "episodes.csv"), "w", encoding="utf-8") as episodes, \
         open(os.path.join(folder, "contacts.csv"), "w", encoding="utf-8") as contacts:
        episodes.write("personnummer;registrerad;registreringsorsak;avregistrerad;avregistreringsorsak\n")
        contacts.write("personnummer;datum;kontaktsatt;nadd;sysselsattning\n")
        reasons = ["AVBROTT_NP", "AVBROTT_IM", "STUDIEBEVIS", "EJ_PABORJAT", "OKAND"]
        leaving = ["BORJAT_STUDERA", "FLYTTAT", "FULLFOLJT"]
        made = 0
        seen = set()
        while made < count:
            registered = start + datetime.timedelta(days=rng.randrange((today - start).days))
            # 17-19 years old when registered, and under 20 for 300 days more.
            born = registered - datetime.timedelta(days=rng.randrange(17 * 365 + 10, 19 * 365 - 310))
            serial = rng.randrange(1, 1000)
            nine = born.strftime("%y%m%d") + f"{serial:03d}"
            pnr = born.strftime("%Y")[:2] + nine + luhn(nine)
            if pnr in seen:
                continue
            seen.add(pnr)
            ended = registered + datetime.timedelta(days=rng.randrange(20, 300))
            open_episode = ended >= today or rng.random() < 0.3
            episodes.write(f"{pnr};{registered};{rng.choice(reasons)};{'' if open_episode else ended};{'' if open_episode else rng.choice(leaving)}\n")
            contact = registered + datetime.timedelta(days=rng.randrange(0, 15))
            if contact <= today and (open_episode or contact <= ended):
                contacts.write(f"{pnr};{contact};TELEFON;J;ARBETSSOKANDE\n")
            made += 1


def curl_config(folder, url, auth):
    """One transfer per line of the manifest (kommun generation seq token); `next` between them."""
    entries = [line.split() for line in open(os.path.join(folder, "manifest.txt")) if line.strip()]
    transfers = []
    for kommun, generation, seq, token in entries:
        body = os.path.join(folder, "batches", f"{kommun}.json")
        lines = [f'url = "{url}/v1/sites/{kommun}/batches/{generation}/{seq}"', 'request = "PUT"',
                 f'data-binary = "@{body}"', 'header = "Content-Type: application/json"', 'header = "Expect:"']
        if auth:
            with open(body, "rb") as file:
                digest = base64.b64encode(hashlib.sha256(file.read()).digest()).decode()
            lines += [f'header = "Authorization: Bearer {token}"', f'header = "Content-Digest: sha-256=:{digest}:"']
        lines += ['output = "/dev/null"', 'write-out = "%{http_code} %{time_total}\\n"']
        transfers.append("\n".join(lines))
    print("\nnext\n".join(transfers))


if __name__ == "__main__":
    if sys.argv[1] == "extract":
        extract(int(sys.argv[2]), sys.argv[3])
    elif sys.argv[1] == "curl-config":
        curl_config(sys.argv[2], sys.argv[3], "--auth" in sys.argv[4:])
    else:
        history(int(sys.argv[2]), sys.argv[3], sys.argv[4])
