import Foundation
import KAACore
import KAAHTTP
import KAAHub
import KAARegister
import KAASync
import KAAUplink
import KAATestFixtures
import KAAHTTPTestKit
import Testing

/// Design §3 and §9: the hub receives counts only. After two nights for two kommuner, no
/// personnummer (in any format), name, address, phone, e-mail or birth date of anyone in either
/// register appears in the hub's database files or in any request body sent, on either level
/// of a hub of hubs (issue 20: the regional hub forwards to one above it).
@Suite struct PrivacyTests {
    @Test func nothingPersonalReachesTheHub() throws {
        let directory = TemporaryDirectory()
        let hub = try Hub(path: directory.file("hub.sqlite"))
        let http = InProcessHTTPClient(responder: HubResponder(hub: hub))
        var forbidden: Set<String> = []

        for (index, kommun) in ["0380", "0381"].enumerated() {
            let token = try hub.addSite(kommun: kommun, name: nil, actor: "test")
            let path = directory.file("\(kommun).sqlite")
            _ = try Register.create(at: path, kommun: kommun, clock: FixedDateClock(today: TestDates.date("2026-10-20")), staff: "natt")
            let people = (0..<40).map { TestPeople.person(born: 2007 + index, $0) }
            var rows: [[String]] = []
            for (number, pnr) in people.enumerated() {
                let first = "Förnamn\(kommun)x\(number)", last = "Efternamn\(kommun)y\(number)"
                let street = "Hemligagatan \(kommun)-\(number)", phone = "070-\(kommun)\(number)", email = "person\(number)@kommun\(kommun).example"
                rows.append([pnr.digits, first, last, street, "75320", "Uppsala", phone, "N"])
                let digits = pnr.digits
                forbidden.formUnion([digits, String(digits.dropFirst(2)), pnr.formatted, String(pnr.formatted.dropFirst(2)),
                                     first, last, street, phone, email, pnr.birthDate.description])
            }
            try CSVFixture.write(directory.file("fb\(kommun).csv"), header: CSVFixture.folkbokforingHeader + ["epost"],
                                 rows: rows.enumerated().map { $0.element + ["person\($0.offset)@kommun\(kommun).example"] })

            // Night 1.
            var register = try Register.open(at: path, clock: FixedDateClock(today: TestDates.date("2026-10-20")), staff: "natt")
            _ = try register.identify(on: TestDates.date("2026-10-01"), folkbokforing: directory.file("fb\(kommun).csv"), enrolment: [], dryRun: false)
            try register.addContact(people[0], on: TestDates.date("2026-10-05"), channel: "SMS", isReached: true, occupation: "ARBETE")
            _ = try SyncClient(register: register, http: http, options: SyncClient.Options(hubURL: "http://hub", token: token)).run()

            // Night 2, with changes.
            register = try Register.open(at: path, clock: FixedDateClock(today: TestDates.today), staff: "natt")
            try register.deregister(people[1], on: TestDates.date("2026-11-10"), reason: "FLYTTAT")
            try register.addMeasure(people[2], NewMeasure(type: "SYV", offeredOn: TestDates.date("2026-11-02"), plan: "Plan för \(people[2].digits)"))
            let report = try SyncClient(register: register, http: http, options: SyncClient.Options(hubURL: "http://hub", token: token)).run()
            #expect(report.uploaded.count == 1)
        }

        // The level above (issue 20): the regional hub forwards both kommuner to an upper hub.
        let upper = try Hub(path: directory.file("upper.sqlite"))
        let upperHTTP = InProcessHTTPClient(responder: HubResponder(hub: upper))
        let relayToken = try upper.addRelay(name: "uppsala", kommuner: ["0380", "0381"], actor: "test")
        var options = Uplink.Options(hubURL: "http://upper", token: relayToken)
        options.sender = .relay
        options.extraHeaders[Hub.protectionHeader] = hub.protection
        let forwarded = Forwarder(uplink: Uplink(http: upperHTTP, options: options, now: { 0 }, sleep: { _ in }, random: { 0.5 }, log: { _ in }), deadline: 600)
            .run(try hub.forwardOutboxes()) { _ in }
        #expect(forwarded.outcome == .complete && forwarded.forwarded == 2)
        #expect(Set(try upper.exactCells().map(\.cell)) == Set(try hub.exactCells().map(\.cell)))

        var haystacks: [(String, Data)] = []
        for file in ["hub.sqlite", "upper.sqlite"] {
            for suffix in ["", "-wal", "-shm"] {
                if let data = FileManager.default.contents(atPath: directory.file(file) + suffix) { haystacks.append(("\(file)\(suffix)", data)) }
            }
        }
        #expect(http.sent.count >= 8 && upperHTTP.sent.count >= 4)
        for (index, request) in (http.sent + upperHTTP.sent).enumerated() {
            haystacks.append(("request \(index) \(request.method) \(request.url)", Data(request.body) + Data(request.url.utf8)))
        }
        #expect(forbidden.count > 600)
        for (name, data) in haystacks {
            for needle in forbidden where data.range(of: Data(needle.utf8)) != nil {
                Issue.record("\(name) contains \(needle)")
            }
        }
        // The hub did get the figures.
        #expect(try hub.exactCells().contains { $0.cell.table == .population && $0.kommun == "0381" })
    }
}
