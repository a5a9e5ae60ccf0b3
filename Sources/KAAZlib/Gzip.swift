internal import CZlib

/// Why zlib could not compress or decompress.
public struct GzipError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What failed, with zlib's code.
    public let message: String
    public var description: String { message }
}

/// gzip (RFC 1952) bodies made and read by zlib, for `Content-Encoding: gzip`.
public enum Gzip {
    /// `bytes` as one gzip member at `level` (1 fastest … 9 smallest; zlib's default is 6).
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) throws(GzipError) -> [UInt8] {
        let stream = try ZStream(compressing: level)
        return try stream.run(bytes, limit: Int.max, finish: Z_FINISH)
    }

    /// The bytes of a gzip body, refusing more than `limit` bytes out (a small body can inflate to
    /// gigabytes), a truncated member or trailing garbage.
    public static func decompress(_ bytes: [UInt8], limit: Int = 64 << 20) throws(GzipError) -> [UInt8] {
        let stream = try ZStream(decompressing: ())
        return try stream.run(bytes, limit: limit, finish: Z_FINISH)
    }
}

/// One zlib stream, owned: `deflateEnd` or `inflateEnd` in `deinit`, whatever happened.
final class ZStream {
    private let stream: UnsafeMutablePointer<z_stream>
    private let isDeflating: Bool

    init(compressing level: Int32) throws(GzipError) {
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        isDeflating = true
        let code = kaa_zlib_deflate_init_gzip(stream, level)
        guard code == Z_OK else {
            stream.deallocate()
            throw GzipError(message: "zlib deflateInit2 failed (\(code))")
        }
    }

    init(decompressing: Void) throws(GzipError) {
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        isDeflating = false
        let code = kaa_zlib_inflate_init_gzip(stream)
        guard code == Z_OK else {
            stream.deallocate()
            throw GzipError(message: "zlib inflateInit2 failed (\(code))")
        }
    }

    deinit {
        if isDeflating { deflateEnd(stream) } else { inflateEnd(stream) }
        stream.deallocate()
    }

    /// Feeds all of `input` and collects the output until the stream ends.
    func run(_ input: [UInt8], limit: Int, finish: Int32) throws(GzipError) -> [UInt8] {
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        let outcome: GzipError? = input.withUnsafeBufferPointer { source -> GzipError? in
            // zlib reads `next_in` without writing it; the cast only satisfies its non-const type.
            stream.pointee.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.pointee.avail_in = uInt(source.count)
            while true {
                let code: Int32 = chunk.withUnsafeMutableBufferPointer { target in
                    stream.pointee.next_out = target.baseAddress
                    stream.pointee.avail_out = uInt(target.count)
                    return isDeflating ? deflate(stream, finish) : inflate(stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.pointee.avail_out)
                guard output.count + produced <= limit else { return GzipError(message: "the gzip body inflates past \(limit) bytes") }
                output.append(contentsOf: chunk[0..<produced])
                switch code {
                case Z_STREAM_END:
                    guard stream.pointee.avail_in == 0 else { return GzipError(message: "bytes after the end of the gzip body") }
                    return nil
                case Z_OK: continue
                case Z_BUF_ERROR where produced > 0: continue
                case Z_BUF_ERROR: return GzipError(message: "the gzip body is truncated")
                default: return GzipError(message: "zlib \(isDeflating ? "deflate" : "inflate") failed (\(code))")
                }
            }
        }
        stream.pointee.next_in = nil
        stream.pointee.next_out = nil
        if let outcome { throw outcome }
        return output
    }
}
