#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The standard `process_*` metrics of a Prometheus client, read from Linux's `/proc` at each
/// scrape: CPU time, resident and virtual memory, open and allowed file descriptors, start time.
/// Where `/proc` cannot be read a metric is left out rather than shown wrong.
enum ProcessMetrics {
    /// The metrics as Prometheus text.
    static func text() -> String {
        var out = ""
        func gauge(_ name: String, _ help: String, _ value: Double?, type: String = "gauge") {
            guard let value else { return }
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(format(value))\n"
        }
        #if os(Linux)
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let page = Double(sysconf(Int32(_SC_PAGESIZE)))
        let stat = statFields()
        func field(_ number: Int) -> Double? {
            // Fields are numbered from 1 as in proc(5); `statFields` starts at field 3 (state).
            guard let stat, number - 3 < stat.count, number >= 3 else { return nil }
            return Double(stat[number - 3])
        }
        let cpu = field(14).flatMap { user in field(15).map { (user + $0) / ticks } }
        gauge("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", cpu, type: "counter")
        gauge("process_resident_memory_bytes", "Resident memory size in bytes.", field(24).map { $0 * page })
        gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", field(23))
        let bootTime = (try? String(contentsOfFile: "/proc/stat", encoding: .utf8))?.split(separator: "\n")
            .first { $0.hasPrefix("btime ") }.flatMap { Double($0.dropFirst("btime ".count)) }
        let start = field(22).flatMap { since in bootTime.map { $0 + since / ticks } }
        gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", start)
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")).map { Double($0.count) }
        gauge("process_open_fds", "Number of open file descriptors.", open)
        var limit = rlimit()
        gauge("process_max_fds", "Maximum number of open file descriptors.", getrlimit(fileLimitResource, &limit) == 0 ? Double(limit.rlim_cur) : nil)
        #endif
        return out
    }

    #if os(Linux)
    /// Glibc imports `RLIMIT_NOFILE` as an enum case of `__rlimit_resource`.
    private static let fileLimitResource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)

    /// `/proc/self/stat` after the command name (which may hold spaces and parentheses): fields 3 on.
    private static func statFields() -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8), let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
    }
    #endif

    /// A whole number without a fraction, else with up to six decimals.
    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? "\(Int64(value))" : String(format: "%.6f", value)
    }
}
