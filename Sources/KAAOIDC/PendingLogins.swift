import Foundation
import KAACrypto
import Synchronization

/// A login on its way through the provider: what the callback must find again.
struct PendingLogin: Sendable {
    let nonce: String
    /// The PKCE code verifier (RFC 7636), sent with the code.
    let verifier: String
    /// SHA-256 of the browser's binding cookie: the callback must come from the browser that began.
    let bindingHash: [UInt8]
    let createdAt: Date
}

/// The logins begun and not yet finished, by `state`, each taken at most once. Kept in memory: a
/// restart only means those few people click again. Bounded, so a flood of begun logins cannot
/// grow it without limit (the oldest go first).
final class PendingLogins: Sendable {
    private let entries = Mutex<[String: PendingLogin]>([:])
    /// Seconds a login may take at the provider.
    static let lifetime: Double = 600
    static let capacity = 5000

    func add(state: String, _ login: PendingLogin) {
        entries.withLock { entries in
            if entries.count >= Self.capacity {
                let now = login.createdAt
                entries = entries.filter { now.timeIntervalSince($0.value.createdAt) < Self.lifetime }
                while entries.count >= Self.capacity, let oldest = entries.min(by: { $0.value.createdAt < $1.value.createdAt })?.key {
                    entries[oldest] = nil
                }
            }
            entries[state] = login
        }
    }

    /// The login `state` names, removed (a second callback with it finds nothing), if it is
    /// `binding`'s and not older than its lifetime at `now`.
    func take(state: String, binding: String?, now: Date) throws(OIDCError) -> PendingLogin {
        guard let login = entries.withLock({ $0.removeValue(forKey: state) }) else {
            throw .refused(.state, detail: "the state is unknown or was used already")
        }
        guard let binding, Crypto.constantTimeEquals(Crypto.sha256(Array(binding.utf8)), login.bindingHash) else {
            throw .refused(.state, detail: binding == nil ? "the browser sent no binding cookie" : "the binding cookie is not the one the login began with")
        }
        guard now.timeIntervalSince(login.createdAt) <= Self.lifetime else {
            throw .refused(.state, detail: "the login began more than \(Int(Self.lifetime)) s ago")
        }
        return login
    }

    var count: Int { entries.withLock { $0.count } }
}
