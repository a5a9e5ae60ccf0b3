/// A JWS signature algorithm an ID token may be signed with (RFC 7518 §3.1): the two a relying party
/// must understand, RSASSA-PKCS1-v1_5 and ECDSA on P-256, both with SHA-256.
public enum SignatureAlgorithm: String, Sendable, CaseIterable {
    case rs256 = "RS256", es256 = "ES256"
}
