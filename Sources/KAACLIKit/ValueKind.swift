import KAACore

/// What a command's values may need from the program while they are read: today's date, for a
/// personnummer whose century depends on it (10-digit forms).
public protocol ArgumentEnvironment {
    /// Today in the program's time zone.
    func today() throws -> CalendarDate
}

/// A value that cannot be read as its kind, said in Swedish without the argument's name (the
/// parser adds the name).
public struct InvalidValue: Error, Sendable {
    /// What is wrong with the text.
    public let message: String

    /// A problem with a value.
    public init(_ message: String) {
        self.message = message
    }
}

/// How one kind of value is read from its text: its placeholder in help (`<datum>`) and its parser.
/// Declared once per kind, so every command reads dates, periods and ids the same way.
public struct ValueKind<Value: Sendable>: Sendable {
    /// The placeholder shown in help and usage lines, without the angle brackets.
    public let placeholder: String
    /// Whether the value is a path, so shell completion offers files.
    public let completesFiles: Bool
    let read: @Sendable (String, any ArgumentEnvironment) throws -> Value

    /// A kind with its own parser; the parser throws `InvalidValue` for text it cannot use.
    public init(placeholder: String, completesFiles: Bool = false, read: @escaping @Sendable (String, any ArgumentEnvironment) throws -> Value) {
        self.placeholder = placeholder
        self.completesFiles = completesFiles
        self.read = read
    }

    /// Reads `text` given elsewhere than on the command line (a configuration key): a bad value
    /// names `source`, as a bad argument names itself.
    public func value(_ text: String, from source: String, environment: any ArgumentEnvironment) throws -> Value {
        do {
            return try read(text, environment)
        } catch let invalid as InvalidValue {
            throw CommandLineError.badValue(argument: source, message: invalid.message)
        }
    }

    /// The same kind shown with another placeholder (`<halvår>` instead of `<period>`).
    public func named(_ placeholder: String) -> ValueKind<Value> {
        ValueKind(placeholder: placeholder, completesFiles: completesFiles, read: read)
    }

    /// The same kind with a further check on the value read.
    public func checked(_ check: @escaping @Sendable (Value) throws -> Void) -> ValueKind<Value> {
        let read = self.read
        return ValueKind(placeholder: placeholder, completesFiles: completesFiles) { text, environment in
            let value = try read(text, environment)
            try check(value)
            return value
        }
    }
}

extension ValueKind where Value == CalendarDate {
    /// A calendar date, `YYYY-MM-DD`.
    public static var date: ValueKind<CalendarDate> {
        ValueKind(placeholder: "datum") { text, _ in
            guard let date = CalendarDate(iso: text) else { throw InvalidValue("ogiltigt datum '\(text)'; ange ÅÅÅÅ-MM-DD, t.ex. 2026-11-23") }
            return date
        }
    }
}

extension ValueKind where Value == Period {
    /// A reporting period: a month (`2026-11`) or a half-year (`2026-H2`).
    public static var period: ValueKind<Period> {
        ValueKind(placeholder: "period") { text, _ in
            guard let period = Period(text) else {
                throw InvalidValue("ogiltig period '\(text)'; ange en månad (2026-11) eller ett halvår (2026-H2)")
            }
            return period
        }
    }

    /// A half-year (`2026-H2`), as SCB reports it.
    public static var halfYear: ValueKind<Period> {
        ValueKind(placeholder: "halvår") { text, _ in
            guard let period = Period(text), !period.isMonth else { throw InvalidValue("ogiltigt halvår '\(text)'; ange ett halvår, t.ex. 2026-H2") }
            return period
        }
    }
}

extension ValueKind where Value == PersonalIdentityNumber {
    /// A personnummer or samordningsnummer, 10 or 12 digits, checked against today.
    public static var personnummer: ValueKind<PersonalIdentityNumber> {
        ValueKind(placeholder: "personnummer") { text, environment in
            do {
                return try PersonalIdentityNumber(text, today: environment.today())
            } catch let error as PersonalIdentityNumberError {
                throw InvalidValue(error.description)
            }
        }
    }
}

