import Foundation

/// Where a command writes text: stdout and stderr in the executable, buffers in tests.
public protocol TextOutput: AnyObject {
    func write(_ text: String)
}

/// A file descriptor as a text output.
public final class FileOutput: TextOutput {
    private let handle: FileHandle

    public init(_ handle: FileHandle) {
        self.handle = handle
    }

    public static var standardOutput: FileOutput { FileOutput(.standardOutput) }
    public static var standardError: FileOutput { FileOutput(.standardError) }

    public func write(_ text: String) {
        handle.write(Data(text.utf8))
    }
}

extension TextOutput {
    /// Writes `text` and a newline.
    func line(_ text: String = "") {
        write(text + "\n")
    }
}
