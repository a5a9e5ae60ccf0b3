import KAACore
import Testing

@Suite struct ContactValidationTests {
    @Test(arguments: [
        ("070-123 45 67", "+46701234567"), ("0701234567", "+46701234567"), ("+46 70 123 45 67", "+46701234567"), ("+46701234567", "+46701234567"),
        ("08-123 456 78", "+46812345678"), ("08/12 34 56", "+46812 3456"), ("0046 70 123 45 67", "+46701234567"), ("+46 (0)8 123 456 78", "+46812345678"),
        ("+1 (555) 123-4567", "+15551234567"), ("0090 212 555 12 34", "+902125551234"),
    ])
    func phoneNumbersBecomeE164(_ text: String, _ expected: String) throws {
        #expect(try ContactValidation.phone(text) == expected.replacingOccurrences(of: " ", with: ""))
    }

    @Test(arguments: ["", " ", "070", "0701", "7012345678", "46701234567", "+46 0 70 123", "+46 70 1", "+4670123456789", "+12",
                      "070-123 45 67 x", "tel:0701234567", "+46+70", "070\u{200B}1234567", "1234567890123456", "٠٧٠١٢٣٤٥٦٧"])
    func badPhoneNumbersAreRefused(_ text: String) {
        #expect(throws: ContactValidation.Problem.self) { try ContactValidation.phone(text) }
    }

    @Test(arguments: [("a@b.se", "a@b.se"), ("Anna.Berg@Uppsala.SE", "Anna.Berg@uppsala.se"), (" x_y+z@sub.example.org ", "x_y+z@sub.example.org")])
    func emailAddressesAreNormalised(_ text: String, _ expected: String) throws {
        #expect(try ContactValidation.email(text) == expected)
    }

    @Test(arguments: ["", "a", "a@", "@b.se", "a@b", "a@b.s", "a@b..se", "a..b@c.se", ".a@b.se", "a@-b.se", "a@b.se\n", "å@b.se", "a@bå.se",
                      "a b@c.se", "a@b@c.se", "\"a\"@b.se", String(repeating: "a", count: 65) + "@b.se", "a@" + String(repeating: "b", count: 250) + ".se"])
    func badEmailAddressesAreRefused(_ text: String) {
        #expect(throws: ContactValidation.Problem.self) { try ContactValidation.email(text) }
    }

    @Test func messagesAreSwedishAndShowNoControlCharacters() {
        #expect {
            try ContactValidation.phone("07\u{7}0")
        } throws: { error in
            "\(error)".contains("ogiltigt telefonnummer") && !"\(error)".contains("\u{7}")
        }
    }
}
