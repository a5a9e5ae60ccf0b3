#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import KAACore

/// Fixed-size records spread over hash buckets in one anonymous temporary file, so that a join of
/// two large files runs one bucket at a time in memory bounded by a bucket, not by the files
/// (a grace hash join). The file is unlinked as soon as it is open: it has no name while it holds
/// personnummer, and disappears with the process whatever happens.
final class BucketSpill<Record: BitwiseCopyable> {
    let bucketCount: Int
    private let fd: Int32
    private let chunkRecords: Int
    private var buffers: [[Record]]
    private var chunks: [[(offset: Int, count: Int)]]
    private var end = 0

    init(buckets: Int, chunkRecords: Int = 512) throws {
        bucketCount = buckets
        self.chunkRecords = chunkRecords
        var template = Array((NSTemporaryDirectory() + "/kaa-spill.XXXXXX").utf8CString)
        fd = mkstemp(&template)
        guard fd >= 0 else { throw ImportProblem(file: NSTemporaryDirectory(), line: 0, message: "kan inte skapa en temporär fil: \(String(cString: strerror(errno)))") }
        unlink(template)
        buffers = Array(repeating: [], count: buckets)
        chunks = Array(repeating: [], count: buckets)
    }

    deinit { close(fd) }

    /// The bucket of a key.
    func bucket(of key: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> 40) % bucketCount
    }

    func append(_ record: Record, key: Int64) throws {
        let bucket = bucket(of: key)
        buffers[bucket].append(record)
        if buffers[bucket].count >= chunkRecords { try flush(bucket) }
    }

    /// Every record of `bucket`, in the order appended.
    func records(in bucket: Int) throws -> [Record] {
        var result: [Record] = []
        result.reserveCapacity(chunks[bucket].reduce(0) { $0 + $1.count } + buffers[bucket].count)
        for chunk in chunks[bucket] {
            let records = try [Record](unsafeUninitializedCapacity: chunk.count) { buffer, initialised in
                let bytes = chunk.count * MemoryLayout<Record>.stride
                let read = pread(fd, buffer.baseAddress, bytes, off_t(chunk.offset))
                guard read == bytes else { throw ImportProblem(file: NSTemporaryDirectory(), line: 0, message: "läsfel i en temporär fil") }
                initialised = chunk.count
            }
            result.append(contentsOf: records)
        }
        result.append(contentsOf: buffers[bucket])
        return result
    }

    private func flush(_ bucket: Int) throws {
        let bytes = buffers[bucket].count * MemoryLayout<Record>.stride
        let written = buffers[bucket].withUnsafeBytes { pwrite(fd, $0.baseAddress, bytes, off_t(end)) }
        guard written == bytes else { throw ImportProblem(file: NSTemporaryDirectory(), line: 0, message: "skrivfel i en temporär fil: \(String(cString: strerror(errno)))") }
        chunks[bucket].append((end, buffers[bucket].count))
        end += bytes
        buffers[bucket].removeAll(keepingCapacity: true)
    }
}
