import Foundation
import KAAOIDC
import Testing

/// The `oidc` block of the configuration: a good one parses, every hostile value is refused with
/// an error naming its key.
@Suite struct OIDCSettingsTests {
    static let roleNames: Set<String> = ["handlaggare", "samordnare", "granskare", "admin"]

    static var good: [String: Any] {
        ["issuer": "https://idp.example/realm", "clientId": "kaa", "clientSecretFile": "/run/credentials/kaa-web/oidc",
         "redirectUri": "https://kaa.kommun.se/login/oidc/callback", "loginClaim": "preferred_username", "roleClaim": "groups",
         "roles": ["KAA-Handlaggare": "handlaggare", "KAA-Samordnare": "samordnare", "KAA-Granskare": "granskare", "KAA-Admin": "admin"],
         "requiredAcr": NSNull(), "localAccounts": true]
    }

    /// The block as JSONSerialization gives it (numbers and booleans as the parser makes them, not as Swift literals).
    static func parsed(_ object: [String: Any]) throws -> Any {
        try JSONSerialization.jsonObject(with: JSONSerialization.data(withJSONObject: object))
    }

    static func settings(_ object: [String: Any]) throws -> OIDCSettings {
        try OIDCSettings(json: parsed(object), source: "kaa.json", roleNames: roleNames)
    }

    /// The error message for `object`, or nil when it parses.
    static func error(_ object: [String: Any]) -> String? {
        do {
            _ = try settings(object)
            return nil
        } catch let error as OIDCError {
            guard case let .configuration(message) = error else { return "not a configuration error: \(error)" }
            return message
        } catch {
            return "unexpected \(error)"
        }
    }

    static func with(_ key: String, _ value: Any?) -> [String: Any] {
        var object = good
        object[key] = value
        return object
    }

    @Test func aGoodBlockParsesIntoSettings() throws {
        let settings = try Self.settings(Self.good)
        #expect(settings.issuer == "https://idp.example/realm")
        #expect(settings.clientID == "kaa")
        #expect(settings.clientSecretFile == "/run/credentials/kaa-web/oidc")
        #expect(settings.redirectURI == "https://kaa.kommun.se/login/oidc/callback")
        #expect(settings.redirectOrigin == "https://kaa.kommun.se")
        #expect(settings.loginClaim == "preferred_username")
        #expect(settings.roleClaim == "groups")
        #expect(settings.roles["KAA-Admin"] == "admin")
        #expect(settings.roles.count == 4)
        #expect(settings.requiredACR == nil)
        #expect(settings.localAccounts)
        #expect(settings.caFile == nil)
    }

    @Test func optionalKeysHaveTheirDefaultsAndFalseSwitchesLocalAccountsOff() throws {
        var object: [String: Any] = ["issuer": "http://127.0.0.1:8081", "clientId": "kaa", "redirectUri": "http://127.0.0.1:8080/login/oidc/callback",
                                     "roles": ["g": "granskare"]]
        let defaults = try Self.settings(object)
        #expect(defaults.loginClaim == "preferred_username")
        #expect(defaults.roleClaim == "groups")
        #expect(defaults.clientSecretFile == nil)
        #expect(defaults.localAccounts)
        object["localAccounts"] = false
        object["requiredAcr"] = "http://id.elegnamnden.se/loa/1.0/loa2"
        object["caFile"] = "/etc/kaa/idp-ca.pem"
        object["loginClaim"] = "email"
        object["_comment"] = "keys with _ are comments"
        let set = try Self.settings(object)
        #expect(!set.localAccounts)
        #expect(set.requiredACR == "http://id.elegnamnden.se/loa/1.0/loa2")
        #expect(set.caFile == "/etc/kaa/idp-ca.pem")
        #expect(set.loginClaim == "email")
        #expect(set.redirectOrigin == "http://127.0.0.1:8080")
    }

    @Test(arguments: ["http://localhost:9000/realm", "http://[::1]:9000", "http://127.0.0.1"])
    func httpIsAllowedForALoopbackIssuer(_ issuer: String) throws {
        #expect(try Self.settings(Self.with("issuer", issuer)).issuer == issuer)
    }

