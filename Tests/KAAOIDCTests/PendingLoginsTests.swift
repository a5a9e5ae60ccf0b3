import Foundation
import KAACrypto
@testable import KAAOIDC
import Testing

/// The logins on their way, sealed into their own cookie: each state taken once, by the browser
/// that holds its seal, within ten minutes; nothing a flood of begun logins could fill.
@Suite struct PendingLoginsTests {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    static func login(_ state: String = "state-1", at date: Date = start, nonce: String = "nonce-1") -> PendingLogin {
        PendingLogin(state: state, nonce: nonce, verifier: "verifier-" + nonce, createdAt: Int64(date.timeIntervalSince1970))
    }

    static func refusal(_ body: () throws(OIDCError) -> PendingLogin) -> String? {
        do {
            _ = try body()
            return nil
        } catch {
            guard case let .refused(code, detail) = error, code == .state else { return "wrong error \(error)" }
            return detail
        }
    }

    @Test func aStateIsTakenOnceWithItsLogin() throws {
        let pending = try PendingLogins()
        let sealed = pending.seal(Self.login())
        let login = try pending.take(state: "state-1", sealed: sealed, now: Self.start.addingTimeInterval(30))
        #expect(login == Self.login())
        #expect(pending.usedCount == 1)
        #expect(Self.refusal { () throws(OIDCError) in try pending.take(state: "state-1", sealed: sealed, now: Self.start) }
            == "the state is unknown or was used already")
    }

    @Test func aSealIsOnlyItsOwnStatesAndOnlyThisServersAndUntouched() throws {
        let pending = try PendingLogins()
        let sealed = pending.seal(Self.login())
        // Another state with this seal (a callback of another login).
        #expect(Self.refusal { () throws(OIDCError) in try pending.take(state: "state-2", sealed: sealed, now: Self.start) }
            == "the binding cookie is not the one the login began with")
        // Another server's seal (a restart, or a forgery with a key of its own).
        let other = try PendingLogins()
        #expect(Self.refusal { () throws(OIDCError) in try other.take(state: "state-1", sealed: sealed, now: Self.start) }
            == "the binding cookie is not the one the login began with")
        // One byte changed anywhere.
        var bytes = try #require(Base64URL.decode(sealed))
        for index in [0, 31, 32, bytes.count - 1] {
            bytes[index] ^= 1
            #expect(Self.refusal { () throws(OIDCError) in try pending.take(state: "state-1", sealed: Base64URL.encode(bytes), now: Self.start) }
                == "the binding cookie is not the one the login began with")
            bytes[index] ^= 1
        }
        // None of the refusals spent the state: the real browser still gets in.
        #expect(try pending.take(state: "state-1", sealed: sealed, now: Self.start).nonce == "nonce-1")
    }

    @Test(arguments: ["", "x", "====", String(repeating: "A", count: 2000), "not base64!", Base64URL.encode([UInt8](repeating: 7, count: 32))])
    func hostileCookiesAreRefused(cookie: String) throws {
        let pending = try PendingLogins()
        #expect(Self.refusal { () throws(OIDCError) in try pending.take(state: "state-1", sealed: cookie, now: Self.start) }
            == "the binding cookie is not the one the login began with")
    }

    @Test func noCookieIsRefused() throws {
        let pending = try PendingLogins()
        #expect(Self.refusal { () throws(OIDCError) in try pending.take(state: "state-1", sealed: nil, now: Self.start) }
            == "the browser sent no binding cookie")
    }

    @Test func aLoginOlderThanTenMinutesIsRefused() throws {
        let pending = try PendingLogins()
        let sealed = pending.seal(Self.login())
        #expect(Self.refusal { () throws(OIDCError) in try pending.take(state: "state-1", sealed: sealed, now: Self.start.addingTimeInterval(601)) }
            == "the login began more than 600 s ago")
        #expect(try pending.take(state: "state-1", sealed: sealed, now: Self.start.addingTimeInterval(600)).state == "state-1")
    }

    @Test func aStateWithANewlineCannotForgeAnotherLoginsFields() throws {
        let pending = try PendingLogins()
        // The fields are joined by newlines; a state is base64url in practice, but the seal covers whatever it holds.
        let sealed = pending.seal(Self.login("a\nb"))
        #expect(Self.refusal { () throws(OIDCError) in try pending.take(state: "a", sealed: sealed, now: Self.start) } != nil)
    }

    @Test func theCookieNameFollowsTheState() {
        #expect(PendingLogins.cookieSuffix(state: "s1") == PendingLogins.cookieSuffix(state: "s1"))
        #expect(PendingLogins.cookieSuffix(state: "s1") != PendingLogins.cookieSuffix(state: "s2"))
        #expect(PendingLogins.cookieSuffix(state: "s1").allSatisfy { $0.isHexDigit } && PendingLogins.cookieSuffix(state: "s1").count == 12)
    }

    @Test func twoLoginsAtOnceDoNotSpoilEachOther() throws {
        let pending = try PendingLogins()
        let first = pending.seal(Self.login("s1", nonce: "n1")), second = pending.seal(Self.login("s2", nonce: "n2"))
        #expect(try pending.take(state: "s2", sealed: second, now: Self.start).nonce == "n2")
        #expect(try pending.take(state: "s1", sealed: first, now: Self.start).nonce == "n1")
    }
}
