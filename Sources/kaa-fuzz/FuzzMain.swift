import Foundation
#if KAA_FUZZ
internal import CFuzzer
#endif

// Two builds of one program. scripts/fuzz.sh builds it with `-sanitize=fuzzer,address -D KAA_FUZZ`:
// main hands over to libFuzzer's driver, which calls the target named by KAA_FUZZ_TARGET with
// generated inputs. The normal build replays the committed corpus through the same targets, so
// the corpus stays a regression test and `swift build` builds it like any other program.
@main
enum FuzzMain {
    static func main() {
        #if KAA_FUZZ
        let name = ProcessInfo.processInfo.environment["KAA_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            fail("KAA_FUZZ_TARGET must be one of \(FuzzTarget.names)", code: 64)
        }
        FuzzMain.target = target
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            guard let data else { return 0 }
            FuzzMain.target?.run(UnsafeRawBufferPointer(start: data, count: size))
            return 0
        })
        #else
        replay(CommandLine.arguments.dropFirst())
        #endif
    }

    #if KAA_FUZZ
    /// The target libFuzzer's callback runs (a C function pointer cannot capture it).
    nonisolated(unsafe) static var target: FuzzTarget?
    #endif

    /// `kaa-fuzz TARGET FILE…`: runs each file through a fuzz target.
    static func replay(_ arguments: ArraySlice<String>) {
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            fail("usage: kaa-fuzz \(FuzzTarget.names) FILE...", code: 64)
        }
        var count = 0
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { fail("kaa-fuzz: cannot read \(path)", code: 1) }
            data.withUnsafeBytes { target.run($0) }
            count += 1
        }
        print("kaa-fuzz \(name): \(count) inputs, no crash")
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(code)
    }
}

extension FuzzTarget {
    /// The targets' names, for messages.
    static var names: String { allCases.map(\.rawValue).joined(separator: "|") }
}
