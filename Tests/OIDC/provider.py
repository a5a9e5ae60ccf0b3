#!/usr/bin/python3
"""A real OpenID Connect provider for the tests of `kaa web`'s relying party (issue 18).

  provider.py --port PORT --client-id kaa --redirect-uri URI [--redirect-uri URI ...]
              [--post-logout-uri URI ...]        (the secret: $OIDC_CLIENT_SECRET or --client-secret-file F)
  provider.py --self-check                      (starts itself on a free port and logs in once by HTTP)

The protocol is Debian's python3-authlib (1.2): its Flask AuthorizationServer, the authorization code
grant with the OpenID Connect extension (ID tokens signed by authlib.jose) and PKCE with S256 required.
This file only supplies what authlib leaves to the application: in-memory storage of the client, the
codes and tokens, the users, the login form, discovery, the JWKS and RP-initiated logout.

Listens on 127.0.0.1:PORT (0 picks one); the issuer is `http://127.0.0.1:PORT`; prints
`listening on ISSUER` on stdout once it accepts connections.

Provider session: a signed cookie `idp_session` remembers who logged in. A second /authorize in the
same browser continues without the form (single sign-on, as a kommun's IdP does) unless the RP sends
`prompt=login`; /logout forgets it, so the next login asks for the password again.

Test controls (a test provider only; nothing like it exists in kaa):
  POST /test/next {"mode": M}  the NEXT ID token misbehaves, then back to normal. M is one of
      wrong_aud (aud another client), expired (iat 500 s and exp 200 s ago: only exp is wrong, iat is
      within any 10-minute window), replay_nonce (the previous successful login's nonce), other_key
      (signed by a key not in the JWKS, with the published kid), alg_none (header alg none, empty
      signature), no_acr (acr left out), wrong_iss (another issuer), es256 (signed by the ES256 key of
      the JWKS: a good token); and beyond the issue's list: wrong_azp (aud kaa and another client, azp
      the other), future_iat (iat and exp 10 minutes ahead), no_username (preferred_username left
      out), no_sub (sub left out), hs256 (HMAC with the client secret, which OpenID Connect allows but kaa must not accept),
      token_refused (the token endpoint answers 400 invalid_grant instead of a token).
  POST /test/rotate            a new RSA signing key with a new kid; the JWKS publishes it and the
      ES256 key, no longer the old RSA key.
"""
import argparse
import base64
import html
import json
import os
import secrets
import sys
import threading
import time
import urllib.parse
import uuid

# authlib refuses plain http unless told; this provider only ever listens on 127.0.0.1 (nginx's TLS
# is in front of kaa, not of the provider, in the test).
os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")

from flask import Flask, jsonify, redirect, request, session
from werkzeug.serving import make_server

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.jose import JsonWebKey, jwt
from authlib.oauth2.rfc6749 import ClientMixin, InvalidRequestError
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant as _AuthorizationCodeGrant
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode as _OpenIDCode
from authlib.oidc.core.models import AuthorizationCodeMixin

PASSWORD = "Provider-pass-1"
LOA2 = "http://id.elegnamnden.se/loa/1.0/loa2"
# login -> (name, groups); sub is a UUID derived from the login, so it is the same on every run.
USERS = {
    "hanna.h": ("Hanna Handläggare", ["KAA-Handlaggare"]),
    "adam.a": ("Adam Admin", ["KAA-Admin"]),
    "sara.s": ("Sara Samordnare", ["KAA-Samordnare", "Personal"]),
    "olle.o": ("Olle Ombud", ["Personal"]),
    # The same login as a local (password) account the test makes: kaa must refuse to merge them.
    "greta.l": ("Greta Lokal", ["KAA-Granskare"]),
}
MODES = {"wrong_aud", "expired", "replay_nonce", "other_key", "alg_none", "no_acr", "wrong_iss", "es256",
         "wrong_azp", "future_iat", "no_username", "no_sub", "hs256", "token_refused"}


def subject(login):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "kaa-test-idp/" + login))


def new_key(kty, size_or_curve, kid, alg):
    return JsonWebKey.generate_key(kty, size_or_curve, {"kid": kid, "use": "sig", "alg": alg}, is_private=True)


