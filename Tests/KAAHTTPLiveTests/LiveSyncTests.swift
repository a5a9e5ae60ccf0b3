import Foundation
import KAACore
import KAACurl
import KAAHTTP
import KAAHTTPServer
import KAAHub
import KAAProtocol
import KAARegister
import KAASync
import KAATestFixtures
import Testing

/// Makes a throwaway CA and a server certificate for 127.0.0.1 with the openssl command.
struct ThrowawayCA {
    let caFile: String
    let keyPEM: String
    let certificatePEM: String

    init(in directory: TemporaryDirectory) throws {
        func openssl(_ arguments: [String]) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: directory.path)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw HTTPClientError("openssl \(arguments.first ?? "") failed") }
        }
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=KAA test CA"])
        try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"])
        try Data("subjectAltName=IP:127.0.0.1\n".utf8).write(to: URL(fileURLWithPath: directory.file("san.ext")))
        try openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem",
                     "-days", "2", "-extfile", "san.ext"])
        caFile = directory.file("ca.pem")
        keyPEM = try String(contentsOfFile: directory.file("server.key"), encoding: .utf8)
        certificatePEM = try String(contentsOfFile: directory.file("server.pem"), encoding: .utf8)
    }
}

/// A hub served over real HTTP on 127.0.0.1, and a kommun register.
struct LiveFixture {
    let directory = TemporaryDirectory()
    let hub: Hub
    let server: HTTPServer
    let token: String
    let register: Register

    init(tls: ThrowawayCA? = nil, maxBodyBytes: Int = 4 << 20) throws {
        hub = try Hub(path: directory.file("hub.sqlite"), maxBodyBytes: maxBodyBytes)
        token = try hub.addSite(kommun: "0380", name: nil, actor: "test")
        var options = HTTPServer.Options()
        options.maxBodyBytes = maxBodyBytes
        options.tlsKeyPEM = tls?.keyPEM
        options.tlsCertificatePEM = tls?.certificatePEM
        server = try HTTPServer(host: "127.0.0.1", port: 0, responder: HubResponder(hub: hub), options: options)
        register = try Register.create(at: directory.file("kaa.sqlite"), kommun: "0380", clock: FixedDateClock(today: TestDates.today), staff: "natt")
        for index in 0..<20 {
            try register.register(TestPeople.person(born: 2008, index), on: TestDates.date("2026-10-01"), reason: "AVBROTT_NP")
        }
    }

    func sync(caFile: String? = nil, deadline: Double = 20) throws(SyncError) -> SyncReport {
        try SyncClient(register: register, http: CurlHTTPClient(caFile: caFile),
                       options: SyncClient.Options(hubURL: server.baseURL, token: token, deadlineSeconds: deadline)).run()
    }

    func hubMatchesRegister() throws -> Bool {
        Set(try hub.exactCells(kommun: "0380").map(\.cell)) == Set(try register.allCells().filter { $0.n > 0 })
    }
}

@Suite(.serialized) struct LiveSyncTests {
    @Test func syncsOverPlainHTTPOnAPickedPort() throws {
        let fixture = try LiveFixture()
        #expect(fixture.server.port != 0)
        #expect(fixture.server.baseURL.hasPrefix("http://127.0.0.1:"))
        let report = try fixture.sync()
        #expect(report.uploaded.map(\.seq) == [1])
        #expect(try fixture.hubMatchesRegister())
        let health = try CurlHTTPClient().send(HTTPClientRequest(method: "GET", url: fixture.server.baseURL + "/healthz"))
        #expect(health.status == 200 && String(decoding: health.body, as: UTF8.self) == "ok\n")
    }

