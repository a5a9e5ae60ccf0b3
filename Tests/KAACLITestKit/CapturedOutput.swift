import KAACLIKit

/// A text output that keeps what was written, for assertions.
public final class CapturedOutput: TextOutput {
    /// Everything written so far.
    public private(set) var text = ""

    /// An empty output.
    public init() {}

    /// Keeps `text`.
    public func write(_ text: String) {
        self.text += text
    }

    /// The lines written, without the trailing empty one.
    public var lines: [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
    }
}