class State:
    """Everything the provider keeps, in memory, behind one lock (Flask serves on several threads)."""

    def __init__(self, issuer, client):
        self.lock = threading.RLock()
        self.issuer = issuer
        self.client = client
        self.codes = {}          # code -> AuthorizationCode (deleted by authlib once used)
        self.used_nonces = set()  # every nonce a code was issued for (authlib's replay check asks)
        self.tokens = []
        self.rsa = new_key("RSA", 2048, "rsa-1", "RS256")
        self.ec = new_key("EC", "P-256", "ec-1", "ES256")
        self.next_mode = None
        self.previous_nonce = None

    def jwks(self):
        with self.lock:
            return {"keys": [self.rsa.as_dict(is_private=False), self.ec.as_dict(is_private=False)]}

    def rotate(self):
        with self.lock:
            number = int(self.rsa.kid.split("-")[1]) + 1
            self.rsa = new_key("RSA", 2048, f"rsa-{number}", "RS256")
            return self.rsa.kid


class Client(ClientMixin):
    """The one registered client (kaa): confidential, client_secret_basic only, exact redirect URIs."""

    def __init__(self, client_id, secret, redirect_uris, post_logout_uris):
        self.client_id, self.secret = client_id, secret
        self.redirect_uris, self.post_logout_uris = list(redirect_uris), list(post_logout_uris)

    def get_client_id(self): return self.client_id
    def get_default_redirect_uri(self): return None  # the RP must name one: no silent default
    def get_allowed_scope(self, scope): return " ".join(s for s in scope.split() if s in ("openid", "profile", "email"))
    def check_redirect_uri(self, redirect_uri): return redirect_uri in self.redirect_uris
    def check_client_secret(self, client_secret): return secrets.compare_digest(client_secret, self.secret)
    def check_endpoint_auth_method(self, method, endpoint): return method == "client_secret_basic" if endpoint == "token" else True
    def check_response_type(self, response_type): return response_type == "code"
    def check_grant_type(self, grant_type): return grant_type == "authorization_code"


class AuthorizationCode(AuthorizationCodeMixin):
    def __init__(self, code, client_id, redirect_uri, scope, user, nonce, auth_time, challenge, method):
        self.code, self.client_id, self.redirect_uri, self.scope, self.user = code, client_id, redirect_uri, scope, user
        self.nonce, self.auth_time, self.code_challenge, self.code_challenge_method = nonce, auth_time, challenge, method
        self.issued = time.time()

    def get_redirect_uri(self): return self.redirect_uri
    def get_scope(self): return self.scope
    def get_nonce(self): return self.nonce
    def get_auth_time(self): return self.auth_time


class S256CodeChallenge(CodeChallenge):
    """authlib's PKCE, S256 only, and required of every client: authlib itself insists only for public ones."""
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant):
        if not grant.request.data.get("code_challenge") or grant.request.data.get("code_challenge_method") != "S256":
            raise InvalidRequestError('PKCE with code_challenge_method=S256 is required')
        super().validate_code_challenge(grant)


