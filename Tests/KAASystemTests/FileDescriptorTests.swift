import Foundation
import KAASystem
import KAATestFixtures
import Testing

@Suite struct FileDescriptorTests {
    let directory = TemporaryDirectory()

    @Test func aMissingFileNamesTheCallThePathAndTheReason() {
        let path = directory.file("missing.csv")
        #expect {
            try FileDescriptor.openForReading(path)
        } throws: { error in
            guard let error = error as? SystemError else { return false }
            return error.call == "open" && error.path == path && error.errno == ENOENT
                && error.description == "open \(path): \(String(cString: strerror(ENOENT)))"
        }
    }

    @Test func createNewRefusesAnExistingFileAndADanglingLink() throws {
        let existing = directory.file("existing")
        try Data("x".utf8).write(to: URL(fileURLWithPath: existing))
        #expect(throws: SystemError(call: "open", path: existing, errno: EEXIST)) { try FileDescriptor.createNew(existing) }
        let link = directory.file("link")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: directory.file("target"))
        #expect(throws: SystemError(call: "open", path: link, errno: EEXIST)) { try FileDescriptor.createNew(link) }
        #expect(!FileManager.default.fileExists(atPath: directory.file("target")))
    }

    @Test func writesAndReadsAtOffsetsAndAShortReadIsAnError() throws {
        let file = try FileDescriptor.makeAnonymousTemporaryFile(in: directory.path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "the file has no name")
        let bytes: [UInt8] = Array(0..<200)
        try bytes.withUnsafeBytes { try file.write($0, at: 10) }
        var back = [UInt8](repeating: 0, count: 200)
        try back.withUnsafeMutableBytes { try file.read(into: $0, at: 10) }
        #expect(back == bytes)
        var tooMany = [UInt8](repeating: 0, count: 10)
        #expect(throws: SystemError.self) { try tooMany.withUnsafeMutableBytes { try file.read(into: $0, at: 205) } }
        try file.seek(to: 0)
        var start = [UInt8](repeating: 1, count: 10)
        #expect(try start.withUnsafeMutableBytes { try file.read(into: $0) } == 10)
        #expect(start == [UInt8](repeating: 0, count: 10), "the hole before offset 10 reads as zeros")
    }

    @Test func aTemporaryFileInAMissingFolderIsASystemError() {
        #expect(throws: SystemError.self) { try FileDescriptor.makeAnonymousTemporaryFile(in: directory.file("no/such")) }
    }
}
