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

    @Test func aDocumentOverTheLimitIsRefused() {
        let text = #"{"a": "\#(String(repeating: "x", count: 100))"}"#
        #expect(JSONValue.object(from: Array(text.utf8), maximumBytes: 100) == nil)
        #expect(JSONValue.object(from: Array(text.utf8), maximumBytes: 200) != nil)
    }
}
