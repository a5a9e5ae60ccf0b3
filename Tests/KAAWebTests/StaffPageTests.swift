import Foundation
import KAACore
import KAAHTTP
import KAARegister
import KAATestFixtures
import Testing
@testable import KAAWeb

extension WebHarness {
    /// The id of a staff account.
    func staffID(_ login: String) throws -> Int64 {
        try #require(try register.staffListings().first { $0.account.login == login }?.id)
    }
}

@Suite struct StaffPageTests {
    @Test func anAdminSeesEveryAccountWithRoleStatusAndCaseloadButNoPersonData() throws {
        let harness = try WebHarness()
        try harness.person(TestPeople.person(born: 2008, 0), first: "Alva", last: "Andersson", caseload: "hanna")
        let client = try harness.loggedIn("adam")
        let page = client.get("/personal")
        #expect(page.status == 200)
        for (login, _, name) in WebHarness.accounts { #expect(page.text.contains(login) && page.text.contains(name)) }
        #expect(page.text.contains("granskare") && page.text.contains("administratör"))
        #expect(page.text.contains("href=\"/personal/\(try harness.staffID("hanna"))/avaktivera\""))
        #expect(page.text.contains("name=\"login\"") && page.text.contains("name=\"name\"") && page.text.contains("name=\"role\"") && page.text.contains("Lägg till"))
        #expect(!page.text.contains("Alva"))
        #expect(client.get("/personer").status == 403)
    }

    @Test(arguments: ["hanna", "sara", "greta"])
    func everyOtherRoleIsRefusedAndAudited(login: String) throws {
        let harness = try WebHarness()
        let client = try harness.loggedIn(login)
        let id = try harness.staffID("hugo")
        let before = try harness.register.auditEntries().count
        #expect(client.get("/personal").status == 403)
        #expect(client.post("/personal", [("login", "nina"), ("name", "Nina Ny"), ("role", "admin")]).status == 403)
        #expect(client.get("/personal/\(id)/avaktivera").status == 403)
        #expect(client.post("/personal/\(id)/avaktivera", [("confirm", "ja")]).status == 403)
        #expect(client.post("/personal/\(id)/aterstall", [("confirm", "ja")]).status == 403)
        let after = try harness.register.auditEntries().dropFirst(before)
        #expect(after.count == 5 && after.allSatisfy { $0.action == "denied" && $0.staff == login })
        #expect(try harness.register.staffListings().count == WebHarness.accounts.count)
        #expect(try harness.register.staffListing(id: id).account.isDisabled == false)
    }

    @Test func addingAnAccountShowsItsCredentialsOnceInTheResponse() throws {
        let harness = try WebHarness()
        let client = try harness.loggedIn("adam")
        client.get("/personal")
        let response = client.post("/personal", [("login", "nina"), ("name", "Nina Ny"), ("role", "handlaggare")])
        #expect(response.status == 200 && response.header("Location") == nil)
        #expect(response.header("Cache-Control") == "no-store")
        #expect(response.text.contains("otpauth://totp/KAA:nina?secret="))
        #expect(response.text.contains("Lämna över dem säkert"))
        let account = try #require(try harness.register.staffListings().first { $0.account.login == "nina" })
        #expect(account.account.role == .handlaggare && account.account.mustChangePassword)
        // The shown password and code log the new account in (to the password change).
        let password = try #require(Self.code(after: "Engångslösenord", in: response.text))
        let uri = try #require(Self.code(after: "autentiseringsapp", in: response.text))
        let secret = try #require(uri.split(separator: "=").dropFirst().first.map { String($0.split(separator: "&")[0]) })
        let key = try #require(Base32.decode(secret))
        let login = try harness.client().login("nina", password: password, otp: try OneTimeCodeBridge.totp(key, Int64(harness.clock.now.timeIntervalSince1970)))
        #expect(login.status == 303 && login.header("Location") == "/losenord")
        let audit = try #require(try harness.register.auditEntries().last { $0.action == "staff_add" })
        #expect(audit.staff == "adam" && !(audit.changes ?? "").contains(password))
    }

    @Test(arguments: [
        ("Nina!", "Nina Ny", "handlaggare", "login"), ("n", "Nina Ny", "handlaggare", "login"), ("hanna", "Hanna Igen", "handlaggare", "login"),
        ("", "Nina Ny", "handlaggare", "login"), ("nina", "", "handlaggare", "name"), ("nina", "Nina Ny", "superuser", "role"),
        ("nina", "Nina Ny", "", "role"), ("<script>x</script>", "Nina Ny", "admin", "login"),
    ])
    func aBadOrTakenLoginIsRefusedNextToItsFieldAndNothingIsWritten(login: String, name: String, role: String, field: String) throws {
        let harness = try WebHarness()
        let client = try harness.loggedIn("adam")
        client.get("/personal")
        let before = try harness.register.auditEntries().count
        let response = client.post("/personal", [("login", login), ("name", name), ("role", role)])
        #expect(response.status == 400)
        #expect(response.text.contains("id=\"e-\(field)\""))
        #expect(!response.text.contains("otpauth://"))
        #expect(!response.text.contains("<script>x"))
        #expect(try harness.register.staffListings().count == WebHarness.accounts.count)
        #expect(try harness.register.auditEntries().count == before)
    }

    @Test func disablingAsksFirstAndWithoutConfirmationChangesNothing() throws {
        let harness = try WebHarness()
        let pnr = TestPeople.person(born: 2008, 0)
        try harness.person(pnr, first: "Alva", last: "Andersson", caseload: "hugo")
        let hugo = try harness.loggedIn("hugo")
        let client = try harness.loggedIn("adam")
        let id = try harness.staffID("hugo")
        let confirm = client.get("/personal/\(id)/avaktivera")
        #expect(confirm.status == 200)
        #expect(confirm.text.contains("action=\"/personal/\(id)/avaktivera\"") && confirm.text.contains("name=\"confirm\" value=\"ja\""))
        #expect(confirm.text.contains("Avaktivera kontot") && confirm.text.contains("Kontots ärende blir otilldelat"))
        let unconfirmed = client.post("/personal/\(id)/avaktivera", [])
        #expect(unconfirmed.status == 200 && unconfirmed.text.contains("Avaktivera kontot"))
        #expect(client.post("/personal/\(id)/avaktivera", [("confirm", "nej")]).text.contains("name=\"confirm\" value=\"ja\""))
        #expect(try harness.register.staffListing(id: id).account.isDisabled == false)
        #expect(hugo.get("/").status == 200)

        let done = client.post("/personal/\(id)/avaktivera", [("confirm", "ja")])
        #expect(done.status == 303 && done.header("Location") == "/personal?klart=avaktiverat")
        #expect(client.get("/personal", query: ["klart": "avaktiverat"]).text.contains("Kontot är avaktiverat"))
        let account = try harness.register.staffListing(id: id).account
        #expect(account.isDisabled && account.caseloadCount == 0)
        #expect(try harness.register.caseworker(of: pnr) == nil)
        #expect(hugo.get("/").status == 303, "the session ended")
        // Asking again says so, and does nothing.
        #expect(client.get("/personal/\(id)/avaktivera").text.contains("redan avaktiverat"))
    }

    @Test func anAdminCannotDisableOrResetTheirOwnAccountHere() throws {
        let harness = try WebHarness()
        let client = try harness.loggedIn("adam")
        let id = try harness.staffID("adam")
        #expect(client.get("/personal/\(id)/avaktivera").status == 400)
        #expect(client.post("/personal/\(id)/avaktivera", [("confirm", "ja")]).status == 400)
        #expect(client.post("/personal/\(id)/aterstall", [("confirm", "ja")]).status == 400)
        #expect(try harness.register.staffListing(id: id).account.isDisabled == false)
        #expect(client.get("/personal").status == 200)
    }

    @Test func resettingAsksFirstThenShowsNewCredentialsAndTheOldPasswordStopsWorking() throws {
        let harness = try WebHarness()
        let client = try harness.loggedIn("adam")
        let id = try harness.staffID("hanna")
        let confirm = client.get("/personal/\(id)/aterstall")
        #expect(confirm.status == 200 && confirm.text.contains("Återställ kontot") && confirm.text.contains("action=\"/personal/\(id)/aterstall\""))
        #expect(client.post("/personal/\(id)/aterstall", []).text.contains("name=\"confirm\" value=\"ja\""))
        #expect(try harness.register.staffListing(id: id).account.mustChangePassword == false)
        let reset = client.post("/personal/\(id)/aterstall", [("confirm", "ja")])
        #expect(reset.status == 200 && reset.text.contains("otpauth://totp/KAA:hanna?secret=") && reset.text.contains("Kontot är återställt"))
        #expect(try harness.register.staffListing(id: id).account.mustChangePassword)
        harness.clock.advance(seconds: 30)
        #expect(try harness.client().login("hanna", password: WebHarness.password, otp: try harness.code("hanna")).status == 401)
    }

    @Test(arguments: ["/personal/999/avaktivera", "/personal/999/aterstall"])
    func anUnknownAccountIsNotFound(path: String) throws {
        let harness = try WebHarness()
        let client = try harness.loggedIn("adam")
        #expect(client.get(path).status == 404)
        #expect(client.post(path, [("confirm", "ja")]).status == 404)
        #expect(client.get(path.replacingOccurrences(of: "999", with: "abc")).status == 404)
    }

    /// The text of the `<code>` after `label` in `html`.
    static func code(after label: String, in html: String) -> String? {
        guard let start = html.range(of: label), let open = html[start.upperBound...].range(of: "<code"),
              let close = html[open.upperBound...].range(of: ">"), let end = html[close.upperBound...].range(of: "</code>") else { return nil }
        return String(html[close.upperBound..<end.lowerBound]).replacingOccurrences(of: "&amp;", with: "&")
    }
}

/// RFC 4648 Base32 (the otpauth URI's secret), for reading back shown credentials.
enum Base32 {
    static func decode(_ text: String) -> [UInt8]? {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bits = 0, value = 0
        var out: [UInt8] = []
        for character in text.uppercased() where character != "=" {
            guard let index = alphabet.firstIndex(of: character) else { return nil }
            value = (value << 5) | index
            bits += 5
            if bits >= 8 {
                out.append(UInt8((value >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return out
    }
}

extension StaffPageTests {
    @Test func theListOffersNoDisableOrResetOfOnesOwnAccount() throws {
        let harness = try WebHarness()
        let client = try harness.loggedIn("adam")
        let page = client.get("/personal").text
        #expect(!page.contains("/personal/\(try harness.staffID("adam"))/"))
        #expect(page.contains("/personal/\(try harness.staffID("greta"))/aterstall"))
    }
}

extension StaffPageTests {
    @Test func aLockedAccountSaysUntilWhenAndNoLongerOnceTheLockHasRunOut() throws {
        let harness = try WebHarness()
        let client = try harness.loggedIn("adam")
        for _ in 0..<5 { try harness.client().login("hugo", password: "fel lösenord", otp: "000000") }
        let locked = client.get("/personal").text
        let hugoRow = try #require(locked.range(of: ">hugo<").map { String(locked[$0.lowerBound...].prefix(600)) })
        #expect(hugoRow.contains("till 20"))
        harness.clock.advance(seconds: 16 * 60)
        let later = try harness.loggedIn("adam").get("/personal").text
        let laterRow = try #require(later.range(of: ">hugo<").map { String(later[$0.lowerBound...].prefix(600)) })
        #expect(!laterRow.contains("till 20"))
    }
}
