import Foundation
import KAACore
import KAAProtocol
import Testing

/// The response bodies' bytes are the protocol (docs/sync-protocol.md): keys sorted, `null` for
/// absent values, shares with four decimals, strings escaped as in the batch.
@Suite struct WireBodyTests {
    static let digest = StateDigest.empty

    @Test func theStateOfANewSiteSaysNullForItsGeneration() {
        let body = StateResponse(generation: nil, lastSeq: 0, digest: Self.digest, catalogueVersions: [1])
        #expect(String(decoding: body.json, as: UTF8.self) == #"{"catalogue_versions":[1],"digest":"\#(Self.digest)","generation":null,"last_seq":0}"#)
        #expect(StateResponse(json: body.json) == body)
    }

    @Test func appliedAndConflictBodies() {
        let applied = AppliedResponse(digest: Self.digest, generation: "ab", seq: 3)
        #expect(String(decoding: applied.json, as: UTF8.self) == #"{"digest":"\#(Self.digest)","generation":"ab","seq":3}"#)
        let conflict = ConflictResponse(digest: Self.digest, expectedGeneration: nil, expectedSeq: 1)
        #expect(String(decoding: conflict.json, as: UTF8.self) == #"{"digest":"\#(Self.digest)","expected_generation":null,"expected_seq":1}"#)
        #expect(ConflictResponse(json: conflict.json) == conflict)
        #expect(AppliedResponse(json: applied.json) == applied)
    }

    @Test func errorMessagesAreEscapedAsInTheBatch() {
        let body = ErrorResponse("unknown parameter 'a\"b\\c\n\u{1}\u{8}/é'")
        #expect(String(decoding: body.json, as: UTF8.self) == #"{"error":"unknown parameter 'a\"b\\c\n\u0001\u0008/é'"}"#)
        #expect(ErrorResponse(json: body.json) == body)
        #expect(ErrorResponse(json: Array("<html>proxy error</html>".utf8)) == nil)
    }

    @Test func aPublicationKeepsItsNullsAndFourDecimalShares() throws {
        let body = PublicationResponse(
            cells: [.init(dims: ["sex": "K", "age": "17"], kommun: nil, table: .inKAA, value: 5),
                    .init(dims: [:], kommun: "0380", table: .inKAAReason, value: 12)],
            period: "2026-11", preliminary: true, reporting: .init(kommuner: 2, of: 3),
            shares: [.init(kommun: nil, share: 0.25), .init(kommun: "0380", share: nil), .init(kommun: "0381", share: 1.0 / 3)])
        #expect(String(decoding: body.json, as: UTF8.self) == """
            {"cells":[{"dims":{"age":"17","sex":"K"},"kommun":null,"table":"in_kaa","value":5},\
            {"dims":{},"kommun":"0380","table":"in_kaa_reason","value":12}],"period":"2026-11","preliminary":true,\
            "reporting":{"kommuner":2,"missing":[],"of":3},"shares":[{"kommun":null,"share":0.2500},{"kommun":"0380","share":null},\
            {"kommun":"0381","share":0.3333}]}
            """)
        let decoded = try #require(PublicationResponse(json: body.json))
        #expect(decoded.cells == body.cells)
        #expect(decoded.shares[0].share == 0.25)
    }
}
