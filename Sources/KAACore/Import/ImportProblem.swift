/// A bad row or file in an import, with where it is.
public struct ImportProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    /// 1-based line; 0 for the file as a whole.
    public let line: Int
    public let message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)"
    }
}
