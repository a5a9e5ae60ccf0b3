import Foundation
import KAASystem
import KAATestFixtures
import Testing

/// `PrivateFiles`: owner-only from the first byte, and a set of files whole or not at all.
@Suite(.serialized) struct PrivateFilesTests {
    let directory = TemporaryDirectory()

    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & 0o777 : nil
    }

    func entries() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted() }

    @Test func underUmask022TheFileIsStagedOwnerOnlyAndTheTargetAppearsOnlyWhole() throws {
        let previous = umask(0o022)
        defer { umask(previous) }
        let target = directory.file("brev.csv")
        var checked = false
        try PrivateFiles.write([PrivateFiles.File(path: target, bytes: Array("hemligt".utf8))]) { _ throws(SystemError) in
            // Just before the rename: the target is not there yet, and what will become it is 0600 in a 0700 folder.
            let staging = entries().filter { $0.hasPrefix(".kaa-write") }
            #expect(staging.count == 1)
            #expect(!FileManager.default.fileExists(atPath: target))
            if let staging = staging.first {
                #expect(Self.mode(directory.file(staging)) == 0o700)
                #expect(Self.mode(directory.file(staging + "/new-0")) == 0o600)
            }
            checked = true
        }
        #expect(checked)
        #expect(Self.mode(target) == 0o600)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "hemligt")
        #expect(entries() == ["brev.csv"])
    }

    @Test func aFailureBeforeTheLastRenamePutsBackWhatTheEarlierOnesReplaced() throws {
        try Data("gammal".utf8).write(to: URL(fileURLWithPath: directory.file("a.csv")))
        let files = ["a.csv", "b.csv", "c.csv"].map { PrivateFiles.File(path: directory.file($0), bytes: Array("ny".utf8)) }
        let injected = SystemError(call: "rename", path: directory.file("c.csv"), errno: ENOSPC)
        #expect(throws: injected) {
            try PrivateFiles.write(files) { index throws(SystemError) in if index == 2 { throw injected } }
        }
        #expect(try String(contentsOfFile: directory.file("a.csv"), encoding: .utf8) == "gammal")
        #expect(entries() == ["a.csv"])
    }

    @Test func aFullDiskIsSaidAsSuch() {
        let error = SystemError(call: "pwrite", path: "/var/kaa/brev.csv", errno: ENOSPC)
        #expect(error.isDiskFull)
        #expect(error.description == "pwrite /var/kaa/brev.csv: disken är full (\(String(cString: strerror(ENOSPC))))")
    }
}
