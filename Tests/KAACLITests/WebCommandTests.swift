import Foundation
import KAACLITestKit
import KAACore
import KAACurl
import KAAHTTP
import KAATestFixtures
import Testing

/// `kaa web` as kommun IT runs it: the built binary, a real socket, SIGTERM (issue 15).
@Suite(.serialized) struct WebCommandTests {
    let directory = TemporaryDirectory()
    var database: String { directory.file("kaa.sqlite") }

    func kaa(_ arguments: [String], environment: [String: String] = [:]) -> KAAResult {
        var runner = KAARunner(databasePath: database, today: TestDates.today)
        runner.environment = environment
        return runner.run(arguments)
    }

    /// Starts the built `kaa` with `web` and `arguments`; returns the process and the URL it printed.
    func start(_ arguments: [String], config: String? = nil, environment: [String: String] = [:]) throws -> (Process, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable("kaa"))
        process.arguments = ["--db", database] + (config.map { ["--config", $0] } ?? []) + ["web"] + arguments
        process.environment = ["KAA_TODAY": TestDates.today.description, "PATH": "/usr/bin:/bin"].merging(environment) { $1 }
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = ""
        while !line.hasSuffix("\n") {
            let byte = stdout.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { break }
            line += String(decoding: byte, as: UTF8.self)
        }
        return (process, line.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func webPrintsItsURLServesTheLoginPageBesideTheCLIAndStopsOnSIGTERM() throws {
        expectExit(kaa(["init", "--kommun", "0380"]), 0)
        let (process, line) = try start(["--listen", "127.0.0.1:0"])
        #expect(line.hasPrefix("listening on http://127.0.0.1:"))
        let base = String(line.dropFirst("listening on ".count))
        let login = try CurlHTTPClient().send(HTTPClientRequest(method: "GET", url: base + "/login", timeout: 5))
        #expect(login.status == 200)
        #expect(String(decoding: login.body, as: UTF8.self).contains("name=\"username\""))
        #expect(login.header("Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
        // The CLI works on the register while the server has it open.
        let added = kaa(["staff", "add", "anna", "--role", "samordnare", "--name", "Anna Andersson"])
        expectExit(added, 0)
        #expect(added.stdout.hasPrefix("password: "))
        let unauthenticated = try CurlHTTPClient().send(HTTPClientRequest(method: "GET", url: base + "/", timeout: 5))
        #expect(unauthenticated.status == 303)
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func behindAnHTTPSProxyTheCookiesAreSecureAndHostPrefixed() throws {
        expectExit(kaa(["init", "--kommun", "0380"]), 0)
        let config = directory.file("kaa.json")
        try Data("{\"webPublicOrigin\": \"https://kaa.kommun.example\"}".utf8).write(to: URL(fileURLWithPath: config))
        let (process, line) = try start(["--listen", "127.0.0.1:0"], config: config)
        defer { process.terminate(); process.waitUntilExit() }
        let base = String(line.dropFirst("listening on ".count))
        let login = try CurlHTTPClient().send(HTTPClientRequest(method: "GET", url: base + "/login", timeout: 5))
        let cookie = login.header("Set-Cookie") ?? ""
        #expect(cookie.hasPrefix("__Host-kaa_login=") && cookie.contains("; Secure"))
        #expect(login.header("Strict-Transport-Security") != nil)
    }

    @Test func aCertificateWithoutAKeyIsAUsageErrorAndABadWebSettingNamesItsKey() throws {
        expectExit(kaa(["init", "--kommun", "0380"]), 0)
        let half = kaa(["web", "--tls-cert", directory.file("cert.pem")])
        expectExit(half, 64)
        let config = directory.file("kaa.json")
        for (text, key) in [("{\"sessionIdleMinutes\": 0}", "sessionIdleMinutes"), ("{\"webPublicOrigin\": \"kaa.kommun.se/\"}", "webPublicOrigin"),
                            ("{\"webThreads\": true}", "webThreads"), ("{\"webListen\": 8080}", "webListen")] {
            try Data(text.utf8).write(to: URL(fileURLWithPath: config))
            let result = kaa(["--config", config, "web", "--listen", "127.0.0.1:0"])
            expectExit(result, 65)
            #expect(result.stderr.contains(key))
        }
        let badAddress = kaa(["web", "--listen", "nowhere"])
        expectExit(badAddress, 65)
        #expect(badAddress.stderr.contains("--listen"))
    }

    /// Issue 18: the OIDC client secret comes from a private file or systemd's credentials, never argv.
    @Test func theClientSecretComesFromAPrivateFileOrTheCredentialsDirectory() throws {
        expectExit(kaa(["init", "--kommun", "0380"]), 0)
        let config = directory.file("kaa.json")
        func write(secretFile: String?) throws {
            let secret = secretFile.map { ", \"clientSecretFile\": \"\($0)\"" } ?? ""
            let text = """
                {"oidc": {"issuer": "http://127.0.0.1:9", "clientId": "kaa", "redirectUri": "http://127.0.0.1:8080/login/oidc/callback",
                          "roles": {"KAA-Handlaggare": "handlaggare"}\(secret)}}
                """
            try Data(text.utf8).write(to: URL(fileURLWithPath: config))
        }
        // No secret anywhere: a usage error that says where it may come from.
        try write(secretFile: nil)
        let none = kaa(["--config", config, "web", "--listen", "127.0.0.1:0"])
        expectExit(none, 64)
        #expect(none.stderr.contains("clientSecretFile") && none.stderr.contains("LoadCredential"))
        // A secret others can read is refused before the server starts.
        let secret = directory.file("oidc-secret")
        try Data("s3cret\n".utf8).write(to: URL(fileURLWithPath: secret))
        chmod(secret, 0o644)
        try write(secretFile: secret)
        let readable = kaa(["--config", config, "web", "--listen", "127.0.0.1:0"])
        expectExit(readable, 65)
        #expect(readable.stderr.contains("chmod 600"))
        // Two lines is not one secret.
        chmod(secret, 0o600)
        try Data("s3cret\nmore\n".utf8).write(to: URL(fileURLWithPath: secret))
        expectExit(kaa(["--config", config, "web", "--listen", "127.0.0.1:0"]), 65)
        // From systemd's credentials directory: the server starts (the provider may be down) and offers the IdP.
        let credentials = directory.file("credentials")
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        try Data("s3cret\n".utf8).write(to: URL(fileURLWithPath: credentials + "/oidc"))
        chmod(credentials + "/oidc", 0o400)
        try write(secretFile: nil)
        let (process, line) = try start(["--listen", "127.0.0.1:0"], config: config, environment: ["CREDENTIALS_DIRECTORY": credentials])
        defer { process.terminate(); process.waitUntilExit() }
        let base = String(line.dropFirst("listening on ".count))
        let login = try CurlHTTPClient().send(HTTPClientRequest(method: "GET", url: base + "/login", timeout: 5))
        #expect(String(decoding: login.body, as: UTF8.self).contains("id=\"login-oidc\""))
        let begin = try CurlHTTPClient().send(HTTPClientRequest(method: "GET", url: base + "/login/oidc", timeout: 5))
        #expect(begin.status == 502 && String(decoding: begin.body, as: UTF8.self).contains("Felkod: oidc-provider"))
    }

    @Test func aBadOIDCBlockOrProxyListNamesItsKey() throws {
        expectExit(kaa(["init", "--kommun", "0380"]), 0)
        let config = directory.file("kaa.json")
        for (text, key) in [("{\"oidc\": {\"issuer\": \"http://idp.example\", \"clientId\": \"k\", \"redirectUri\": \"https://k.se/login/oidc/callback\", \"roles\": {\"G\": \"admin\"}}}", "oidc.issuer"),
                            ("{\"oidc\": {\"issuer\": \"https://idp.example\", \"clientId\": \"k\", \"redirectUri\": \"https://k.se/callback\", \"roles\": {\"G\": \"admin\"}}}", "oidc.redirectUri"),
                            ("{\"oidc\": {\"issuer\": \"https://idp.example\", \"clientId\": \"k\", \"redirectUri\": \"https://k.se/login/oidc/callback\", \"roles\": {\"G\": \"root\"}}}", "oidc.roles.G"),
                            ("{\"trustedProxies\": [\"127.0.0.1\", \"10.0.0.1/8\"]}", "trustedProxies\"[1]"),
                            ("{\"trustedProxies\": \"127.0.0.1\"}", "trustedProxies")] {
            try Data(text.utf8).write(to: URL(fileURLWithPath: config))
            let result = kaa(["--config", config, "web", "--listen", "127.0.0.1:0"])
            expectExit(result, 65)
            #expect(result.stderr.contains(key), "\(result.stderr)")
        }
    }
}
