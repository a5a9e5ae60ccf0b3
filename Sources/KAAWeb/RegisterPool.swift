import Foundation
import KAARegister
import KAASQLite

/// The register connections the web server's threads share: each request takes one, uses it
/// alone, and gives it back, so a `Register` (a class with one SQLite connection) is never used by
/// two threads at once. SQLite serialises the writes between them (and the CLI's) with its busy
/// timeout.
///
/// `@unchecked Sendable`: the registers are only reached under `condition`'s lock, and a taken one
/// by the one thread that took it until it is returned.
public final class RegisterPool: @unchecked Sendable {
    private let condition = NSCondition()
    private var idle: [Register]

    /// A pool of already-open registers (one per server thread is enough).
    public init(_ registers: [Register]) {
        precondition(!registers.isEmpty, "a register pool needs at least one register")
        idle = registers
    }

    /// Opens `count` connections to the register at `path`.
    public static func open(path: String, count: Int, clock: any RegisterClock, staff: String,
                            configuration: RegisterConfiguration) throws(RegisterError) -> RegisterPool {
        var registers: [Register] = []
        let gate = WriteGate()
        for index in 0..<max(1, count) {
            // Opening closes the episodes past their 20th birthday: the first connection writes that,
            // the others need not look again (their reads count those episodes as closed either way).
            let register = try Register.open(at: path, clock: clock, staff: staff, configuration: configuration, writesAutomaticCloses: index == 0)
            register.servesWeb = true
            register.database.writeGate = gate
            // A long-lived server reads the same pages all day: map the file (no copy per page read,
            // which was a quarter of Idag's time at 50 000 episodes) and keep a larger page cache.
            do {
                try register.database.execute(script: "PRAGMA mmap_size = 268435456; PRAGMA cache_size = -32768")
            } catch {
                throw .database(error)
            }
            registers.append(register)
        }
        return RegisterPool(registers)
    }

    /// Runs `body` with a register of its own, waiting for one if all are in use.
    public func with<T>(_ body: (Register) throws(WebError) -> T) throws(WebError) -> T {
        condition.lock()
        while idle.isEmpty { condition.wait() }
        let register = idle.removeLast()
        condition.unlock()
        defer {
            condition.lock()
            idle.append(register)
            condition.signal()
            condition.unlock()
        }
        return try body(register)
    }
}
