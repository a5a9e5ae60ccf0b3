import Foundation

/// A fresh directory under the system's temp folder, removed when released.
public final class TemporaryDirectory {
    /// The directory's path.
    public let path: String

    public init() {
        let base = NSTemporaryDirectory() + "kaa-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        path = base
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// A path inside the directory.
    public func file(_ name: String) -> String {
        path + "/" + name
    }
}
