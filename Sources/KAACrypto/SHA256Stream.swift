internal import CCrypto

/// SHA-256 over data that arrives in pieces (an upload written to disk): libcrypto's digest
/// context, owned here and freed with this object. One thread at a time.
public final class SHA256Stream {
    private let context: OpaquePointer

    /// A fresh digest.
    public init() throws(CryptoError) {
        guard let context = EVP_MD_CTX_new() else { throw CryptoError(operation: "EVP_MD_CTX_new") }
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            EVP_MD_CTX_free(context)
            throw CryptoError(operation: "EVP_DigestInit_ex(SHA-256)")
        }
        self.context = context
    }

    deinit {
        EVP_MD_CTX_free(context)
    }

    /// Adds `bytes`.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let ok = EVP_DigestUpdate(context, base, bytes.count)
        precondition(ok == 1, "EVP_DigestUpdate(SHA-256) cannot fail on a context that was initialised")
    }

    /// The digest of everything added, as lowercase hex (the stream cannot be used after).
    public func finishHex() -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = EVP_DigestFinal_ex(context, &digest, &length)
        precondition(ok == 1 && length == 32, "EVP_DigestFinal_ex(SHA-256) cannot fail on a context that was initialised")
        return Crypto.hex(digest)
    }
}
