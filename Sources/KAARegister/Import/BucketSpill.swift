import Foundation
import KAASystem

/// Fixed-size records spread over hash buckets in one anonymous temporary file, so that a join of
/// two large files runs one bucket at a time in memory bounded by a bucket, not by the files
/// (a grace hash join). The file is unlinked as soon as it is open: it has no name while it holds
/// personnummer, and disappears with the process whatever happens.
///
/// Every failure (no temporary folder, a full disk, a read error) is a `SystemError`: the
/// system's fault, not the input's.
final class BucketSpill<Record: BitwiseCopyable> {
    let bucketCount: Int
    private let file: FileDescriptor
    private let chunkRecords: Int
    private var buffers: [[Record]]
    private var chunks: [[(offset: Int, count: Int)]]
    private var end = 0

    init(buckets: Int, chunkRecords: Int = 512, directory: String = NSTemporaryDirectory()) throws(SystemError) {
        bucketCount = buckets
        self.chunkRecords = chunkRecords
        file = try FileDescriptor.makeAnonymousTemporaryFile(in: directory)
        buffers = Array(repeating: [], count: buckets)
        chunks = Array(repeating: [], count: buckets)
    }

    /// The bucket of a key.
    func bucket(of key: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> 40) % bucketCount
    }

    /// Adds `record` to the bucket of `key`. Throws only `SystemError`.
    func append(_ record: Record, key: Int64) throws {
        let bucket = bucket(of: key)
        buffers[bucket].append(record)
        if buffers[bucket].count >= chunkRecords { try flush(bucket) }
    }

    /// Every record of `bucket`, in the order appended. Throws only `SystemError`.
    func records(in bucket: Int) throws -> [Record] {
        var result: [Record] = []
        result.reserveCapacity(chunks[bucket].reduce(0) { $0 + $1.count } + buffers[bucket].count)
        for chunk in chunks[bucket] {
            let records = try [Record](unsafeUninitializedCapacity: chunk.count) { buffer, initialised in
                try file.read(into: UnsafeMutableRawBufferPointer(buffer), at: chunk.offset)
                initialised = chunk.count
            }
            result.append(contentsOf: records)
        }
        result.append(contentsOf: buffers[bucket])
        return result
    }

    private func flush(_ bucket: Int) throws {
        let bytes = buffers[bucket].count * MemoryLayout<Record>.stride
        try buffers[bucket].withUnsafeBytes { try file.write($0, at: end) }
        chunks[bucket].append((end, buffers[bucket].count))
        end += bytes
        buffers[bucket].removeAll(keepingCapacity: true)
    }
}