def make_app(state):
    app = Flask("kaa-test-idp")
    app.secret_key = secrets.token_bytes(32)
    app.config.update(SESSION_COOKIE_NAME="idp_session", SESSION_COOKIE_SAMESITE="Lax")

    class AuthorizationCodeGrant(_AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic"]

        def save_authorization_code(self, code, req):
            with state.lock:
                nonce = req.data.get("nonce")
                if nonce:
                    state.used_nonces.add(nonce)
                state.codes[code] = AuthorizationCode(
                    code, req.client.get_client_id(), req.redirect_uri, req.scope, req.user, nonce,
                    session.get("auth_time", int(time.time())), req.data.get("code_challenge"), req.data.get("code_challenge_method"))

        def query_authorization_code(self, code, client):
            with state.lock:
                item = state.codes.get(code)
            if item and item.client_id == client.get_client_id() and time.time() - item.issued < 300:
                return item
            return None

        def delete_authorization_code(self, authorization_code):
            with state.lock:
                state.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code):
            return authorization_code.user

    class OpenIDCode(_OpenIDCode):
        """authlib's OpenID Connect extension; the test modes only change what it is asked to sign."""

        def exists_nonce(self, nonce, req):
            with state.lock:
                return nonce in state.used_nonces

        def get_jwt_config(self, grant):
            mode = self.mode
            if mode == "es256":
                key, alg = state.ec, "ES256"
            elif mode == "other_key":  # a stranger's key that claims the published kid
                key, alg = new_key("RSA", 2048, state.rsa.kid, "RS256"), "RS256"
            elif mode == "hs256":
                key, alg = state.client.secret.encode(), "HS256"
            else:
                key, alg = state.rsa, "RS256"
            issuer = state.issuer + "/annan" if mode == "wrong_iss" else state.issuer
            return {"key": key, "alg": alg, "iss": issuer, "exp": 300}

        def get_audiences(self, req):
            if self.mode == "wrong_aud":
                return ["annan-klient"]
            if self.mode == "wrong_azp":
                return [req.client.get_client_id(), "annan-klient"]
            return [req.client.get_client_id()]

        def generate_user_info(self, user, scope):
            # authlib merges these claims over the ones it sets (iat, exp, nonce), which the modes use.
            name, groups = USERS[user]
            info = UserInfo(sub=subject(user), preferred_username=user, name=name, email=f"{user}@kommun.example", groups=groups)
            if self.mode != "no_acr":
                info["acr"] = LOA2
            if self.mode == "expired":
                now = int(time.time())
                info["iat"], info["exp"] = now - 500, now - 200
            if self.mode == "future_iat":
                now = int(time.time())
                info["iat"], info["exp"] = now + 600, now + 900
            if self.mode == "wrong_azp":
                info["azp"] = "annan-klient"
            if self.mode == "no_username":
                del info["preferred_username"]
            if self.mode == "no_sub":
                del info["sub"]
            if self.mode == "replay_nonce":
                info["nonce"] = state.previous_nonce or "a-nonce-never-sent"
            return info

        def process_token(self, grant, token):
            with state.lock:
                self.mode, state.next_mode = state.next_mode, None
                token = super().process_token(grant, token)
                if self.mode == "alg_none" and "id_token" in token:
                    # authlib refuses to sign with "none" (rightly): the unsigned token is made here.
                    header = {"alg": "none", "kid": state.rsa.kid, "typ": "JWT"}
                    segment = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
                    token["id_token"] = segment + "." + token["id_token"].split(".")[1] + "."
                if self.mode in (None, "es256"):  # a good token: its nonce is the one replay_nonce replays
                    state.previous_nonce = grant.request.credential.get_nonce()
                print(f"provider: event=token user={grant.request.user} mode={self.mode or 'normal'}", file=sys.stderr, flush=True)
                self.mode = None
                return token

    server = AuthorizationServer(app, query_client=lambda cid: state.client if cid == state.client.client_id else None,
                                 save_token=lambda token, req: state.tokens.append(token))
    server.register_grant(AuthorizationCodeGrant, [OpenIDCode(require_nonce=True), S256CodeChallenge(required=True)])

    @app.get("/.well-known/openid-configuration")
    def discovery():
        base = state.issuer
        return jsonify(issuer=base, authorization_endpoint=base + "/authorize", token_endpoint=base + "/token",
                       jwks_uri=base + "/jwks", end_session_endpoint=base + "/logout", response_types_supported=["code"],
                       subject_types_supported=["public"], id_token_signing_alg_values_supported=["RS256", "ES256"],
                       code_challenge_methods_supported=["S256"], token_endpoint_auth_methods_supported=["client_secret_basic"],
                       scopes_supported=["openid", "profile", "email"], claims_supported=["sub", "preferred_username", "name", "email", "groups", "acr"],
                       acr_values_supported=[LOA2])

    @app.get("/jwks")
    def jwks():
        return jsonify(state.jwks())

    @app.route("/authorize", methods=["GET", "POST"])
    def authorize():
        user = session.get("user")
        if request.method == "GET":
            try:  # authlib validates the request (client, redirect URI, PKCE, nonce) before anything is shown
                server.get_consent_grant(end_user=user)
            except Exception as error:  # an OAuth2Error: shown here, never redirected to an unchecked URI
                return page("Felaktig begäran", f"<p>{html.escape(str(error))}</p>"), 400
            if user and "login" not in request.args.get("prompt", "").split():
                return server.create_authorization_response(grant_user=user)
            return login_form("")
        if request.form.get("action") == "cancel":
            return server.create_authorization_response(grant_user=None)  # error=access_denied to the RP
        login = request.form.get("username", "").strip()
        if login not in USERS or not secrets.compare_digest(request.form.get("password", ""), PASSWORD):
            return login_form("Fel användarnamn eller lösenord."), 200
        session.clear()
        session.update(user=login, auth_time=int(time.time()))
        return server.create_authorization_response(grant_user=login)

    @app.post("/token")
    def token():
        with state.lock:
            refuse = state.next_mode == "token_refused"
            if refuse:
                state.next_mode = None
        if refuse:  # what a provider says about a code it no longer knows
            return jsonify(error="invalid_grant", error_description="test mode token_refused"), 400
        return server.create_token_response()

    @app.route("/logout", methods=["GET", "POST"])
    def logout():
        # RP-initiated logout 1.0: forget the provider session; back only to a registered URI. The
        # id_token_hint kaa sends is not needed here (the cookie says whose session it is); the
        # browser test checks that it is sent.
        session.clear()
        target = request.values.get("post_logout_redirect_uri")
        if target and target in state.client.post_logout_uris:
            if request.values.get("state"):
                target += ("&" if "?" in target else "?") + urllib.parse.urlencode({"state": request.values["state"]})
            return redirect(target, code=302)
        return page("Utloggad", "<p>Du är utloggad från kommunens inloggningstjänst.</p>")

    @app.post("/test/next")
    def test_next():
        mode = (request.get_json(silent=True) or {}).get("mode")
        if mode not in MODES:
            return jsonify(error=f"unknown mode {mode!r}", modes=sorted(MODES)), 400
        with state.lock:
            state.next_mode = mode
        return jsonify(next=mode)

    @app.post("/test/rotate")
    def test_rotate():
        return jsonify(kid=state.rotate())

    return app


