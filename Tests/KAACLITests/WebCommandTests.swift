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
    func start(_ arguments: [String]) throws -> (Process, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable("kaa"))
        process.arguments = ["--db", database, "web"] + arguments
        process.environment = ["KAA_TODAY": TestDates.today.description, "PATH": "/usr/bin:/bin"]
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
}
