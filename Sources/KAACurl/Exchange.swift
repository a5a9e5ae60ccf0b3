import Foundation

/// What one exchange received. Reached from libcurl's callbacks through the `void *` context;
/// only the thread that holds the client's lock (and is inside `curl_easy_perform`) touches it.
final class Exchange {
    var body: [UInt8] = []
    var headers: [String: String] = [:]
    /// The most body bytes this exchange accepts; past it the write callback aborts the transfer.
    var maximumBodyBytes = Int.max
    /// Whether the transfer was aborted for passing `maximumBodyBytes`.
    var isOverLimit = false
}

// libcurl's callbacks: nonisolated, reaching the exchange through the context pointer.
func curlWriteBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let exchange = Unmanaged<Exchange>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    // A server that sends more than any answer of ours can be (a hostile or broken hub) is cut off
    // here, before the bytes are kept: returning less than `length` makes libcurl abort the transfer.
    guard length <= exchange.maximumBodyBytes - exchange.body.count else {
        exchange.isOverLimit = true
        return 0
    }
    data.withMemoryRebound(to: UInt8.self, capacity: length) { exchange.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length)) }
    return length
}

func curlWriteHeader(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let exchange = Unmanaged<Exchange>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    let line = data.withMemoryRebound(to: UInt8.self, capacity: length) { String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self) }
    if line.hasPrefix("HTTP/") {
        exchange.headers = [:] // a new response (after a redirect or 100 Continue) starts afresh
    } else if let colon = line.firstIndex(of: ":") {
        let name = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
        let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespacesAndNewlines)
        exchange.headers[name] = value
    }
    return length
}
