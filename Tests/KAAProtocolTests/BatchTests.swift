import Foundation
import KAACore
import KAAProtocol
import KAATestFixtures
import Testing

func cell(_ table: CellTable, _ period: String, _ dims: [String: String], _ n: Int, _ ck: UInt32 = 1) -> Cell {
    Cell(table: table, period: Period(period) ?? .month(year: 2000, month: 1), dims: Dims(dims), n: n, ck: ck)
}

let generation = String(repeating: "ab", count: 16)

func batch(seq: Int = 2, cells: [Cell]) -> Batch {
    Batch(kommun: "0380", generation: generation, seq: seq, kind: seq == 1 ? .snapshot : .changes,
          previousDigest: StateDigest.empty, digest: StateDigest.digest(cells), sealedAt: "2026-11-23T02:00:00Z", cells: cells)
}

@Suite struct StateDigestTests {
    @Test func theEmptyStateIsSHA256OfNothing() {
        #expect(StateDigest.empty == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(StateDigest.digest([]) == StateDigest.empty)
    }

    @Test func hashesSortedLinesAsTheDesignSays() {
        // Computed independently: sha256 of "in_kaa|2026-11|age=17,sex=K|3|12345\nnew|2026-11|sex=K|1|4294967295\n".
        let cells = [cell(.new, "2026-11", ["sex": "K"], 1, 4_294_967_295), cell(.inKAA, "2026-11", ["sex": "K", "age": "17"], 3, 12345)]
        #expect(StateDigest.digest(cells) == "473ee1aaf928adb4c2d30a247fb2c0b534e0103f01e486e14b5135b7961aa0c3")
        #expect(StateDigest.digest(cells.reversed()) == StateDigest.digest(cells), "order does not matter")
        #expect(StateDigest.digest(cells + [cell(.contacted, "2026-11", ["sex": "M"], 0)]) == StateDigest.digest(cells), "n = 0 cells do not exist")
    }
}

@Suite struct BatchCodingTests {
    let cells = [cell(.inKAA, "2026-11", ["sex": "K", "age": "17"], 3, 99), cell(.deregistered, "2026-H2", ["reason": "FLYTTAT"], 0, 0),
                 cell(.inKAAReason, "2026-10", ["reason": "AVBROTT_NP"], 2, 7)]

    @Test func encodesDeterministicallyAndDecodesBack() throws {
        let original = batch(cells: cells)
        let bytes = original.encoded()
        #expect(batch(cells: cells.reversed()).encoded() == bytes, "the same batch gives the same bytes")
        let decoded = try Batch.decode(bytes)
        #expect(decoded.generation == generation && decoded.seq == 2 && decoded.kind == .changes)
        #expect(Set(decoded.cells) == Set(cells))
        #expect(decoded.encoded() == bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("{\"catalogue_version\":1,\"cells\":[{\"ck\":0,\"dims\":{\"reason\":\"FLYTTAT\"},\"n\":0,\"period\":\"2026-H2\",\"table\":\"deregistered\"}"))
    }

