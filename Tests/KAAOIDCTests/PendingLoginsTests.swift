import Foundation
import KAACrypto
@testable import KAAOIDC
import Testing

/// The logins on their way: each state taken once, by the browser that began it, within ten minutes.
@Suite struct PendingLoginsTests {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    static func login(_ binding: String = "binding-1", at date: Date = start, nonce: String = "nonce-1") -> PendingLogin {
        PendingLogin(nonce: nonce, verifier: "verifier-" + nonce, bindingHash: Crypto.sha256(Array(binding.utf8)), createdAt: date)
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
        let pending = PendingLogins()
        pending.add(state: "s1", Self.login())
        #expect(pending.count == 1)
        let login = try pending.take(state: "s1", binding: "binding-1", now: Self.start.addingTimeInterval(30))
        #expect(login.nonce == "nonce-1")
        #expect(login.verifier == "verifier-nonce-1")
        #expect(pending.count == 0)
        #expect(Self.refusal { () throws(OIDCError) in try pending.take(state: "s1", binding: "binding-1", now: Self.start) }
            == "the state is unknown or was used already")
    }

    @Test func anUnknownStateIsRefused() {
        let pending = PendingLogins()
        pending.add(state: "s1", Self.login())
        #expect(Self.refusal { () throws(OIDCError) in try pending.take(state: "s2", binding: "binding-1", now: Self.start) } != nil)
        #expect(pending.count == 1)
    }

    @Test func aWrongBindingRefusesAndTheStateIsGone() {
        let pending = PendingLogins()
        pending.add(state: "s1", Self.login())
        #expect(Self.refusal { () throws(OIDCError) in try pending.take(state: "s1", binding: "binding-2", now: Self.start) }
            == "the binding cookie is not the one the login began with")
        #expect(pending.count == 0)
        // The right browser coming afterwards finds nothing: a guessed binding burns the login, it does not probe it.
        #expect(Self.refusal { () throws(OIDCError) in try pending.take(state: "s1", binding: "binding-1", now: Self.start) }
            == "the state is unknown or was used already")
    }

    @Test func aMissingOrEmptyBindingRefuses() {
        let pending = PendingLogins()
        pending.add(state: "s1", Self.login())
        #expect(Self.refusal { () throws(OIDCError) in try pending.take(state: "s1", binding: nil, now: Self.start) } == "the browser sent no binding cookie")
        #expect(pending.count == 0)
        pending.add(state: "s2", Self.login())
        #expect(Self.refusal { () throws(OIDCError) in try pending.take(state: "s2", binding: "", now: Self.start) } != nil)
    }

    @Test func aLoginOlderThanTenMinutesRefuses() throws {
        let pending = PendingLogins()
        pending.add(state: "old", Self.login())
        pending.add(state: "edge", Self.login())
        #expect(Self.refusal { () throws(OIDCError) in try pending.take(state: "old", binding: "binding-1", now: Self.start.addingTimeInterval(601)) }
            == "the login began more than 600 s ago")
        #expect(try pending.take(state: "edge", binding: "binding-1", now: Self.start.addingTimeInterval(600)).nonce == "nonce-1")
    }

    @Test func theCapacityBoundHoldsAndTheOldestGo() throws {
        let pending = PendingLogins()
        let capacity = PendingLogins.capacity
        for index in 0..<capacity {
            pending.add(state: "s\(index)", Self.login(at: Self.start.addingTimeInterval(Double(index) / 100), nonce: "n\(index)"))
        }
        #expect(pending.count == capacity)
        let now = Self.start.addingTimeInterval(Double(capacity) / 100)
        pending.add(state: "newest", Self.login(at: now, nonce: "newest"))
        pending.add(state: "newer", Self.login(at: now, nonce: "newer"))
        #expect(pending.count == capacity)
        #expect(Self.refusal { () throws(OIDCError) in try pending.take(state: "s0", binding: "binding-1", now: now) } == "the state is unknown or was used already")
        #expect(Self.refusal { () throws(OIDCError) in try pending.take(state: "s1", binding: "binding-1", now: now) } == "the state is unknown or was used already")
        #expect(try pending.take(state: "s2", binding: "binding-1", now: now).nonce == "n2")
        #expect(try pending.take(state: "newest", binding: "binding-1", now: now).nonce == "newest")
        #expect(try pending.take(state: "newer", binding: "binding-1", now: now).nonce == "newer")
    }

    @Test func expiredLoginsAreDroppedFirstWhenFull() throws {
        let pending = PendingLogins()
        let capacity = PendingLogins.capacity
        // Half of them from long ago: making room drops those, not the fresh ones.
        for index in 0..<capacity {
            let date = index.isMultiple(of: 2) ? Self.start : Self.start.addingTimeInterval(3600)
            pending.add(state: "s\(index)", Self.login(at: date, nonce: "n\(index)"))
        }
        let now = Self.start.addingTimeInterval(3700)
        pending.add(state: "new", Self.login(at: now, nonce: "new"))
        #expect(pending.count == capacity / 2 + 1)
        #expect(try pending.take(state: "s1", binding: "binding-1", now: now).nonce == "n1")
    }
}
