/// Why a sign-in through the identity provider was refused: the code kommun IT is told on the page
/// and finds in the log (`Felkod: oidc-aud`).
public enum OIDCRefusal: String, Sendable, CaseIterable {
    /// The signature did not verify with the provider's key of that `kid`.
    case signature = "oidc-signature"
    /// The header's `alg` is not RS256 or ES256 (`none`, HS256, …).
    case algorithm = "oidc-alg"
    /// `aud` does not name this client.
    case audience = "oidc-aud"
    /// `azp` is not this client (or missing where `aud` has several values).
    case authorizedParty = "oidc-azp"
    /// `iss` is not the configured issuer.
    case issuer = "oidc-iss"
    /// The token has expired (or is not valid yet).
    case expired = "oidc-exp"
    /// `iat` lies in the future or too far back.
    case issuedAt = "oidc-iat"
    /// The nonce is not the one this login sent (a replayed token).
    case nonce = "oidc-nonce"
    /// The token is not a well-formed ID token (parts, JSON, `sub`).
    case token = "oidc-token"
    /// The authentication context (`acr`) is not the required one: no second factor.
    case authenticationContext = "oidc-acr"
    /// The login claim is missing or not usable as a login name.
    case login = "oidc-login"
    /// The state is unknown, used or expired, or not this browser's.
    case state = "oidc-state"
    /// The provider answered with an error (`error=access_denied`).
    case providerError = "oidc-idp-error"
    /// The provider could not be reached or answered something unusable.
    case provider = "oidc-provider"
}

/// The one error type of the relying party.
public enum OIDCError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The `oidc` block of the configuration is wrong (the text names the key).
    case configuration(String)
    /// A sign-in refused, with the code and what exactly was wrong (for the log, never the page).
    case refused(OIDCRefusal, detail: String)

    public var description: String {
        switch self {
        case let .configuration(message): message
        case let .refused(code, detail): "\(code.rawValue): \(detail)"
        }
    }
}
