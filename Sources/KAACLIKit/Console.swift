import Foundation

/// Where a command writes text: stdout and stderr in the executable, buffers in tests.
public protocol TextOutput: AnyObject {
    /// Writes `text` as it is.
    func write(_ text: String)
}

/// A file handle as a text output.
public final class FileOutput: TextOutput {
    private let handle: FileHandle

    /// An output writing to `handle`.
    public init(_ handle: FileHandle) {
        self.handle = handle
    }

    /// The process's standard output.
    public static var standardOutput: FileOutput { FileOutput(.standardOutput) }
    /// The process's standard error.
    public static var standardError: FileOutput { FileOutput(.standardError) }

    /// Writes `text`.
    public func write(_ text: String) {
        handle.write(Data(text.utf8))
    }
}

extension TextOutput {
    /// Writes `text` and a newline.
    public func line(_ text: String = "") {
        write(text + "\n")
    }
}

/// What a program's commands get from the process: where to write, the environment, who runs it.
public final class Console {
    /// Data (stdout).
    public let output: any TextOutput
    /// Progress, logs and errors (stderr).
    public let errorOutput: any TextOutput
    /// The process environment.
    public let environment: [String: String]
    /// Who runs the command (the OS user unless a test says otherwise); audit rows name them.
    public let user: String

    /// A console; `user` defaults to the OS user.
    public init(output: any TextOutput, errorOutput: any TextOutput, environment: [String: String], user: String? = nil) {
        self.output = output
        self.errorOutput = errorOutput
        self.environment = environment
        self.user = user ?? Self.operatingSystemUser()
    }

    /// The process's own stdout, stderr and environment.
    public static func process() -> Console {
        Console(output: FileOutput.standardOutput, errorOutput: FileOutput.standardError, environment: ProcessInfo.processInfo.environment)
    }

    /// An environment variable, nil when unset or empty.
    public func variable(_ name: String) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Writes a `Codable` value as JSON with sorted keys (stable for scripts and diffs).
    public func json(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        output.line(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Writes a JSON object tree (arrays, dictionaries, strings, numbers, `NSNull`) with sorted keys.
    public func json(object: Any) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        output.line(String(decoding: data, as: UTF8.self))
    }

    static func operatingSystemUser() -> String {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return "uid-\(geteuid())" }
        return String(cString: name)
    }
}

/// What the command-line tool needs of a program's context.
public protocol ProgramContext: AnyObject, ArgumentEnvironment, SendableMetatype {
    /// Where to write, the environment, the user.
    var console: Console { get }
}

extension ProgramContext {
    /// Data (stdout).
    public var output: any TextOutput { console.output }
    /// Progress, logs and errors (stderr).
    public var errorOutput: any TextOutput { console.errorOutput }
}
