import Testing
@testable import KAAWeb

@Suite struct FormDataTests {
    @Test func decodesPercentAndPlus() throws {
        let form = try FormData(urlEncoded: Array("q=%C3%85sa+Str%C3%B6m&reached=on&csrf=abc".utf8))
        #expect(form["q"] == "Åsa Ström")
        #expect(form.isChecked("reached"))
        #expect(form["missing"] == nil)
    }

    @Test(arguments: ["q=%ZZ", "q=%C3", "q=%00", "q=%", "a%20b=1", "=x"])
    func refusesBrokenOrHostileEncoding(_ body: String) {
        #expect(throws: WebError.self) { try FormData(urlEncoded: Array(body.utf8)) }
    }

    @Test func refusesAFieldTwiceWithDifferentValues() throws {
        #expect(throws: WebError.self) { try FormData(urlEncoded: Array("date=2026-11-01&date=2026-11-02".utf8)) }
        let same = try FormData(urlEncoded: Array("date=2026-11-01&date=2026-11-01".utf8))
        #expect(same.fields.count == 1)
    }

    @Test func refusesTooManyFields() {
        let body = (0...FormData.maximumFields).map { "f\($0)=1" }.joined(separator: "&")
        #expect(throws: WebError.self) { try FormData(urlEncoded: Array(body.utf8)) }
    }

    @Test func encodesForLinks() {
        #expect(FormData([("q", "Åsa & co"), ("sida", "2")]).queryString == "q=%C3%85sa%20%26%20co&sida=2")
    }
}
