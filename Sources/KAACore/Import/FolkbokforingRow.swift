/// One row of a folkbokföring extract.
public struct FolkbokforingRow: Sendable {
    public let personnummer: PersonalIdentityNumber
    public let details: ContactDetails

    public static let required: [String: [String]] = [
        "personnummer": ["personnummer"], "fornamn": ["fornamn", "förnamn"], "efternamn": ["efternamn"],
        "adress": ["adress", "utdelningsadress"], "postnummer": ["postnummer"], "postort": ["postort", "ort"],
    ]
    public static let optional: [String: [String]] = [
        "telefon": ["telefon"], "epost": ["epost", "e-post"], "skyddad": ["skyddad", "sekretessmarkering"],
    ]

    /// The columns of one file, resolved once from its header.
    public struct Columns: Sendable {
        let personnummer: Int?, firstName: Int?, lastName: Int?, address: Int?, postalCode: Int?, city: Int?
        let phone: Int?, email: Int?, isProtected: Int?
        /// The free-text columns present in the file, with their names for messages (made once).
        fileprivate let texts: [(name: String, index: Int)]

        public init(_ map: ColumnMap) {
            personnummer = map.index(of: "personnummer")
            firstName = map.index(of: "fornamn")
            lastName = map.index(of: "efternamn")
            address = map.index(of: "adress")
            postalCode = map.index(of: "postnummer")
            city = map.index(of: "postort")
            phone = map.index(of: "telefon")
            email = map.index(of: "epost")
            isProtected = map.index(of: "skyddad")
            texts = [("fornamn", firstName), ("efternamn", lastName), ("adress", address), ("postnummer", postalCode),
                     ("postort", city), ("telefon", phone), ("epost", email)].compactMap { name, index in index.map { (name, $0) } }
        }
    }

    /// What every row is checked for, without decoding its names: the personnummer, the flag, and
    /// that every text is at most 200 characters on one line. Throws a Swedish message naming the field.
    public static func check(_ row: TableRow, columns: Columns, today: CalendarDate) throws(ImportFieldError)
        -> (personnummer: PersonalIdentityNumber, isProtected: Bool) {
        guard let digits = row.bytes(columns.personnummer) else { throw ImportFieldError("personnummer saknas") }
        let personnummer: PersonalIdentityNumber
        do {
            personnummer = try PersonalIdentityNumber(utf8: digits, today: today)
        } catch {
            throw ImportFieldError(error.description)
        }
        let isProtected = try ImportFields.flag(row.bytes(columns.isProtected), column: "skyddad")
        for (name, index) in columns.texts where index < row.record.count {
            // A line break can only be inside a quoted field; 200 bytes are at most 200 characters,
            // so only a longer field needs counting.
            switch row.record.scanField(index) {
            case .plain: break
            case .lineBreak: throw ImportFieldError("\(name): får inte innehålla radbrytningar")
            case .long: if let text = row.value(index), text.count > 200 { throw ImportFieldError("\(name): högst 200 tecken") }
            }
            // Control and bidi characters (VT, FF, ESC, U+0085, U+2028, U+202E…): only a field with a
            // byte outside printable ASCII can hold one, so the common field is one byte scan.
            if let bytes = row.bytes(index), bytes.contains(where: { $0 < 0x20 || $0 >= 0x7F }), let text = row.value(index),
               let problem = TextSafety.problem(in: text) {
                throw ImportFieldError("\(name): \(problem)")
            }
        }
        // Phone and e-mail have a form; checked here so a bad one fails the run with its line.
        do throws(ContactValidation.Problem) {
            if let phone = row.value(columns.phone), !phone.isEmpty { _ = try ContactValidation.phone(phone) }
        } catch {
            throw ImportFieldError("telefon: \(error.message)")
        }
        do throws(ContactValidation.Problem) {
            if let email = row.value(columns.email), !email.isEmpty { _ = try ContactValidation.email(email) }
        } catch {
            throw ImportFieldError("epost: \(error.message)")
        }
        return (personnummer, isProtected)
    }

    /// Reads a checked row's contact details (a protected person's address is not read); phone and
    /// e-mail normalised as the register stores them (`check` has refused any that cannot be).
    public init(_ row: TableRow, columns: Columns, personnummer: PersonalIdentityNumber, isProtected: Bool) {
        self.personnummer = personnummer
        details = ContactDetails(
            firstName: row.value(columns.firstName), lastName: row.value(columns.lastName),
            address: isProtected ? nil : row.value(columns.address), postalCode: isProtected ? nil : row.value(columns.postalCode),
            city: isProtected ? nil : row.value(columns.city),
            phone: row.value(columns.phone).map { (try? ContactValidation.phone($0)) ?? $0 },
            email: row.value(columns.email).map { (try? ContactValidation.email($0)) ?? $0 },
            isProtected: isProtected)
    }
}
