import KAAOIDC
import Testing

/// JSON as the provider sent it: a boolean never reads as a number, nothing but an object is a document.
@Suite struct JSONValueTests {
    static func object(_ text: String) -> [String: JSONValue]? {
        JSONValue.object(from: Array(text.utf8))
    }

    @Test func eachJSONTypeKeepsItsKind() throws {
        let object = try #require(Self.object(#"{"t": true, "f": false, "one": 1, "zero": 0, "pi": 3.5, "s": "x", "n": null, "a": [1, "b"], "o": {"k": "v"}}"#))
        #expect(object["t"] == .bool(true))
        #expect(object["f"] == .bool(false))
        #expect(object["one"] == .number(1))
        #expect(object["zero"] == .number(0))
        #expect(object["pi"] == .number(3.5))
        #expect(object["s"] == .string("x"))
        #expect(object["n"] == .null)
        #expect(object["a"] == .array([.number(1), .string("b")]))
        #expect(object["o"] == .object(["k": .string("v")]))
        #expect(object["t"]?.number == nil)
        #expect(object["one"]?.number == 1)
        #expect(object["one"]?.string == nil)
    }

    @Test func stringsAreAStringOrAnArrayOfStringsOnly() throws {
        let object = try #require(Self.object(#"{"one": "g", "many": ["g", "h"], "mixed": ["g", 1], "none": [], "number": 1}"#))
        #expect(object["one"]?.strings == ["g"])
        #expect(object["many"]?.strings == ["g", "h"])
        #expect(object["mixed"]?.strings == nil)
        #expect(object["none"]?.strings == [])
        #expect(object["number"]?.strings == nil)
    }

    @Test(arguments: ["", "[]", "1", "\"s\"", "null", "{", "{\"a\": }", "{'a': 1}"])
    func onlyAnObjectIsADocument(_ text: String) {
        #expect(Self.object(text) == nil)
    }

    @Test(arguments: [1000, 100_000, 500_000])
    func deeplyNestedJSONIsRefusedWithoutCrashing(_ depth: Int) {
        // A hostile provider's document (or ID token payload) nested this deep must not take the server down.
        let arrays = "{\"a\":" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        let objects = String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)
        #expect(JSONValue.object(from: Array(arrays.utf8)) == nil)
        #expect(JSONValue.object(from: Array(objects.utf8)) == nil)
    }

    @Test func moderateNestingIsRead() throws {
        let text = "{\"a\":" + String(repeating: "[", count: 100) + "1" + String(repeating: "]", count: 100) + "}"
        var value = try #require(Self.object(text)?["a"])
        for _ in 1..<100 {
            guard case let .array(inner) = value, let first = inner.first else { Issue.record("not nested"); return }
            value = first
        }
        #expect(value == .array([.number(1)]))
    }

    @Test func aDocumentOverTheLimitIsRefused() {
        let text = #"{"a": "\#(String(repeating: "x", count: 100))"}"#
        #expect(JSONValue.object(from: Array(text.utf8), maximumBytes: 100) == nil)
        #expect(JSONValue.object(from: Array(text.utf8), maximumBytes: 200) != nil)
    }
}
