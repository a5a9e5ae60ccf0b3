import Foundation
import KAACore
import KAARegister
import KAASQLite
@testable import KAAWeb
import KAATestFixtures
import Testing

/// The web server's register connections (issue 15, case 5): the write-ahead log is copied back
/// by a background checkpoint, not by whichever request's commit crosses SQLite's threshold.
@Suite struct RegisterPoolTests {
    let directory = TemporaryDirectory()

    func pool() throws -> RegisterPool {
        _ = try Register.create(at: directory.file("kaa.sqlite"), kommun: "0380", clock: FixedDateClock(today: TestDates.today), staff: "test")
        return try RegisterPool.open(path: directory.file("kaa.sqlite"), count: 2, clock: FixedDateClock(today: TestDates.today), staff: "web",
                                     configuration: RegisterConfiguration())
    }

    /// 200 audit rows of 2 kB each in one transaction: about a hundred pages of log.
    func writeABatch(_ pool: RegisterPool) throws {
        try pool.with { register throws(WebError) in
            do {
                try register.database.write {
                    for _ in 0..<200 {
                        try register.database.execute("INSERT INTO audit_log (at, staff, action, detail) VALUES ('2026-11-30T10:00:00Z', 'web', 'test', ?)",
                                                      [.text(String(repeating: "x", count: 2000))])
                    }
                }
            } catch {
                throw .badRequest("\(error)")
            }
        }
    }

    var walBytes: Int {
        ((try? FileManager.default.attributesOfItem(atPath: directory.file("kaa.sqlite") + "-wal"))?[.size] as? NSNumber)?.intValue ?? 0
    }

    @Test func theLogIsCheckpointedInTheBackgroundAndReusedFromItsStart() throws {
        let pool = try pool()
        let fallback = try pool.with { register throws(WebError) in
            do { return try register.database.queryOne("PRAGMA wal_autocheckpoint")?.int(0) } catch { throw .badRequest("\(error)") }
        }
        #expect(fallback == Int64(Checkpointer.fallbackPages))
        try writeABatch(pool)
        let afterOne = walBytes
        #expect(afterOne > 300_000)
        // Within a few of the checkpointer's half seconds the log is back in the database, so the
        // next batch starts the log again from its beginning instead of growing it.
        Thread.sleep(forTimeInterval: 2)
        try writeABatch(pool)
        #expect(walBytes <= afterOne + 50_000, "the log grew from \(afterOne) to \(walBytes) bytes: nothing checkpointed it")
    }

    @Test func afterAPurgeTheLogIsEmptiedNotJustCopiedBack() throws {
        let pool = try pool()
        try writeABatch(pool)
        Thread.sleep(forTimeInterval: 1.5)
        #expect(walBytes > 300_000, "a passive checkpoint leaves the log's bytes in place")
        // A gallring's audit row (as `kaa purge` or the web writes it): the deleted pages must leave the disk.
        try pool.with { register throws(WebError) in
            do {
                try register.database.execute("INSERT INTO audit_log (at, staff, action, detail) VALUES ('2026-11-30T10:00:00Z', 'sara', 'purge', 'people=1')")
            } catch {
                throw .badRequest("\(error)")
            }
        }
        var waited = 0.0
        while walBytes > 0 && waited < 5 {
            Thread.sleep(forTimeInterval: 0.25)
            waited += 0.25
        }
        #expect(walBytes == 0, "the log still holds \(walBytes) bytes after the purge")
    }
}
