// swift-tools-version: 6.0
// KAA Register: the kommunal aktivitetsansvar register, its sync and the regional hub.
// No Swift package dependencies: only the toolchain and Debian's C libraries.
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "kaa-register",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kaa", targets: ["kaa"]),
        .executable(name: "kaa-hub", targets: ["kaa-hub"]),
    ],
    targets: [
        // C libraries, each imported by exactly one Swift target.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "CArgon2", pkgConfig: "libargon2", providers: [.apt(["libargon2-dev"])]),
        .systemLibrary(name: "COath", pkgConfig: "liboath", providers: [.apt(["liboath-dev"])]),
        .systemLibrary(name: "CXlsxWriter", pkgConfig: "xlsxwriter", providers: [.apt(["libxlsxwriter-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Build-time tool and plugin that embed migrations/ and seeds/ into KAAResources,
        // so those files stay the single source of truth and the binary stays self-contained.
        .executableTarget(name: "kaa-embed", path: "Sources/kaa-embed"),
        .plugin(name: "EmbedResources", capability: .buildTool(), dependencies: ["kaa-embed"]),
        .target(name: "KAAResources", swiftSettings: strict, plugins: ["EmbedResources"]),

        // Pure domain: no I/O.
        .target(name: "KAACore", dependencies: ["KAAResources"], swiftSettings: strict),
        // Thin wrappers that own their C handles.
        .target(name: "KAASystem", swiftSettings: strict),
        .target(name: "KAASQLite", dependencies: ["CSQLite", "KAASystem"], swiftSettings: strict),
        .target(name: "KAACrypto", dependencies: ["CCrypto"], swiftSettings: strict),
        // gzip bodies (zlib) for Content-Encoding.
        .target(name: "KAAZlib", dependencies: ["CZlib"], swiftSettings: strict),
        // Staff logins: Argon2id password hashes (libargon2) and TOTP codes (liboath).
        .target(name: "KAAAuth", dependencies: ["CArgon2", "COath", "KAACrypto"], swiftSettings: strict),
        // Staff sign-in with the kommun's identity provider: an OpenID Connect relying party (issue 18),
        // its HTTP through the HTTPClient protocol (libcurl in `kaa web`), its signatures with libcrypto.
        .target(name: "KAAOIDC", dependencies: ["KAACrypto", "KAAHTTP"], swiftSettings: strict),
        // The kommun's register.
        .target(name: "KAARegister", dependencies: ["KAACore", "KAASQLite", "KAASystem", "KAACrypto", "KAAAuth", "KAAResources", "KAAProtocol", "KAAOIDC"],
                swiftSettings: strict),
        // The sync protocol shared by the kommun and the hub: batches, digests, catalogue checks.
        .target(name: "KAAProtocol", dependencies: ["KAACore", "KAACrypto"], swiftSettings: strict),
        // HTML as values, escaped by default, and the one stylesheet of the dashboard and the reports.
        .target(name: "KAAHTML", swiftSettings: strict),
        // HTTP request and response types and the responder/client protocols (no C).
        .target(name: "KAAHTTP", swiftSettings: strict),
        // libcurl as an HTTPClient; libmicrohttpd serving any HTTPResponder.
        .target(name: "KAACurl", dependencies: ["CCurl", "KAAHTTP"], swiftSettings: strict),
        .target(name: "KAAHTTPServer", dependencies: ["CMicroHTTPD", "KAAHTTP", "KAASystem"], swiftSettings: strict),
        // The regional hub: ledger, cells, sites, the HTTP responder; its Excel downloads with libxlsxwriter, gzip with zlib.
        .target(name: "KAAHub", dependencies: ["KAAProtocol", "KAAUplink", "KAAHTTP", "KAASQLite", "KAACrypto", "KAACore", "KAAResources", "KAAHTML", "CXlsxWriter", "KAAZlib"],
                swiftSettings: strict),
        // The coordinators' web UI: a transport-free responder over the register (issue 15).
        .target(name: "KAAWeb", dependencies: ["KAARegister", "KAASQLite", "KAAHTML", "KAAHTTP", "KAACrypto", "KAACore", "KAAOIDC", "KAASystem"],
                swiftSettings: strict),
        // The kommun's sync client: seal, then upload with the client rules of design §7.
        // The client side of sync protocol v1, shared by the kommun's sync and the hub's forwarder (issue 20).
        .target(name: "KAAUplink", dependencies: ["KAAProtocol", "KAAHTTP", "KAACore"], swiftSettings: strict),
        .target(name: "KAASync", dependencies: ["KAARegister", "KAAProtocol", "KAAHTTP", "KAACore", "KAASystem", "KAAUplink"], swiftSettings: strict),

        // The command lines: a small shared kit (typed arguments, the tool runner, output, config
        // files), then one module per program, so `kaa` links no hub and `kaa-hub` no register.
        // The version `--version` prints, a C macro set at build time (-Xcc -DKAA_VERSION='"X"').
        .target(name: "CVersion"),
        .target(name: "KAACLIKit", dependencies: ["KAACore", "CVersion"], swiftSettings: strict),
        .target(name: "KAAKommunCLI", dependencies: ["KAACLIKit", "KAAHTML", "KAARegister", "KAACore", "KAASystem", "KAASync", "KAACurl", "KAAProtocol",
                                               "KAAWeb", "KAAHTTPServer", "KAAOIDC"], swiftSettings: strict),
        .target(name: "KAAHubCLI", dependencies: ["KAACLIKit", "KAAHub", "KAAHTTPServer", "KAACore", "KAAProtocol", "KAAUplink", "KAACurl", "KAASystem"], swiftSettings: strict),
        .executableTarget(name: "kaa", dependencies: ["KAAKommunCLI", "KAACLIKit"], swiftSettings: strict),
        .executableTarget(name: "kaa-hub", dependencies: ["KAAHubCLI", "KAACLIKit"], swiftSettings: strict),
        // Benchmark helpers for benchmarks/run.sh (design §11 cases 3 and 4); built, not a product, not installed.
        .executableTarget(name: "kaa-bench", dependencies: ["KAACLIKit", "KAACore", "KAARegister", "KAASync", "KAACurl", "KAAHTTP", "KAAHTTPServer", "KAAHub", "KAAProtocol"],
                          swiftSettings: strict),

        // Fuzz targets for the CSV reader, the personnummer parser and the batch decoder. Built
        // normally it replays the committed corpus (Tests/FuzzCorpus); scripts/fuzz.sh builds it
        // with libFuzzer (-sanitize=fuzzer,address -D KAA_FUZZ) in its own scratch path.
        .target(name: "CFuzzer"),
        .executableTarget(name: "kaa-fuzz", dependencies: ["KAACore", "KAAProtocol", "CFuzzer"], swiftSettings: strict),

        // Test support by layer: fixtures (no hub, no CLI), an in-process HTTP kit, a CLI runner.
        .target(name: "KAATestFixtures", dependencies: ["KAACore", "KAASQLite"], path: "Tests/KAATestFixtures", swiftSettings: strict),
        .target(name: "KAAHTTPTestKit", dependencies: ["KAAHTTP"], path: "Tests/KAAHTTPTestKit", swiftSettings: strict),
        // Signing keys, JWKs and compact JWTs made with libcrypto, for the signature and OIDC tests.
        .target(name: "KAACryptoTestKit", dependencies: ["CCrypto", "KAACrypto"], path: "Tests/KAACryptoTestKit", swiftSettings: strict),
        // An OpenID provider in process (discovery, JWKS, token endpoint, the login at the authorization
        // endpoint, misbehaving tokens on demand), for the relying party's and the web flow's tests.
        .target(name: "KAAOIDCTestKit", dependencies: ["KAAHTTP", "KAACrypto", "KAACryptoTestKit", "KAAOIDC"], path: "Tests/KAAOIDCTestKit",
                swiftSettings: strict),
        .target(name: "KAACLITestKit", dependencies: ["KAACLIKit", "KAAKommunCLI", "KAAHubCLI", "KAARegister", "KAACore", "KAATestFixtures"],
                path: "Tests/KAACLITestKit", swiftSettings: strict),
        .testTarget(name: "KAACoreTests", dependencies: ["KAACore", "KAATestFixtures"], swiftSettings: strict),
        .testTarget(name: "KAAHubTests", dependencies: ["KAAHub", "KAAHTML", "KAAProtocol", "KAAHTTP", "KAASQLite", "KAACore", "KAATestFixtures", "KAAZlib", "KAAResources"], swiftSettings: strict),
        .testTarget(name: "KAASyncTests", dependencies: ["KAASync", "KAAUplink", "KAAHub", "KAARegister", "KAAProtocol", "KAAHTTP", "KAACore", "KAASQLite", "KAATestFixtures", "KAAHTTPTestKit"],
                    swiftSettings: strict),
        .testTarget(name: "KAAHTTPLiveTests", dependencies: ["KAACurl", "KAAHTTPServer", "KAAHTTP", "KAAHub", "KAASync", "KAARegister", "KAAProtocol", "KAACore", "KAATestFixtures", "KAAZlib"],
                    swiftSettings: strict),
        .testTarget(name: "KAAProtocolTests", dependencies: ["KAAProtocol", "KAACore", "KAATestFixtures"], swiftSettings: strict),
        .testTarget(name: "KAACryptoTests", dependencies: ["KAACrypto", "KAACryptoTestKit", "KAATestFixtures"], swiftSettings: strict),
        .testTarget(name: "KAAOIDCTests", dependencies: ["KAAOIDC", "KAAOIDCTestKit", "KAACrypto", "KAACryptoTestKit", "KAAHTTP", "KAAHTTPTestKit"],
                    swiftSettings: strict),
        .testTarget(name: "KAAAuthTests", dependencies: ["KAAAuth", "KAACrypto"], swiftSettings: strict),
        .testTarget(name: "KAABenchTests", dependencies: ["kaa-bench", "KAACore", "KAAHub", "KAARegister", "KAATestFixtures"], swiftSettings: strict),
        .testTarget(name: "KAASystemTests", dependencies: ["KAASystem", "KAATestFixtures"], swiftSettings: strict),
        .testTarget(name: "KAASQLiteTests", dependencies: ["KAASQLite", "KAATestFixtures"], swiftSettings: strict),
        .testTarget(name: "KAARegisterTests", dependencies: ["KAARegister", "KAASQLite", "KAASystem", "KAACrypto", "KAAAuth", "KAATestFixtures", "KAAOIDC"], swiftSettings: strict),
        .testTarget(name: "KAAWebTests", dependencies: ["KAAWeb", "KAARegister", "KAAHTTP", "KAAHTML", "KAAAuth", "KAACore", "KAASQLite", "KAATestFixtures", "KAAOIDC", "KAASystem",
                                                    "KAAOIDCTestKit", "KAAHTTPTestKit"],
                    swiftSettings: strict),
        .testTarget(name: "KAAHTMLTests", dependencies: ["KAAHTML"], swiftSettings: strict),
        .testTarget(name: "KAACLIKitTests", dependencies: ["KAACLIKit", "KAACore"], swiftSettings: strict),
        .testTarget(name: "KAACLITests", dependencies: ["KAACLIKit", "KAAKommunCLI", "KAAHubCLI", "KAARegister", "KAASQLite", "KAATestFixtures", "KAACLITestKit",
                                                        "KAAHub", "KAAHTTPServer", "KAACurl", "KAAHTTP", "KAACore", "KAAHTML", "KAASync", "KAASystem", "KAACrypto", "KAAOIDC"],
                    swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