    @Test func syncsOverHTTPSVerifyingTheHubWithTheConfiguredCA() throws {
        let certificates = TemporaryDirectory()
        let ca = try ThrowawayCA(in: certificates)
        let fixture = try LiveFixture(tls: ca)
        #expect(fixture.server.baseURL.hasPrefix("https://"))
        let report = try fixture.sync(caFile: ca.caFile)
        #expect(report.uploaded.map(\.seq) == [1])
        #expect(try fixture.hubMatchesRegister())
    }

    @Test func refusesAHubItCannotVerify() throws {
        let certificates = TemporaryDirectory()
        let ca = try ThrowawayCA(in: certificates)
        let fixture = try LiveFixture(tls: ca)
        do {
            _ = try fixture.sync(caFile: nil, deadline: 2)
            Issue.record("an unverified hub was trusted")
        } catch {
            #expect(error.exitCode == 75)
        }
        #expect(try fixture.hub.exactCells().isEmpty)
    }

    @Test func theServerRefusesABodyOverTheLimitWithoutReadingIt() throws {
        let fixture = try LiveFixture(maxBodyBytes: 1000)
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: 50_000)
        let response = try CurlHTTPClient().send(HTTPClientRequest(
            method: "PUT", url: fixture.server.baseURL + "/v1/sites/0380/batches/\(String(repeating: "a", count: 32))/1",
            headers: ["Authorization": "Bearer \(fixture.token)", "Content-Type": "application/json"], body: body))
        #expect(response.status == 413)
        #expect(fixture.server.bodyBytesReceived == 0)
    }

    @Test func aStoppedHubIsTemporaryAndTheNextRunRecovers() throws {
        let fixture = try LiveFixture()
        let url = fixture.server.baseURL
        fixture.server.stop()
        let client = SyncClient(register: fixture.register, http: CurlHTTPClient(), options: SyncClient.Options(hubURL: url, token: fixture.token, deadlineSeconds: 1.5))
        do {
            _ = try client.run()
            Issue.record("expected exit 75")
        } catch {
            #expect(error.exitCode == 75)
        }
        let restarted = try HTTPServer(host: "127.0.0.1", port: 0, responder: HubResponder(hub: fixture.hub))
        let report = try SyncClient(register: fixture.register, http: CurlHTTPClient(),
                                    options: SyncClient.Options(hubURL: restarted.baseURL, token: fixture.token)).run()
        #expect(report.uploaded.map(\.seq) == [1])
        #expect(try fixture.hubMatchesRegister())
    }
}

@Suite struct CurlConnectionTests {
    @Test func oneClientSendsItsRequestsOverOneConnection() throws {
        let fixture = try LiveFixture()
        let client = CurlHTTPClient()
        for _ in 0..<3 {
            #expect(try client.send(HTTPClientRequest(method: "GET", url: fixture.server.baseURL + "/healthz", timeout: 5)).status == 200)
        }
        #expect(client.connectionsOpened == 1)
        // A sync run's requests (state, batch, region figures) share it too, and each is still answered.
        let report = try SyncClient(register: fixture.register, http: client,
                                    options: SyncClient.Options(hubURL: fixture.server.baseURL, token: fixture.token, deadlineSeconds: 5)).run()
        #expect(report.uploaded.count == 1)
        #expect(client.connectionsOpened == 1)
    }

    @Test func aConnectionTheServerDroppedIsReplaced() throws {
        let fixture = try LiveFixture()
        let client = CurlHTTPClient()
        #expect(try client.send(HTTPClientRequest(method: "GET", url: fixture.server.baseURL + "/healthz", timeout: 5)).status == 200)
        // The hub restarts on the same port: the kept connection is dead; the next request opens another.
        let port = fixture.server.port
        fixture.server.stop()
        let restarted = try HTTPServer(host: "127.0.0.1", port: port, responder: HubResponder(hub: fixture.hub))
        defer { restarted.stop() }
        #expect(try client.send(HTTPClientRequest(method: "GET", url: fixture.server.baseURL + "/healthz", timeout: 5)).status == 200)
        #expect(client.connectionsOpened == 2)
    }
}
