import Foundation
import KAAOIDC
import KAARegister
import KAASystem
import Testing

/// The configuration keys of issue 18: `oidc` (parsed into settings, checked against
/// `webPublicOrigin`) and `trustedProxies`.
@Suite struct RegisterConfigurationOIDCTests {
    static let oidc = #"{"issuer": "https://idp.example/realm", "clientId": "kaa", "clientSecretFile": "/run/credentials/kaa-web/oidc", "redirectUri": "https://kaa.kommun.se/login/oidc/callback", "loginClaim": "preferred_username", "roleClaim": "groups", "roles": {"KAA-Handlaggare": "handlaggare", "KAA-Samordnare": "samordnare", "KAA-Granskare": "granskare", "KAA-Admin": "admin"}, "requiredAcr": null, "localAccounts": true}"#

    static func configuration(_ text: String) throws(RegisterError) -> RegisterConfiguration {
        try RegisterConfiguration(json: Data(text.utf8), source: "kaa.json")
    }

    static func error(_ text: String) -> String? {
        do {
            _ = try configuration(text)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func theOIDCBlockOfTheIssueIsParsedIntoSettings() throws {
        let configuration = try Self.configuration(#"{"webPublicOrigin": "https://kaa.kommun.se", "oidc": \#(Self.oidc)}"#)
        let oidc = try #require(configuration.oidc)
        #expect(oidc.issuer == "https://idp.example/realm")
        #expect(oidc.clientID == "kaa")
        #expect(oidc.clientSecretFile == "/run/credentials/kaa-web/oidc")
        #expect(oidc.redirectURI == "https://kaa.kommun.se/login/oidc/callback")
        #expect(oidc.roles == ["KAA-Handlaggare": "handlaggare", "KAA-Samordnare": "samordnare", "KAA-Granskare": "granskare", "KAA-Admin": "admin"])
        #expect(oidc.requiredACR == nil)
        #expect(oidc.localAccounts)
        #expect(configuration.webPublicOrigin == "https://kaa.kommun.se")
    }

    @Test func withoutOIDCOrWithNullThereAreNoSettings() throws {
        #expect(try Self.configuration("{}").oidc == nil)
        #expect(try Self.configuration(#"{"oidc": null}"#).oidc == nil)
        #expect(try Self.configuration("{}").trustedProxies.isEmpty)
    }

    @Test func aRoleOfTheRegistersRolesOnly() {
        let bad = Self.oidc.replacingOccurrences(of: #""KAA-Admin": "admin""#, with: #""KAA-Admin": "superuser""#)
        let message = Self.error(#"{"oidc": \#(bad)}"#)
        #expect(message?.contains("\"oidc.roles.KAA-Admin\"") == true, "\(message ?? "accepted")")
        #expect(message?.contains("admin, granskare, handlaggare, samordnare") == true)
    }

    @Test func anOIDCErrorNamesTheFileAndTheKey() {
        let bad = Self.oidc.replacingOccurrences(of: #""localAccounts": true"#, with: #""localAccounts": "yes""#)
        #expect(Self.error(#"{"oidc": \#(bad)}"#) == "ogiltig konfiguration: kaa.json: \"oidc.localAccounts\" ska vara true eller false")
        #expect(Self.error(#"{"oidc": []}"#) == "ogiltig konfiguration: kaa.json: \"oidc\" ska vara ett JSON-objekt")
    }

    @Test(arguments: ["https://kaa.other.se", "http://kaa.kommun.se", "https://kaa.kommun.se:8443", "https://KAA.kommun.se"])
    func aRedirectURINotOnWebPublicOriginIsRefused(_ origin: String) {
        let message = Self.error(#"{"webPublicOrigin": "\#(origin)", "oidc": \#(Self.oidc)}"#)
        #expect(message == "ogiltig konfiguration: kaa.json: \"oidc.redirectUri\" (https://kaa.kommun.se/login/oidc/callback) ska ligga på webPublicOrigin (\(origin))")
    }

    @Test func theOrderOfTheKeysDoesNotMatter() throws {
        // oidc before webPublicOrigin in the text: the check still sees both.
        #expect(Self.error(#"{"oidc": \#(Self.oidc), "webPublicOrigin": "https://other.se"}"#)?.contains("webPublicOrigin") == true)
    }

    @Test func trustedProxiesAreParsedIntoRanges() throws {
        let configuration = try Self.configuration(#"{"trustedProxies": ["127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8"]}"#)
        #expect(configuration.trustedProxies.map(\.description) == ["127.0.0.1/32", "10.0.0.0/8", "::1/128", "fd00::/8"])
        #expect(configuration.trustedProxies[1].contains(try #require(NetworkAddress("10.20.30.40"))))
        #expect(try Self.configuration(#"{"trustedProxies": []}"#).trustedProxies.isEmpty)
    }

    @Test(arguments: [
        (#"["127.0.0.1", "nginx"]"#, 1), (#"["10.1.2.3/8"]"#, 0), (#"["127.0.0.1", "::1", "1.2.3.4:80"]"#, 2), (#"[1]"#, 0),
        (#"["127.0.0.1", null]"#, 1), (#"["fe80::1%eth0"]"#, 0), (#"["10.0.0.0/33"]"#, 0), (#"["", "127.0.0.1"]"#, 0), (#"[["127.0.0.1"]]"#, 0),
    ])
    func aBadTrustedProxyIsNamedByIndex(_ list: String, _ index: Int) {
        #expect(Self.error(#"{"trustedProxies": \#(list)}"#)
            == "ogiltig konfiguration: kaa.json: \"trustedProxies\"[\(index)] ska vara en IP-adress eller ett nät som \"10.0.0.0/8\" (utan värdbitar)")
    }

    @Test(arguments: [#""127.0.0.1""#, "{}", "true", "null", "[" + Array(repeating: #""127.0.0.1""#, count: 101).joined(separator: ",") + "]"])
    func trustedProxiesThatAreNotAListAreRefused(_ value: String) {
        #expect(Self.error(#"{"trustedProxies": \#(value)}"#)
            == #"ogiltig konfiguration: kaa.json: "trustedProxies" ska vara en lista med adresser, t.ex. ["127.0.0.1", "10.0.0.0/8"]"#)
    }
}