def page(title, body):
    return (f'<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
            f'<body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>')


def login_form(error):
    notice = f'<p role="alert" id="idp-error">{html.escape(error)}</p>' if error else ""
    # The form posts to the same URL (the authorization request stays in the query string).
    return page("Kommunens inloggning (test)", notice + """
<form method="post" id="idp-login">
  <p><label for="username">Användarnamn</label><br><input id="username" name="username" autocomplete="username" required></p>
  <p><label for="password">Lösenord</label><br><input id="password" name="password" type="password" autocomplete="current-password" required></p>
  <p><button type="submit" name="action" value="login" id="idp-submit">Logga in</button>
     <button type="submit" name="action" value="cancel" id="idp-cancel" formnovalidate>Avbryt</button></p>
</form>""")


def serve(port, client):
    state = State(None, client)
    app = make_app(state)
    httpd = make_server("127.0.0.1", port, app, threaded=True)
    state.issuer = f"http://127.0.0.1:{httpd.server_port}"
    return httpd, state


def self_check():
    """Discovery, the form login, the token with Basic auth and PKCE, the ID token against the JWKS."""
    import hashlib
    import http.cookiejar
    import urllib.request
    from authlib.jose import JsonWebKey as Keys

    import logging
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    redirect_uri = "http://127.0.0.1:9/callback"
    httpd, state = serve(0, Client("kaa", "s3cret", [redirect_uri], []))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = state.issuer
    cookies = http.cookiejar.CookieJar()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args): return None
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies), NoRedirect)

    def call(url, data=None, headers=None):
        req = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with opener.open(req) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    meta = json.loads(call(base + "/.well-known/openid-configuration")[2])
    assert meta["issuer"] == base and meta["code_challenge_methods_supported"] == ["S256"], meta

    def login(mode=None):
        if mode:
            call(base + "/test/next", json.dumps({"mode": mode}).encode(), {"Content-Type": "application/json"})
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        nonce = secrets.token_urlsafe(16)
        query = urllib.parse.urlencode({"response_type": "code", "client_id": "kaa", "redirect_uri": redirect_uri, "scope": "openid profile email",
                                        "state": "st", "nonce": nonce, "code_challenge": challenge, "code_challenge_method": "S256"})
        status, headers, body = call(meta["authorization_endpoint"] + "?" + query)
        if status == 200:
            assert 'id="idp-login"' in body, body
            status, headers, body = call(meta["authorization_endpoint"] + "?" + query,
                                         urllib.parse.urlencode({"username": "hanna.h", "password": PASSWORD, "action": "login"}).encode())
        assert status == 302, (status, body)
        back = urllib.parse.parse_qs(urllib.parse.urlsplit(headers["Location"]).query)
        assert back["state"] == ["st"], back
        basic = base64.b64encode(b"kaa:s3cret").decode()
        form = {"grant_type": "authorization_code", "code": back["code"][0], "redirect_uri": redirect_uri, "code_verifier": verifier}
        status, _, body = call(meta["token_endpoint"], urllib.parse.urlencode(form).encode(), {"Authorization": "Basic " + basic})
        assert status == 200, body
        # The same code again: refused by authlib.
        assert call(meta["token_endpoint"], urllib.parse.urlencode(form).encode(), {"Authorization": "Basic " + basic})[0] == 400
        return json.loads(body)["id_token"], nonce

    plain = urllib.parse.urlencode({"response_type": "code", "client_id": "kaa", "redirect_uri": redirect_uri, "scope": "openid", "state": "st",
                                    "nonce": "n1"})
    assert call(meta["authorization_endpoint"] + "?" + plain)[0] == 400, "an authorization request without PKCE was accepted"
    assert call(meta["authorization_endpoint"] + "?" + plain.replace("127.0.0.1%3A9", "evil.example"))[0] == 400
    print("provider self-check: ok: no PKCE or an unregistered redirect URI is refused at /authorize")
    keys = Keys.import_key_set(json.loads(call(meta["jwks_uri"])[2]))
    id_token, nonce = login()
    claims = jwt.decode(id_token, keys)
    claims.validate()
    assert claims["iss"] == base and claims["aud"] == ["kaa"] and claims["nonce"] == nonce and claims["acr"] == LOA2, claims
    assert claims["groups"] == ["KAA-Handlaggare"] and claims["sub"] == subject("hanna.h"), claims
    print("provider self-check: ok: discovery, form login, token with Basic auth and PKCE, RS256 ID token verified with the JWKS")
    claims = jwt.decode(login("es256")[0], keys)  # the session cookie continues without the form
    assert claims["acr"] == LOA2 and json.loads(base64.urlsafe_b64decode(login("es256")[0].split(".")[0] + "=="))["alg"] == "ES256"
    print("provider self-check: ok: single sign-on by the provider session; an ES256 ID token verified with the JWKS")
    bad, _ = login("other_key")
    try:
        jwt.decode(bad, keys)
        raise AssertionError("a token of another key verified")
    except Exception as error:
        assert "signature" in str(error).lower(), error
    assert login("alg_none")[0].endswith(".")
    old_kid = state.rsa.kid
    call(base + "/test/rotate", b"{}", {"Content-Type": "application/json"})
    published = [k["kid"] for k in json.loads(call(meta["jwks_uri"])[2])["keys"]]
    assert old_kid not in published and state.rsa.kid in published, published
    jwt.decode(login()[0], Keys.import_key_set(json.loads(call(meta["jwks_uri"])[2]))).validate()
    print("provider self-check: ok: other_key fails verification, alg_none is unsigned, rotation publishes only the new RSA key")
    httpd.shutdown()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--self-check", action="store_true")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--client-id", default="kaa")
    parser.add_argument("--client-secret-file", help="default: $OIDC_CLIENT_SECRET (never the secret itself on argv)")
    parser.add_argument("--redirect-uri", action="append", default=[])
    parser.add_argument("--post-logout-uri", action="append", default=[])
    args = parser.parse_args()
    if args.self_check:
        return self_check()
    if args.client_secret_file:
        with open(args.client_secret_file, encoding="utf-8") as file:
            secret = file.read().rstrip("\n")
    else:
        secret = os.environ.get("OIDC_CLIENT_SECRET", "")
    if not secret or not args.redirect_uri:
        parser.error("a client secret and at least one --redirect-uri are needed")
    httpd, state = serve(args.port, Client(args.client_id, secret, args.redirect_uri, args.post_logout_uri))
    print(f"listening on {state.issuer}", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