extension ValueKind where Value == String {
    /// A kommun code that exists (four digits, e.g. `0380`).
    public static var kommun: ValueKind<String> {
        ValueKind(placeholder: "kod") { text, _ in
            guard Kommuner.all[text] != nil else {
                throw InvalidValue("okänd kommunkod '\(text)' (fyra siffror, t.ex. 0380)")
            }
            return text
        }
    }

    /// A code from one of the code lists; the register checks which list.
    public static var code: ValueKind<String> {
        ValueKind(placeholder: "kod") { text, _ in
            guard !text.isEmpty else { throw InvalidValue("en kod får inte vara tom") }
            return text
        }
    }

    /// A file or folder path.
    public static var path: ValueKind<String> {
        ValueKind(placeholder: "fil", completesFiles: true) { text, _ in
            guard !text.isEmpty else { throw InvalidValue("ange en sökväg") }
            return text
        }
    }

    /// Free text; an empty text is allowed (it clears a detail).
    public static var text: ValueKind<String> {
        ValueKind(placeholder: "text") { text, _ in text }
    }

    /// An `http://` or `https://` address.
    public static var url: ValueKind<String> {
        ValueKind(placeholder: "url") { text, _ in
            guard text.hasPrefix("https://") || text.hasPrefix("http://") else {
                throw InvalidValue("ska börja med https:// (eller http:// för test), inte '\(text)'")
            }
            return text
        }
    }
}

extension ValueKind where Value == Int64 {
    /// A record's id: a positive whole number.
    public static var recordID: ValueKind<Int64> {
        ValueKind(placeholder: "id") { text, _ in
            guard let value = Int64(text), value > 0 else { throw InvalidValue("ska vara ett id (ett positivt heltal), inte '\(text)'") }
            return value
        }
    }
}

extension ValueKind where Value == Int {
    /// A whole number ≥ 0.
    public static var count: ValueKind<Int> {
        ValueKind(placeholder: "N") { text, _ in
            guard let value = Int(text), value >= 0 else { throw InvalidValue("ska vara ett heltal ≥ 0, inte '\(text)'") }
            return value
        }
    }

    /// A whole number within `range`.
    public static func integer(in range: ClosedRange<Int>) -> ValueKind<Int> {
        ValueKind(placeholder: "N") { text, _ in
            guard let value = Int(text), range.contains(value) else {
                throw InvalidValue("ska vara ett heltal \(range.lowerBound)–\(range.upperBound), inte '\(text)'")
            }
            return value
        }
    }
}

extension ValueKind where Value == Double {
    /// A number of seconds > 0.
    public static var seconds: ValueKind<Double> {
        ValueKind(placeholder: "sekunder") { text, _ in
            guard let value = Double(text), value > 0, value.isFinite else { throw InvalidValue("ska vara ett antal sekunder > 0, inte '\(text)'") }
            return value
        }
    }
}

/// A listening address, `HOST:PORT` (`[::1]:8443` for IPv6; port 0 picks a free one).
public struct ListenAddress: Sendable, Equatable {
    /// The host, without brackets.
    public let host: String
    /// The port.
    public let port: UInt16

    /// An address from its parts.
    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Reads `HOST:PORT`; nil when it is not of that form.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else { return nil }
        var host = Substring(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty else { return nil }
        self.host = String(host)
        self.port = port
    }
}

extension ValueKind where Value == ListenAddress {
    /// `HOST:PORT`.
    public static var listenAddress: ValueKind<ListenAddress> {
        ValueKind(placeholder: "host:port") { text, _ in
            guard let address = ListenAddress(text) else { throw InvalidValue("ska vara VÄRD:PORT, t.ex. 127.0.0.1:8443, inte '\(text)'") }
            return address
        }
    }
}

extension ValueKind where Value: CaseIterable & RawRepresentable, Value.RawValue == String {
    /// One of the cases of `Value`, by its raw value; the error lists them all.
    public static func oneOf(_: Value.Type, placeholder: String, noun: String) -> ValueKind<Value> {
        ValueKind(placeholder: placeholder) { text, _ in
            guard let value = Value(rawValue: text) else {
                throw InvalidValue("okänd \(noun) '\(text)'; välj bland " + Value.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return value
        }
    }
}
