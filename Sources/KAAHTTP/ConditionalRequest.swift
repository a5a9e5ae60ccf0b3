/// The validators of a representation and what a conditional GET or HEAD asks of them
/// (RFC 9110 §13): `If-None-Match` decides when present, `If-Modified-Since` only without it.
public struct Validators: Sendable, Equatable {
    /// The entity tag's opaque part, without quotes (`9f86d081884c7d65`).
    public let entityTag: String
    /// When the representation last changed, in seconds since 1970; nil when unknown.
    public let lastModified: Int?

    /// Validators with tag `entityTag` (letters, digits, `-` and `.` only) and `lastModified`.
    public init(entityTag: String, lastModified: Int?) {
        self.entityTag = entityTag
        self.lastModified = lastModified
    }

    /// The `ETag` header's value for a representation in `coding` (a gzip body has a tag of its
    /// own, RFC 9110 §8.8.3.3, that still names the same state).
    public func etagHeader(coding: String? = nil) -> String {
        "\"\(entityTag)\(coding.map { "-\($0)" } ?? "")\""
    }

    /// Whether a GET or HEAD with these request headers is answered `304 Not Modified`.
    /// A malformed `If-None-Match` matches nothing (the full answer is always safe); a malformed
    /// or future `If-Modified-Since` is ignored, as RFC 9110 §13.1.3 says.
    public func isNotModified(ifNoneMatch: String?, ifModifiedSince: String?, now: Int) -> Bool {
        if let ifNoneMatch {
            return Self.tags(in: ifNoneMatch).contains { $0 == "*" || $0 == entityTag }
        }
        guard let ifModifiedSince, let lastModified, let since = HTTPDate.parse(ifModifiedSince), since <= now else { return false }
        return lastModified <= since
    }

    /// The opaque tags of an `If-None-Match` list (`*`, `"a"`, `W/"a"`; weak comparison, so `W/`
    /// is dropped, and a `-gzip` coding suffix too). At most 64 tags are read; anything that is
    /// not a quoted tag ends the list.
    static func tags(in header: String) -> [String] {
        let text = header.trimmingASCIIWhitespace
        if text == "*" { return ["*"] }
        var tags: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty, tags.count < 64 {
            rest = rest.drop { $0 == " " || $0 == "\t" || $0 == "," }
            if rest.isEmpty { break }
            if rest.hasPrefix("W/") { rest = rest.dropFirst(2) }
            guard rest.first == "\"", let close = rest.dropFirst().firstIndex(of: "\"") else { break }
            var tag = String(rest[rest.index(after: rest.startIndex)..<close])
            if tag.hasSuffix("-gzip") { tag.removeLast("-gzip".count) }
            tags.append(tag)
            rest = rest[rest.index(after: close)...]
        }
        return tags
    }
}

/// What an `Accept-Encoding` header (RFC 9110 §12.5.3) says of gzip.
public enum AcceptEncoding {
    /// Whether the client accepts a gzip body: `gzip` (or `x-gzip`) with a q-value above 0, or `*`
    /// above 0 with gzip not named. Only the first 32 codings of a (possibly huge) header are read.
    public static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        var wildcard: Bool?
        for item in header.split(separator: ",", maxSplits: 32, omittingEmptySubsequences: true).prefix(32) {
            let parts = item.split(separator: ";")
            guard let name = parts.first?.trimmingCharacters(in: " \t").lowercased() else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: " \t") }
                if pair.count == 2, pair[0].lowercased() == "q" {
                    guard pair[1].utf8.count <= 5, let value = Double(pair[1]), (0...1).contains(value) else { quality = 0; continue }
                    quality = value
                }
            }
            if name == "gzip" || name == "x-gzip" { return quality > 0 }
            if name == "*" { wildcard = quality > 0 }
        }
        return wildcard ?? false
    }
}

extension Substring {
    /// The text without the given leading and trailing characters.
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        return String(drop { characters.contains($0) }.reversed().drop { characters.contains($0) }.reversed())
    }
}