    @Test func carriesNoPersonalData() throws {
        let text = String(decoding: batch(cells: cells).encoded(), as: UTF8.self)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(json.keys) == ["catalogue_version", "cells", "digest", "format", "generation", "kind", "kommun", "prev_digest", "sealed_at", "seq"])
        let first = try #require((json["cells"] as? [[String: Any]])?.first)
        #expect(Set(first.keys) == ["ck", "dims", "n", "period", "table"])
    }

    static let hostile: [(String, String)] = [
        ("{", "not a valid batch"),
        ("[]", "not a valid batch"),
        (#"{"format":"kaa-batch"}"#, "missing"),
        ("REPLACE_TABLE", "unknown table"),
        ("REPLACE_CODE", "unknown reason"),
        ("REPLACE_NEGATIVE", "negative"),
        ("REPLACE_PERIOD", "malformed period"),
        ("REPLACE_DIMS", "takes the dims"),
        ("REPLACE_FELREG", "unknown reason"),
        ("REPLACE_VERSION", "catalogue_version"),
        ("REPLACE_KIND", "snapshot"),
        ("REPLACE_GENERATION", "generation"),
        ("REPLACE_DIGEST", "digest"),
        ("REPLACE_DUPLICATE", "occurs twice"),
        ("REPLACE_CK", "not a valid batch"),
    ]

    @Test(arguments: hostile)
    func refusesHostileBodies(_ body: String, _ message: String) {
        let good = String(decoding: batch(cells: [cell(.inKAAReason, "2026-10", ["reason": "AVBROTT_NP"], 2, 7)]).encoded(), as: UTF8.self)
        let text: String
        switch body {
        case "REPLACE_TABLE": text = good.replacingOccurrences(of: "\"in_kaa_reason\"", with: "\"names\"")
        case "REPLACE_CODE": text = good.replacingOccurrences(of: "AVBROTT_NP", with: "SJUK")
        case "REPLACE_NEGATIVE": text = good.replacingOccurrences(of: "\"n\":2", with: "\"n\":-2")
        case "REPLACE_PERIOD": text = good.replacingOccurrences(of: "2026-10", with: "2026-13")
        case "REPLACE_DIMS": text = good.replacingOccurrences(of: "\"reason\":\"AVBROTT_NP\"", with: "\"reason\":\"AVBROTT_NP\",\"name\":\"Anna\"")
        case "REPLACE_FELREG": text = good.replacingOccurrences(of: "in_kaa_reason", with: "deregistered").replacingOccurrences(of: "AVBROTT_NP", with: "FELREGISTRERAD")
        case "REPLACE_VERSION": text = good.replacingOccurrences(of: "\"catalogue_version\":1", with: "\"catalogue_version\":9")
        case "REPLACE_KIND": text = good.replacingOccurrences(of: "\"kind\":\"changes\"", with: "\"kind\":\"snapshot\"")
        case "REPLACE_GENERATION": text = good.replacingOccurrences(of: generation, with: "xyz")
        case "REPLACE_DIGEST": text = good.replacingOccurrences(of: "\"prev_digest\":\"", with: "\"prev_digest\":\"zz")
        case "REPLACE_DUPLICATE":
            let one = "{\"ck\":7,\"dims\":{\"reason\":\"AVBROTT_NP\"},\"n\":2,\"period\":\"2026-10\",\"table\":\"in_kaa_reason\"}"
            text = good.replacingOccurrences(of: one, with: one + "," + one)
        case "REPLACE_CK": text = good.replacingOccurrences(of: "\"ck\":7", with: "\"ck\":4294967296")
        default: text = body
        }
        #expect(text != good || body == good, "the test changed nothing")
        do {
            _ = try Batch.decode(Array(text.utf8))
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }
}

@Suite struct ContentDigestTests {
    @Test func writesAndChecksRFC9530Headers() {
        let body = Array("hello".utf8)
        #expect(ContentDigest.header(for: body) == "sha-256=:LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=:")
        #expect(ContentDigest.matches("sha-256=:LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=:", body: body))
        #expect(ContentDigest.matches("sha-512=:abc=:, sha-256=:LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=:", body: body))
        #expect(!ContentDigest.matches("sha-256=:LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=:", body: Array("hellO".utf8)))
        #expect(!ContentDigest.matches("md5=:abc:", body: body))
        #expect(!ContentDigest.matches("sha-256=:not base64!:", body: body))
    }
}

@Suite struct CatalogueCodeTests {
    @Test func theHubAcceptsTheNewOccupationCodesAndStillTheRetiredOne() throws {
        // The retired STUDIER_KOMVUX stays valid: frozen periods hold cells with it.
        let codes = ["STUDIER_GYMNASIUM_NP", "STUDIER_GYMNASIUM_IM", "STUDIER_KOMVUX_GRUND", "STUDIER_KOMVUX_GY", "STUDIER_KOMVUX"]
        let cells = codes.map { cell(.occupationEnd, "2026-11", ["occupation": $0], 2, 5) }
        let decoded = try Batch.decode(batch(cells: cells).encoded())
        #expect(decoded.cells.count == codes.count)
        #expect(throws: BatchError.self) { try Batch.decode(batch(cells: [cell(.occupationEnd, "2026-11", ["occupation": "STUDIER_KOMVUX_XX"], 2, 5)]).encoded()) }
    }
}
