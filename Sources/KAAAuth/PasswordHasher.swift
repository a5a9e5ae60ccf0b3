internal import CArgon2
import KAACrypto

/// Argon2id password hashing in the PHC string form (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`).
///
/// The parameters live in the string, so a hash made under older parameters still verifies after
/// the configuration is raised.
public struct PasswordHasher: Sendable, Equatable {
    /// Memory per hash in KiB (OWASP's Password Storage Cheat Sheet: at least 19 MiB).
    public var memoryKiB: UInt32
    /// Passes over the memory (OWASP: 2 with 19 MiB).
    public var iterations: UInt32
    /// Lanes (OWASP: 1).
    public var parallelism: UInt32

    static let saltLength = 16
    static let hashLength = 32

    /// OWASP's current minimum for Argon2id: m=19456 KiB, t=2, p=1.
    public init(memoryKiB: UInt32 = 19_456, iterations: UInt32 = 2, parallelism: UInt32 = 1) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
    }

    /// The PHC string of `password` under a fresh random salt.
    public func hash(_ password: String) throws(AuthError) -> String {
        let salt: [UInt8]
        do {
            salt = try Crypto.randomBytes(Self.saltLength)
        } catch {
            throw AuthError(operation: "RAND_bytes")
        }
        let length = argon2_encodedlen(iterations, memoryKiB, parallelism, UInt32(Self.saltLength), UInt32(Self.hashLength), Argon2_id)
        var encoded = [CChar](repeating: 0, count: length + 1)
        let bytes = Array(password.utf8)
        let result = bytes.withUnsafeBytes { pwd in
            salt.withUnsafeBytes { saltBuffer in
                argon2id_hash_encoded(iterations, memoryKiB, parallelism, pwd.baseAddress, pwd.count,
                                      saltBuffer.baseAddress, saltBuffer.count, Self.hashLength, &encoded, encoded.count)
            }
        }
        guard result == ARGON2_OK.rawValue else {
            throw AuthError(operation: "argon2id_hash_encoded: \(String(cString: argon2_error_message(result)))")
        }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `password` matches the PHC string `encoded`; a malformed string matches nothing.
    public static func verify(_ password: String, against encoded: String) -> Bool {
        let bytes = Array(password.utf8)
        let result = bytes.withUnsafeBytes { pwd in
            argon2id_verify(encoded, pwd.baseAddress, pwd.count)
        }
        return result == ARGON2_OK.rawValue
    }
}