    /// Each hostile value and the key its error must name.
    static var hostile: [(key: String, value: Any?, names: String)] { [
        ("surprise", "x", "oidc.surprise"),
        ("issuer", nil, "oidc.issuer"),
        ("clientId", nil, "oidc.clientId"),
        ("redirectUri", nil, "oidc.redirectUri"),
        ("roles", nil, "oidc.roles"),
        ("roles", [String: Any](), "oidc.roles"),
        ("roles", ["KAA-Handlaggare": "handläggare"], "oidc.roles.KAA-Handlaggare"),
        ("roles", ["KAA-Root": "root"], "oidc.roles.KAA-Root"),
        ("roles", ["KAA-Admin": 1], "oidc.roles.KAA-Admin"),
        ("issuer", "http://idp.example/realm", "oidc.issuer"),
        ("issuer", "http://localhost.evil.example", "oidc.issuer"),
        ("issuer", "http://127.0.0.1@evil.example", "oidc.issuer"),
        ("issuer", "ftp://idp.example", "oidc.issuer"),
        ("issuer", "idp.example", "oidc.issuer"),
        ("issuer", "https://idp.example/realm?x=1", "oidc.issuer"),
        ("issuer", "https://idp.example/realm#top", "oidc.issuer"),
        ("issuer", "https://idp.example/re alm", "oidc.issuer"),
        ("issuer", "https://idp.example/realm\n", "oidc.issuer"),
        ("issuer", "", "oidc.issuer"),
        ("issuer", 42, "oidc.issuer"),
        ("redirectUri", "https://kaa.kommun.se/login/callback", "oidc.redirectUri"),
        ("redirectUri", "https://kaa.kommun.se/login/oidc/callback/", "oidc.redirectUri"),
        ("redirectUri", "https://kaa.kommun.se/login/oidc/callback?next=/", "oidc.redirectUri"),
        ("redirectUri", "https://kaa.kommun.se/login/oidc/callback#x", "oidc.redirectUri"),
        ("redirectUri", "http://kaa.kommun.se/login/oidc/callback", "oidc.redirectUri"),
        ("redirectUri", "/login/oidc/callback", "oidc.redirectUri"),
        ("clientId", "k a a", "oidc.clientId"),
        ("clientId", "kaa\u{7}", "oidc.clientId"),
        ("clientId", "", "oidc.clientId"),
        ("clientId", ["kaa"], "oidc.clientId"),
        ("loginClaim", "name", "oidc.loginClaim"),
        ("loginClaim", "groups", "oidc.loginClaim"),
        ("roleClaim", "grou ps", "oidc.roleClaim"),
        ("roleClaim", "grupp<script>", "oidc.roleClaim"),
        ("localAccounts", "yes", "oidc.localAccounts"),
        ("localAccounts", 1, "oidc.localAccounts"),
        ("localAccounts", 0, "oidc.localAccounts"),
        ("clientSecretFile", "secret.txt", "oidc.clientSecretFile"),
        ("clientSecretFile", "./run/secret", "oidc.clientSecretFile"),
        ("clientSecretFile", "/run/my secret", "oidc.clientSecretFile"),
        ("caFile", "ca.pem", "oidc.caFile"),
        ("requiredAcr", "loa 2", "oidc.requiredAcr"),
        ("requiredAcr", 2, "oidc.requiredAcr"),
    ] }

    @Test(arguments: hostile.indices)
    func aHostileValueIsRefusedNamingItsKey(_ index: Int) {
        let (key, value, names) = Self.hostile[index]
        let message = Self.error(Self.with(key, value))
        #expect(message?.contains("\"\(names)\"") == true, "\(key)=\(String(describing: value)): \(message ?? "accepted")")
        #expect(message?.hasPrefix("kaa.json") == true)
    }

    @Test(arguments: ["\"https://idp.example\"", "[]", "true", "42", "null"] as [String])
    func aBlockThatIsNotAnObjectIsRefused(_ text: String) throws {
        let value = try JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)
        #expect(throws: OIDCError.configuration("kaa.json: \"oidc\" ska vara ett JSON-objekt")) {
            try OIDCSettings(json: value, source: "kaa.json", roleNames: Self.roleNames)
        }
    }

    @Test func theRedirectOriginKeepsAPort() throws {
        let settings = try Self.settings(Self.with("redirectUri", "https://kaa.kommun.se:8443/login/oidc/callback"))
        #expect(settings.redirectOrigin == "https://kaa.kommun.se:8443")
    }
}

/// `requiredAcr` may list every accepted value (tillitsnivå 2 and the stronger e-IDs').
@Suite struct AcceptedACRTests {
    static func block(_ acr: String) -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data("""
            {"issuer": "https://idp.example", "clientId": "kaa", "redirectUri": "https://kaa.example/login/oidc/callback",
             "roles": {"G": "admin"}, "requiredAcr": \(acr)}
            """.utf8)) else { return [:] }
        return object as? [String: Any] ?? [:]
    }

    @Test func aListIsEveryValueAccepted() throws {
        let settings = try OIDCSettings(json: Self.block("[\"loa2\", \"loa3\"]"), source: "x", roleNames: ["admin"])
        #expect(settings.requiredACR == "loa2" && settings.acceptedACRs == ["loa2", "loa3"])
        let one = try OIDCSettings(json: Self.block("\"loa2\""), source: "x", roleNames: ["admin"])
        #expect(one.acceptedACRs == ["loa2"])
        let none = try OIDCSettings(json: Self.block("null"), source: "x", roleNames: ["admin"])
        #expect(none.acceptedACRs.isEmpty)
    }

    @Test(arguments: ["[]", "[1]", "[\"a b\"]", "[\"\"]", "[\"ok\", null]", "{}", "3"])
    func aBadListIsRefusedNamingTheKey(acr: String) {
        #expect(throws: OIDCError.self) { try OIDCSettings(json: Self.block(acr), source: "x", roleNames: ["admin"]) }
        do {
            _ = try OIDCSettings(json: Self.block(acr), source: "x", roleNames: ["admin"])
        } catch {
            #expect(error.description.contains("oidc.requiredAcr"))
        }
    }
}
