import Foundation
import KAACrypto
import Synchronization

/// A login on its way through the provider: what the callback must find again.
struct PendingLogin: Sendable, Equatable {
    let state: String
    let nonce: String
    /// The PKCE code verifier (RFC 7636), sent with the code.
    let verifier: String
    /// Whole seconds since 1970 when the login began.
    let createdAt: Int64
}

/// The logins begun and not yet finished, kept in the browser that began them: each login's state,
/// nonce and PKCE verifier are sealed with an HMAC under a key of this process into the login's own
/// cookie (one per login, so two tabs do not spoil each other). The server keeps no table a flood
/// of begun logins could fill, only the states already used (so a callback works once), bounded
/// and forgotten after the lifetime. A restart forgets the key: logins under way then start over.
final class PendingLogins: Sendable {
    private let key: HMACSHA256Key
    private let used = Mutex<[String: Int64]>([:])
    /// Seconds a login may take at the provider.
    static let lifetime: Int64 = 600
    /// The most used states remembered (older ones are forgotten first; their codes are spent at the provider anyway).
    static let usedCapacity = 100_000

    init() throws(OIDCError) {
        do {
            key = try HMACSHA256Key(key: try Crypto.randomBytes(32))
        } catch {
            throw .refused(.provider, detail: "no key for the login cookies: \(error)")
        }
    }

    /// The cookie value that carries `login`.
    func seal(_ login: PendingLogin) -> String {
        let payload = Array("\(login.state)\n\(login.nonce)\n\(login.verifier)\n\(login.createdAt)".utf8)
        return Base64URL.encode(key.mac(payload) + payload)
    }

    /// The name of the cookie of the login with `state` (the callback finds it by the state).
    static func cookieSuffix(state: String) -> String {
        String(Crypto.sha256Hex(Array(state.utf8)).prefix(12))
    }

    /// The login `state` names, from the browser's cookie `sealed`, if the seal is this server's, it
    /// is that state's, not older than the lifetime at `now` and not used before; it is used now.
    func take(state: String, sealed: String?, now: Date) throws(OIDCError) -> PendingLogin {
        guard let sealed else { throw .refused(.state, detail: "the browser sent no binding cookie") }
        guard sealed.utf8.count <= 1024, let bytes = Base64URL.decode(sealed), bytes.count > 32,
              Crypto.constantTimeEquals(Array(bytes.prefix(32)), key.mac(bytes.dropFirst(32))) else {
            throw .refused(.state, detail: "the binding cookie is not the one the login began with")
        }
        let fields = String(decoding: bytes.dropFirst(32), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 4, let created = Int64(fields[3]), Crypto.constantTimeEquals(Array(fields[0].utf8), Array(state.utf8)) else {
            throw .refused(.state, detail: "the binding cookie is not the one the login began with")
        }
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        guard seconds - created <= Self.lifetime else { throw .refused(.state, detail: "the login began more than \(Self.lifetime) s ago") }
        let fresh = used.withLock { used -> Bool in
            guard used[state] == nil else { return false }
            if used.count >= Self.usedCapacity {
                used = used.filter { seconds - $0.value <= Self.lifetime }
                while used.count >= Self.usedCapacity, let oldest = used.min(by: { $0.value < $1.value })?.key { used[oldest] = nil }
            }
            used[state] = created
            return true
        }
        guard fresh else { throw .refused(.state, detail: "the state is unknown or was used already") }
        return PendingLogin(state: state, nonce: fields[1], verifier: fields[2], createdAt: created)
    }

    /// Used states remembered (for tests).
    var usedCount: Int { used.withLock { $0.count } }
}
