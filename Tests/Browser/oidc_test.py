#!/usr/bin/env python3
"""Staff login through the kommun's identity provider (issue 18) in a real browser: Debian's headless
Chromium driven by Selenium, against the OpenID provider of Tests/OIDC/provider.py and four `kaa web`
servers that scripts/oidc-check.sh started (direct on http, one without local accounts, one whose
provider is down, one behind nginx on https with a throwaway CA that the browser trusts through the
NSS database in $HOME).

  oidc_test.py CONFIG.json

Prints one "oidc: ok: ..." line per check and "oidc: FAILED: ..." per failure; exits 1 on any failure.

Checks: the login page's IdP link (axe, screenshot); hanna.h logs in via the IdP and lands on Idag
(the staff row appears with role handlaggare, the log line names her); the callback URL used again is
refused (oidc-state); a login cancelled at the provider; sara.s is samordnare; olle.o has no mapped
group; each refused token (wrong aud, expired, replayed nonce, another key, alg none, no acr, wrong
iss; and wrong azp, iat ahead, no login claim, no sub, HS256, a refused token request) shows its
title and Felkod and leaves no session; an unreachable provider; an IdP login named like a local account; ES256 is accepted; the provider rotates its
key during hanna's session (it goes on) and adam.a's new login verifies with the new key; logout goes
through the provider and the provider then asks for the password again; a locally disabled account is
refused; with "localAccounts": false there is no password form and POST /login is refused; a forged
X-Forwarded-For/-Proto from an address not in trustedProxies is ignored; behind nginx the flow works
over HTTPS with `__Host-` Secure cookies and HSTS, nginx's body limits hold, and the client nginx
saw is the one kaa logs; a Chromium without the CA refuses the certificate; the audit log's rows.
"""
import http.client
import json
import os
import re
import ssl
import subprocess
import sys
import time
import traceback
import urllib.parse
import urllib.request

import pyotp
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from selenium_axe_python import Axe

DENIED = "Inloggningen nekades"
# Each refused token: the provider's test mode, the page's title, its Felkod (the contract's table).
REFUSED = [("wrong_aud", DENIED, "oidc-aud"), ("expired", DENIED, "oidc-exp"), ("replay_nonce", DENIED, "oidc-nonce"),
           ("other_key", DENIED, "oidc-signature"), ("alg_none", DENIED, "oidc-alg"), ("no_acr", "Tvåfaktorsinloggning krävs", "oidc-acr"),
           ("wrong_iss", DENIED, "oidc-iss"),
           # Beyond the list, the contract's other codes.
           ("wrong_azp", DENIED, "oidc-azp"), ("future_iat", DENIED, "oidc-iat"), ("no_username", DENIED, "oidc-login"),
           ("no_sub", DENIED, "oidc-token"), ("hs256", DENIED, "oidc-alg"),
           ("token_refused", "Kommunens inloggningstjänst svarar inte", "oidc-provider")]
STATUS = {"oidc-provider": 502}
CALLBACK = "/login/oidc/callback"


class StepFailed(Exception):
    """A check that failed; the flow it belongs to stops there."""


