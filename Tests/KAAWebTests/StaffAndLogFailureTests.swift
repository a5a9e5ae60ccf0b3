import Foundation
import KAACore
import KAAHTTP
import KAARegister
import KAATestFixtures
import Testing
@testable import KAAWeb

/// A write that fails midway (its audit row refused by a trigger put in for the test) leaves
/// nothing behind: the change and its audit row are one transaction.
@Suite struct StaffAndLogFailureTests {
    static func failing(_ action: String, in harness: WebHarness) throws {
        try harness.register.database.execute("""
            CREATE TRIGGER test_fails_\(action) BEFORE INSERT ON audit_log WHEN NEW.action = '\(action)'
            BEGIN SELECT RAISE(ABORT, 'injected failure'); END
            """)
    }

    @Test func aDisableThatFailsMidwayLeavesTheAccountItsCaseloadAndSessions() throws {
        let harness = try WebHarness()
        let pnr = TestPeople.person(born: 2008, 0)
        try harness.person(pnr, first: "Alva", last: "Andersson", caseload: "hugo")
        let hugo = try harness.loggedIn("hugo")
        let admin = try harness.loggedIn("adam")
        let id = try harness.staffID("hugo")
        admin.get("/personal/\(id)/avaktivera")
        try Self.failing("staff_disable", in: harness)
        let response = admin.post("/personal/\(id)/avaktivera", [("confirm", "ja")])
        #expect(response.status == 500)
        #expect(response.text.contains("ingenting halvfärdigt har sparats"))
        let account = try harness.register.staffListing(id: id).account
        #expect(!account.isDisabled && account.caseloadCount == 1)
        #expect(try harness.register.caseworker(of: pnr) == "hugo")
        #expect(hugo.get("/").status == 200, "the session is still there")
    }

    @Test func aResetThatFailsMidwayKeepsTheOldPasswordAndShowsNoCredentials() throws {
        let harness = try WebHarness()
        let admin = try harness.loggedIn("adam")
        let id = try harness.staffID("hanna")
        admin.get("/personal/\(id)/aterstall")
        try Self.failing("staff_reset", in: harness)
        let response = admin.post("/personal/\(id)/aterstall", [("confirm", "ja")])
        #expect(response.status == 500 && !response.text.contains("otpauth://"))
        harness.clock.advance(seconds: 30)
        #expect(try harness.client().login("hanna", password: WebHarness.password, otp: try harness.code("hanna")).status == 303)
    }

    @Test func anAddThatFailsMidwayLeavesNoAccount() throws {
        let harness = try WebHarness()
        let admin = try harness.loggedIn("adam")
        admin.get("/personal")
        try Self.failing("staff_add", in: harness)
        let response = admin.post("/personal", [("login", "nina"), ("name", "Nina Ny"), ("role", "handlaggare")])
        #expect(response.status == 500 && !response.text.contains("otpauth://"))
        #expect(try harness.register.staffListings().allSatisfy { $0.account.login != "nina" })
    }

    @Test func aReviewWhoseAuditRowFailsShowsNothing() throws {
        let harness = try WebHarness()
        let pnr = TestPeople.person(born: 2008, 0)
        let id = try harness.person(pnr, first: "Alva", last: "Andersson")
        let greta = try harness.loggedIn("greta")
        greta.get("/logg")
        try Self.failing("review_access", in: harness)
        let response = greta.post("/logg/personer/\(id)", [("reason", "Kontroll efter klagomål")])
        #expect(response.status == 500)
        #expect(!response.text.contains("Alva") && !response.text.contains(pnr.formatted))
    }
}