class OIDCTest:
    def __init__(self, config):
        self.config = config
        self.issuer = config["issuer"]
        self.failures = 0
        self.passes = 0
        self.seen = {}              # what the browser saw: page type -> (title, path, status)
        self.log_offsets = {}
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                         "--window-size=1280,1000", "--lang=sv-SE", "--disable-extensions"):
            options.add_argument(argument)
        options.add_experimental_option("prefs", {"intl.accept_languages": "sv-SE,sv"})
        # The network log: the status of each page and the URLs of redirects the browser followed.
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.driver.set_page_load_timeout(20)
        self.base = config["direct"]["url"]

    # --- Reporting -----------------------------------------------------------------------------

    def ok(self, what, condition, detail=""):
        if condition:
            self.passes += 1
            print(f"oidc: ok: {what}", flush=True)
            return
        raise StepFailed(what + (f" ({detail})" if detail else ""))

    def soft(self, what, condition, detail=""):
        try:
            self.ok(what, condition, detail)
        except StepFailed as failure:
            self.fail(str(failure))

    def fail(self, message):
        self.failures += 1
        print(f"oidc: FAILED: {message}", file=sys.stderr, flush=True)

    def flow(self, name, function):
        try:
            function()
        except StepFailed as failure:
            self.fail(f"{name}: {failure}")
            self.dump(name)
        except Exception as error:  # a driver error fails this flow, with its trace
            self.fail(f"{name}: {type(error).__name__}: {error}")
            traceback.print_exc()
            self.dump(name)

    def dump(self, name):
        try:
            os.makedirs(self.config["screenshots"], exist_ok=True)
            path = os.path.join(self.config["screenshots"], f"oidc-failed-{name.replace(' ', '-')}.html")
            with open(path, "w", encoding="utf-8") as file:
                file.write(self.driver.page_source)
            print(f"oidc: the page at {self.driver.current_url} is saved in {path}", file=sys.stderr)
        except Exception:
            pass

    # --- The browser ---------------------------------------------------------------------------

    def path(self):
        return urllib.parse.urlsplit(self.driver.current_url).path

    def heading(self):
        try:
            return self.driver.find_element(By.TAG_NAME, "h1").text
        except NoSuchElementException:
            return ""

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def network(self):
        """The documents loaded since the last call: [(url, status)], redirects included."""
        documents = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            params = message.get("params", {})
            if message.get("method") == "Network.requestWillBeSent" and params.get("redirectResponse") and params.get("type") == "Document":
                documents.append((params["redirectResponse"]["url"], params["redirectResponse"]["status"]))
            if message.get("method") == "Network.responseReceived" and params.get("type") == "Document":
                documents.append((params["response"]["url"], params["response"]["status"]))
        return documents

    def fresh(self, base):
        """A browser with no session at kaa or the provider (cookies are per host, not per port)."""
        for url in {base, self.issuer}:
            self.driver.get(url + "/healthz" if url == base else url + "/.well-known/openid-configuration")
            self.driver.delete_all_cookies()
        self.network()

    def axe(self, page_type):
        axe = Axe(self.driver)
        axe.inject()
        results = axe.run()
        serious = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
        for violation in serious:
            targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
            print(f"oidc: axe on {page_type}: {violation['impact']}: {violation['id']}: {violation['help']} — {targets}", file=sys.stderr)
        self.soft(f"axe: {page_type} ({self.path()}): no serious or critical violation, {len(results['passes'])} rules passed", not serious,
                  f"{len(serious)} serious or critical violation(s)")

    def screenshot(self, name):
        folder = self.config["screenshots"]
        os.makedirs(folder, exist_ok=True)
        target = os.path.join(folder, f"oidc-{name}.png")
        self.driver.save_screenshot(target)
        self.soft(f"screenshot {target}", os.path.getsize(target) > 0)

    def login_via_idp(self, base, user, *, expect_form=True, cancel=False):
        """From kaa's /login through the provider's form and back; returns when the browser has settled
        (on a kaa page other than the callback, or on a callback page that is not the success hop)."""
        self.driver.get(base + "/login")
        links = self.driver.find_elements(By.ID, "login-oidc")
        self.ok(f"{user}: /login at {base} has the link 'Logga in med kommunens konto'", bool(links) and links[0].text == "Logga in med kommunens konto",
                self.text()[:200])
        links[0].click()
        WebDriverWait(self.driver, 15).until(lambda d: d.current_url.startswith(self.issuer) or not d.current_url.startswith(base + "/login"))
        if expect_form:
            self.ok(f"{user}: the link leads to the provider's login form", self.driver.current_url.startswith(self.issuer + "/authorize")
                    and bool(self.driver.find_elements(By.ID, "idp-login")), self.driver.current_url)
            if cancel:
                self.driver.find_element(By.ID, "idp-cancel").click()
            else:
                self.driver.find_element(By.ID, "username").send_keys(user)
                self.driver.find_element(By.ID, "password").send_keys(self.config["password"])
                self.driver.find_element(By.ID, "idp-submit").click()

        def settled(driver):
            url = driver.current_url
            if not url.startswith(base):
                return False
            if urllib.parse.urlsplit(url).path != CALLBACK:
                return True
            heading = driver.find_elements(By.TAG_NAME, "h1")
            return bool(heading) and heading[0].text not in ("", "Du är inloggad")
        try:
            WebDriverWait(self.driver, 15).until(settled)
        except TimeoutException:
            raise StepFailed(f"{user}: the login did not finish (at {self.driver.current_url}: {self.heading()!r})")
        return self.network()

    def expect_idag(self, base, user, documents, landing=("/", "Idag")):
        """Logged in: on the role's start page (Idag; an admin's is Personal)."""
        path, heading = landing
        self.ok(f"{user}: logged in via the IdP, through 'Du är inloggad', lands on {heading} ({base}{path})",
                self.path() == path and self.heading() == heading, f"at {self.driver.current_url}: {self.heading()!r}")
        callback = [status for url, status in documents if urllib.parse.urlsplit(url).path == CALLBACK]
        self.ok(f"{user}: the callback answered 200", callback == [200], str(documents))

    def expect_refused(self, base, what, title, code, status, documents, log=None, axe_as=None, shot=None):
        callback = [s for url, s in documents if urllib.parse.urlsplit(url).path == CALLBACK]
        self.ok(f"{what}: the browser shows '{title}' with 'Felkod: {code}' (HTTP {status})",
                self.heading() == title and f"Felkod: {code}" in self.text() and callback == [status],
                f"h1 {self.heading()!r}, statuses {callback}, text {self.text()[:300]!r}")
        paragraphs = self.driver.find_elements(By.CSS_SELECTOR, "main p")
        self.seen[what] = (title, code, callback, paragraphs[0].text if paragraphs else "")
        if axe_as:
            self.axe(axe_as)
        if shot:
            self.screenshot(shot)
        if log:
            lines = self.new_log(log)
            self.ok(f"{what}: kaa logs event=oidc_refused code={code}", any(f"event=oidc_refused code={code}" in line for line in lines), "\n".join(lines[-5:]))
        self.driver.get(base + "/")
        self.ok(f"{what}: no session afterwards (/ leads to /login)", self.path() == "/login", self.driver.current_url)

    # --- The server side -----------------------------------------------------------------------

    def kaa(self, *arguments):
        result = subprocess.run([self.config["kaa"], "--db", self.config["db"], *arguments], capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            raise StepFailed(f"kaa {' '.join(arguments)} exited {result.returncode}: {result.stderr.strip()}")
        return result.stdout

    def new_log(self, server):
        """The lines the server logged since the last look."""
        path = self.config[server]["log"]
        with open(path, encoding="utf-8", errors="replace") as file:
            file.seek(self.log_offsets.get(path, 0))
            text = file.read()
            self.log_offsets[path] = file.tell()
        return text.splitlines()

    def idp(self, path, body=None):
        request = urllib.request.Request(self.issuer + path, data=json.dumps(body or {}).encode(), headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def jwks_fetches(self):
        with open(os.path.join(os.path.dirname(self.config["db"]), "idp.log"), encoding="utf-8", errors="replace") as file:
            return sum(1 for line in file if '"GET /jwks' in line)

    @staticmethod
    def request(url, method="GET", headers=None, body=None, source=None, ca=None):
        """One HTTP request from a chosen source address: (status, [(header, value)], body)."""
        parts = urllib.parse.urlsplit(url)
        address = (source, 0) if source else None
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=10, source_address=address,
                                                     context=ssl.create_default_context(cafile=ca))
        else:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10, source_address=address)
        connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=body, headers=headers or {})
        response = connection.getresponse()
        result = response.status, response.getheaders(), response.read().decode("utf-8", "replace")
        connection.close()
        return result

    # --- The flows -----------------------------------------------------------------------------

    def login_page(self):
        self.fresh(self.base)
        self.driver.get(self.base + "/login")
        self.ok("the login page has the IdP link and, with local accounts on, the password form",
                bool(self.driver.find_elements(By.CSS_SELECTOR, "a#login-oidc[href='/login/oidc']")) and bool(self.driver.find_elements(By.NAME, "password")))
        self.axe("login with the IdP link")
        self.screenshot("login")
        self.authorization_request(self.base, "kaa_oidc")

    def authorization_request(self, url, cookie_name, ca=None):
        """GET /login/oidc as the contract has it: 302 to the provider with PKCE S256, state, nonce and acr_values, and the binding cookie."""
        status, headers, _ = self.request(url + "/login/oidc", ca=ca)
        location = next((value for name, value in headers if name.lower() == "location"), "")
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
        expected = {"response_type": ["code"], "client_id": ["kaa"], "redirect_uri": [url + CALLBACK], "scope": ["openid profile email"],
                    "code_challenge_method": ["S256"], "acr_values": ["http://id.elegnamnden.se/loa/1.0/loa2"]}
        self.ok(f"{url}/login/oidc: 302 to the provider's /authorize with {', '.join(expected)}, state, nonce and a code_challenge",
                status == 302 and location.startswith(self.issuer + "/authorize?") and all(query.get(k) == v for k, v in expected.items())
                and all(len(query.get(k, [""])[0]) >= 16 for k in ("state", "nonce")) and len(query.get("code_challenge", [""])[0]) == 43,
                f"{status} {query}")
        cookie = next((value for name, value in headers if name.lower() == "set-cookie" and value.startswith(cookie_name + "_")), "")
        attributes = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")[1:]}
        secure = cookie_name.startswith("__Host-")
        self.ok(f"{url}/login/oidc: the login's cookie {cookie_name}_<state> is HttpOnly, SameSite=Lax, Path=/, Max-Age=600" + (", Secure" if secure else ", not Secure"),
                bool(cookie) and "httponly" in attributes and attributes.get("samesite", "").lower() == "samesite=lax" and attributes.get("path") == "Path=/"
                and attributes.get("max-age") == "Max-Age=600" and ("secure" in attributes) == secure, cookie)

    def hanna_first_login(self):
        self.fresh(self.base)
        self.new_log("direct")
        documents = self.login_via_idp(self.base, "hanna.h")
        self.expect_idag(self.base, "hanna.h", documents)
        self.callback_url = next(url for url, _ in documents if urllib.parse.urlsplit(url).path == CALLBACK)
        lines = self.new_log("direct")
        self.ok("hanna.h: kaa logs event=login method=oidc login=hanna.h role=handlaggare",
                any("event=login method=oidc login=hanna.h role=handlaggare" in line for line in lines), "\n".join(lines[-5:]))
        staff = self.kaa("staff", "list")
        self.ok("hanna.h: `kaa staff list` shows her with role handlaggare and the IdP's name",
                re.search(r"^hanna\.h\thandlaggare\tHanna Handläggare\t", staff, re.M) is not None, staff)
        self.kaa("caseload", "assign", self.config["caseload"], "--staff", "hanna.h")
        self.driver.get(self.base + "/personer")
        self.ok("hanna.h: the person assigned to her after her first login is on Ungdomar", self.config["caseload_name"] in self.text(),
                self.text()[:300])
        self.driver.get(self.base + "/")
        self.screenshot("idag")

    def reused_callback(self):
        # In the same browser (as the back button would): refused, and hanna's session is not touched.
        self.network()
        self.driver.get(self.callback_url)
        callback = [status for url, status in self.network() if urllib.parse.urlsplit(url).path == CALLBACK]
        self.ok("the callback URL again in the same browser: 'Inloggningen har gått ut', Felkod: oidc-state (HTTP 400)",
                self.heading() == "Inloggningen har gått ut" and "Felkod: oidc-state" in self.text() and callback == [400], f"{self.heading()!r} {callback}")
        self.axe("Inloggningen har gått ut")
        self.driver.get(self.base + "/")
        self.ok("hanna.h's session goes on after the refused callback", self.heading() == "Idag", self.heading())
        # In another browser (someone who got hold of the URL): the same, and no session.
        self.fresh(self.base)
        self.driver.get(self.callback_url)
        self.expect_refused(self.base, "the callback URL used a second time", "Inloggningen har gått ut", "oidc-state", 400, self.network(), "direct")

    def cancelled(self):
        self.fresh(self.base)
        documents = self.login_via_idp(self.base, "hanna.h", cancel=True)
        self.expect_refused(self.base, "a login cancelled at the provider", "Inloggningen avbröts", "oidc-idp-error", 403, documents, "direct")

    def sara(self):
        self.fresh(self.base)
        self.expect_idag(self.base, "sara.s", self.login_via_idp(self.base, "sara.s"))
        lines = self.new_log("direct")
        self.ok("sara.s: logged as role=samordnare", any("event=login method=oidc login=sara.s role=samordnare" in line for line in lines), "\n".join(lines[-3:]))
        self.ok("sara.s: `kaa staff list` has her as samordnare", re.search(r"^sara\.s\tsamordnare\t", self.kaa("staff", "list"), re.M) is not None)

    def olle(self):
        self.fresh(self.base)
        documents = self.login_via_idp(self.base, "olle.o")
        self.expect_refused(self.base, "olle.o (no KAA group)", "Ingen behörighet i KAA-registret", "no-role", 403, documents, "direct",
                            axe_as="Ingen behörighet i KAA-registret", shot="no-role")
        self.ok("olle.o: no staff row was made", "olle.o" not in self.kaa("staff", "list"))

    def refused_tokens(self):
        for index, (mode, title, code) in enumerate(REFUSED):
            def one():
                self.fresh(self.base)
                self.idp("/test/next", {"mode": mode})
                documents = self.login_via_idp(self.base, "hanna.h")
                self.expect_refused(self.base, f"ID token {mode}", title, code, STATUS.get(code, 403), documents, "direct",
                                    axe_as=f"a refused login ({title})" if index == 0 or title != DENIED else None,
                                    shot="refused" if index == 0 else None)
            self.flow(f"refused {mode}", one)

    def es256(self):
        self.fresh(self.base)
        self.idp("/test/next", {"mode": "es256"})
        self.expect_idag(self.base, "hanna.h (ES256 ID token)", self.login_via_idp(self.base, "hanna.h"))

    def rotation_and_logout(self):
        if self.path() != "/" or self.heading() != "Idag":
            self.fresh(self.base)
            self.expect_idag(self.base, "hanna.h", self.login_via_idp(self.base, "hanna.h"))
        # No waiting: kaa's limit of one fetch per 30 s for an unknown kid counts only such fetches, so the
        # first token after a rotation is verified even right after kaa read the keys for another reason.
        kid = self.idp("/test/rotate")["kid"]
        self.driver.get(self.base + "/")
        self.ok(f"hanna.h: her session goes on after the provider rotated its key (now {kid})", self.heading() == "Idag", self.heading())
        self.network()
        self.driver.find_element(By.XPATH, "//form[@action='/logout']//button").click()
        WebDriverWait(self.driver, 15).until(lambda d: d.current_url.startswith(self.base + "/login"))
        documents = self.network()
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.driver.current_url).query)
        self.ok("logout goes through the provider's /logout and back to /login?utloggad=0",
                any(url.startswith(self.issuer + "/logout") for url, _ in documents) and query.get("utloggad") == ["0"],
                f"{self.driver.current_url}; {documents}")
        logout = next((urllib.parse.parse_qs(urllib.parse.urlsplit(url).query) for url, _ in documents if url.startswith(self.issuer + "/logout")), {})
        self.ok("the provider's /logout got id_token_hint (a JWT), client_id and the registered post_logout_redirect_uri",
                logout.get("id_token_hint", [""])[0].count(".") == 2 and logout.get("client_id") == ["kaa"]
                and logout.get("post_logout_redirect_uri") == [self.base + "/login?utloggad=0"], str(logout))
        self.ok("the logout notice 'Du är utloggad.' is shown", "Du är utloggad." in self.text())
        self.driver.get(self.base + "/")
        self.ok("after logout / leads to /login", self.path() == "/login")
        # The provider's session is gone too: the next login asks for the password (login_via_idp checks the form).
        before = self.jwks_fetches()
        self.expect_idag(self.base, "adam.a (after the rotation, the provider asks for the password again)", self.login_via_idp(self.base, "adam.a"),
                         landing=("/personal", "Personal"))
        self.ok("adam.a: kaa fetched the new JWKS for the unknown kid", self.jwks_fetches() > before)
        self.ok("adam.a (admin): Personal lists hanna.h", "hanna.h" in self.text(), self.text()[:300])

    def disabled(self):
        self.kaa("staff", "disable", "hanna.h")
        self.fresh(self.base)
        documents = self.login_via_idp(self.base, "hanna.h")
        self.expect_refused(self.base, "hanna.h disabled locally", "Kontot är avstängt", "disabled", 403, documents, "direct")

    def local_login(self, url, account):
        """A password login with the local account's real one-time password and TOTP code: (status, cookies)."""
        status, headers, body = self.request(url + "/login")
        cookie = next((value.split(";")[0] for name, value in headers if name.lower() == "set-cookie" and "kaa_login=" in value), "")
        token = re.search(r'name="csrf" value="([^"]+)"', body)
        csrf = token.group(1) if token else cookie.partition("=")[2]  # double submit: the form's token is the cookie's value
        form = urllib.parse.urlencode({"csrf": csrf, "username": account["login"], "password": account["password"],
                                       "otp": pyotp.TOTP(account["secret"]).now()})
        status, headers, body = self.request(url + "/login", "POST", {"Content-Type": "application/x-www-form-urlencoded", "Origin": url, "Cookie": cookie}, form)
        return status, [value for name, value in headers if name.lower() == "set-cookie" and "kaa_session=" in value and "Max-Age=0" not in value]

    def no_local_accounts(self):
        url = self.config["nolocal"]["url"]
        self.fresh(url)
        self.driver.get(url + "/login")
        self.ok('"localAccounts": false: /login has the IdP link and no password form',
                bool(self.driver.find_elements(By.ID, "login-oidc")) and not self.driver.find_elements(By.NAME, "password"))
        account = self.config["local"]
        status, sessions = self.local_login(url, account)
        self.ok(f'"localAccounts": false: POST /login with {account["login"]}\'s right password and code is refused ({status}), no session',
                400 <= status < 500 and not sessions, f"{status} {sessions}")
        # The control: the same login on the server with local accounts gets a session (the first login: change the password).
        status, sessions = self.local_login(self.base, account)
        self.ok(f'"localAccounts": true: the same login succeeds ({status}, a session cookie)', status in (302, 303) and bool(sessions), f"{status} {sessions}")

    def provider_down(self):
        url = self.config["noidp"]["url"]
        self.fresh(url)
        self.driver.get(url + "/login")
        self.driver.find_element(By.ID, "login-oidc").click()
        WebDriverWait(self.driver, 15).until(lambda d: self.path() != "/login")
        documents = self.network()
        status = [s for u, s in documents if urllib.parse.urlsplit(u).path == "/login/oidc"]
        title = "Kommunens inloggningstjänst svarar inte"
        self.ok(f"provider unreachable: the browser shows '{title}' with 'Felkod: oidc-provider' (HTTP 502)",
                self.heading() == title and "Felkod: oidc-provider" in self.text() and status == [502], f"{self.heading()!r} {documents}")
        paragraphs = self.driver.find_elements(By.CSS_SELECTOR, "main p")
        self.seen["the provider unreachable"] = (title, "oidc-provider", status, paragraphs[0].text if paragraphs else "")
        self.ok("provider unreachable: kaa logs event=oidc_refused code=oidc-provider", any("event=oidc_refused code=oidc-provider" in line for line in self.new_log("noidp")))

    def local_conflict(self):
        self.fresh(self.base)
        documents = self.login_via_idp(self.base, self.config["local"]["login"])
        self.expect_refused(self.base, "an IdP login whose name a local account has", DENIED, "local-conflict", 403, documents, "direct")

    def forged_headers_direct(self):
        url = self.base
        forged = {"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https"}
        status, headers, body = self.request(url + "/login", headers=forged, source="127.0.0.2")
        cookies = [value for name, value in headers if name.lower() == "set-cookie"]
        self.ok("forged X-Forwarded-* from 127.0.0.2 (not a trusted proxy): the login cookie is kaa_login without Secure, no HSTS",
                status == 200 and any(c.startswith("kaa_login=") and "secure" not in c.lower() for c in cookies)
                and not any(name.lower() == "strict-transport-security" for name, _ in headers), str(cookies))
        token = re.search(r'name="csrf" value="([^"]+)"', body)
        cookie = next(c.split(";")[0] for c in cookies if c.startswith("kaa_login="))
        self.new_log("direct")
        self.request(url + "/login", "POST", {**forged, "Content-Type": "application/x-www-form-urlencoded", "Origin": url, "Cookie": cookie},
                     urllib.parse.urlencode({"csrf": token.group(1) if token else "", "username": "greta.l", "password": "fel-lösenord", "otp": "123456"}),
                     source="127.0.0.2")
        time.sleep(0.2)
        lines = [line for line in self.new_log("direct") if "login" in line]
        self.ok("forged X-Forwarded-For from 127.0.0.2: the failed login is logged with client=127.0.0.2, not 198.51.100.7",
                any("client=127.0.0.2" in line for line in lines) and not any("198.51.100.7" in line for line in lines), "\n".join(lines) or "no login line logged")
        # The control: the same headers from 127.0.0.1, which is in trustedProxies, are believed.
        status, headers, _ = self.request(url + "/login", headers=forged, source="127.0.0.1")
        cookies = [value for name, value in headers if name.lower() == "set-cookie"]
        self.ok("the same X-Forwarded-Proto from 127.0.0.1 (trusted) gives __Host-kaa_login; Secure",
                any(c.startswith("__Host-kaa_login=") and "secure" in c.lower() for c in cookies), str(cookies))

    def audit_rows(self):
        """The register's audit log has the logins and the refusals (read-only, as a reviewer would)."""
        import sqlite3
        with sqlite3.connect(f"file:{self.config['db']}?mode=ro", uri=True) as database:
            rows = database.execute("SELECT action, detail FROM audit_log WHERE action IN ('session_start', 'login_refused')").fetchall()
        starts = [detail for action, detail in rows if action == "session_start"]
        self.ok("audit log: session_start for hanna.h's IdP login with her client address",
                any("login=hanna.h" in d and "method=idp" in d and "client=127.0.0.1" in d for d in starts), "\n".join(starts[:5]))
        refused = " | ".join(detail for action, detail in rows if action == "login_refused")
        codes = [code for _, _, code in REFUSED] + ["no-role", "oidc-state", "oidc-idp-error"]
        missing = [code for code in codes if f"code={code}" not in refused]
        self.ok(f"audit log: a login_refused row with code= for each of {', '.join(codes)}", not missing, f"missing {missing}: {refused[:500]}")
        self.ok("audit log: login_refused for the disabled account and the local account's name", "reason=disabled" in refused and "reason=local_account" in refused,
                refused[:500])

    def untrusted_ca(self):
        """The control for the HTTPS flow: a Chromium whose HOME has no NSS database refuses nginx's chain."""
        import tempfile
        with tempfile.TemporaryDirectory() as home:
            options = webdriver.ChromeOptions()
            options.binary_location = "/usr/bin/chromium"
            for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
                options.add_argument(argument)
            driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver", env={**os.environ, "HOME": home}), options=options)
            try:
                driver.get(self.config["proxied"]["url"] + "/login")
                title = driver.title
            finally:
                driver.quit()
        self.ok(f"without the throwaway CA in its NSS database Chromium refuses the certificate (title {title!r})", "KAA" not in title)

    def behind_nginx(self):
        proxied = self.config["proxied"]
        url = proxied["url"]
        self.fresh(self.base)
        self.driver.get(url + "/healthz")
        self.driver.delete_all_cookies()
        self.network()
        documents = self.login_via_idp(url, "sara.s")
        self.expect_idag(url, "sara.s over HTTPS through nginx (the browser validated the throwaway CA's chain)", documents)
        cookies = {cookie["name"]: cookie for cookie in self.driver.get_cookies()}
        session = cookies.get("__Host-kaa_session")
        self.ok("behind nginx: the session cookie is __Host-kaa_session, Secure, HttpOnly, SameSite=Strict, Path=/",
                session is not None and session.get("secure") is True and session.get("httpOnly") is True and session.get("sameSite") == "Strict"
                and session.get("path") == "/" and session.get("domain") == "localhost",  # host-only: no Domain attribute
                str(list(cookies.values())))
        self.ok("behind nginx: no cookie without __Host- from kaa", not any(name.startswith("kaa_") for name in cookies), str(list(cookies)))
        status, headers, body = self.request(url + "/login", ca=proxied["ca"])
        hsts = [value for name, value in headers if name.lower() == "strict-transport-security"]
        self.ok(f"behind nginx: HSTS is sent ({hsts})", status == 200 and any("max-age=31536000" in value for value in hsts))
        status, headers, _ = self.request(proxied["http"] + "/login")
        location = dict((name.lower(), value) for name, value in headers).get("location", "")
        self.ok(f"behind nginx: plain http is sent to https ({status} {location})", status == 301 and location.startswith("https://localhost"))
        self.authorization_request(url, "__Host-kaa_oidc", ca=proxied["ca"])
        # The body limits: 2 MiB is too much for a form (nginx answers 413 itself) but goes through to kaa on the upload path.
        big = b"x" * (2 << 20)
        results = {}
        for path in ("/sok", "/manadskorning"):
            try:
                results[path] = self.request(url + path, "POST", {"Content-Type": "multipart/form-data; boundary=b", "Origin": url}, big, ca=proxied["ca"])[0]
            except (ConnectionError, http.client.HTTPException) as error:  # kaa may close early on an unauthenticated upload
                results[path] = type(error).__name__
        self.ok(f"behind nginx: 2 MiB to /sok is refused by nginx (413), to /manadskorning it reaches kaa ({results})",
                results["/sok"] == 413 and results["/manadskorning"] != 413)
        # A forged X-Forwarded-For sent to nginx from 127.0.0.2: nginx passes on what it saw.
        forged = {"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "http"}
        status, headers, body = self.request(url + "/login", headers=forged, source="127.0.0.2", ca=proxied["ca"])
        cookies = [value for name, value in headers if name.lower() == "set-cookie"]
        self.ok("behind nginx: the login cookie is __Host-kaa_login; Secure (even with a forged X-Forwarded-Proto: http)",
                any(c.startswith("__Host-kaa_login=") and "secure" in c.lower() for c in cookies), str(cookies))
        token = re.search(r'name="csrf" value="([^"]+)"', body)
        cookie = next((c.split(";")[0] for c in cookies if c.startswith("__Host-kaa_login=")), "")
        self.new_log("proxied")
        self.request(url + "/login", "POST", {**forged, "Content-Type": "application/x-www-form-urlencoded", "Origin": url, "Cookie": cookie},
                     urllib.parse.urlencode({"csrf": token.group(1) if token else "", "username": "greta.l", "password": "fel-lösenord", "otp": "123456"}),
                     source="127.0.0.2", ca=proxied["ca"])
        time.sleep(0.2)
        lines = [line for line in self.new_log("proxied") if "login" in line]
        self.ok("behind nginx: a failed login from 127.0.0.2 with a forged X-Forwarded-For is logged with client=127.0.0.2 (what nginx saw)",
                any("client=127.0.0.2" in line for line in lines) and not any("198.51.100.7" in line for line in lines), "\n".join(lines) or "no login line logged")

    def run(self):
        try:
            self.flow("login page", self.login_page)
            self.flow("hanna.h", self.hanna_first_login)
            if hasattr(self, "callback_url"):
                self.flow("reused callback", self.reused_callback)
            self.flow("cancelled at the provider", self.cancelled)
            self.flow("sara.s", self.sara)
            self.flow("olle.o", self.olle)
            self.refused_tokens()
            self.flow("es256", self.es256)
            self.flow("key rotation and logout", self.rotation_and_logout)
            self.flow("disabled locally", self.disabled)
            self.flow("no local accounts", self.no_local_accounts)
            self.flow("local conflict", self.local_conflict)
            self.flow("provider down", self.provider_down)
            self.flow("forged forwarded headers", self.forged_headers_direct)
            self.flow("behind nginx", self.behind_nginx)
            self.flow("untrusted CA", self.untrusted_ca)
            self.flow("audit log", self.audit_rows)
        finally:
            self.driver.quit()
        print("oidc: what the browser showed for each refusal:")
        for what, (title, code, status, text) in self.seen.items():
            print(f"oidc:   {what}: HTTP {status[0] if status else '?'} '{title}' (Felkod: {code}): {text}")
        print(f"oidc: {self.passes} passed, {self.failures} failed")
        return 1 if self.failures else 0


def main():
    if len(sys.argv) != 2:
        print("usage: oidc_test.py CONFIG.json", file=sys.stderr)
        return 64
    with open(sys.argv[1], encoding="utf-8") as file:
        config = json.load(file)
    return OIDCTest(config).run()


if __name__ == "__main__":
    sys.exit(main())
