import Foundation
import KAACore
import KAAHTTP
import KAAHTTPServer
import KAARegister

/// `kaa-bench`: the helpers `benchmarks/run.sh` needs for design §11's cases 3 and 4.
public enum BenchCommandLine {
    static let usage = """
        USAGE: kaa-bench <command> [options]

        Benchmark helpers for benchmarks/run.sh (design §11); not for production use.

        COMMANDS:
          national-prepare --dir DIR --hub-db FILE [--people N] [--kommuner N]
                          One register per kommun (all 290, or the first N by code) with N synthetic people
                          each (default: 20 to 400, by kommun), its first batch sealed, and the kommun
                          added as a site on the hub.
          national-upload --dir DIR --hub URL
                          Uploads every prepared batch at once, one thread per kommun, with the sync
                          client and libcurl; prints total seconds, p50 and p99 per batch, bytes, failures
                          and the CPU seconds this process used meanwhile.
          null-server --listen HOST:PORT
                          Serves 204 to every request with the hub's HTTP server: the transport baseline.
          static-server --listen HOST:PORT --file FILE
                          Serves FILE's bytes (as text/csv) to every request with the same server.
          -h, --help      Show this help.

        Dates: KAA_TODAY=YYYY-MM-DD or today in Europe/Stockholm.
        """

    /// Runs a command; returns the exit code (0, 64 for usage, 1 for a failure).
    public static func main(arguments: [String], environment: [String: String]) -> Int32 {
        guard let command = arguments.first, !["-h", "--help", "help"].contains(command) else {
            print(usage)
            return arguments.isEmpty ? 64 : 0
        }
        do {
            let options = try parse(Array(arguments.dropFirst()))
            if options["help"] != nil {
                print(usage)
                return 0
            }
            let clock = try clock(environment)
            switch command {
            case "national-prepare":
                let fixed = try options["people"].map { text -> Int in
                    guard let value = Int(text), value > 0, value <= 100_000 else { throw BenchError.usage("--people: a whole number 1–100000, not '\(text)'") }
                    return value
                }
                let count = try options["kommuner"].map { text -> Int in
                    guard let value = Int(text), (1...Kommuner.all.count).contains(value) else {
                        throw BenchError.usage("--kommuner: a whole number 1–\(Kommuner.all.count), not '\(text)'")
                    }
                    return value
                }
                try NationalNight.prepare(directory: try required(options, "dir"), hubDatabase: try required(options, "hub-db"), clock: clock,
                                          kommuner: count,
                                          people: { kommun in fixed ?? 20 + (Int(kommun) ?? 0) % 381 },
                                          progress: { FileHandle.standardError.write(Data("kaa-bench: \($0)\n".utf8)) })
            case "national-upload":
                let result = try NationalNight.upload(directory: try required(options, "dir"), hubURL: try required(options, "hub"), clock: clock)
                let times = result.perBatchSeconds
                print(String(format: "batches %d total %.3f p50 %.3f p99 %.3f bytes %d failures %d cpu %.3f",
                             times.count, result.totalSeconds, percentile(times, 0.50), percentile(times, 0.99), result.bytes, result.failures.count,
                             result.clientCPUSeconds))
                for failure in result.failures.prefix(10) { FileHandle.standardError.write(Data("kaa-bench: \(failure)\n".utf8)) }
                return result.failures.isEmpty ? 0 : 1
            case "null-server", "static-server":
                let (host, port) = try hostAndPort(try required(options, "listen"))
                var responder: any HTTPResponder = NullResponder()
                if command == "static-server" {
                    let path = try required(options, "file")
                    guard let data = FileManager.default.contents(atPath: path) else { throw BenchError.usage("--file: cannot read '\(path)'") }
                    responder = StaticResponder(body: Array(data), contentType: "text/csv; charset=utf-8")
                }
                let server = try HTTPServer(host: host, port: port, responder: responder)
                FileHandle.standardOutput.write(Data("listening on \(host):\(server.port)\n".utf8))
                while true { sleep(3600) }
            default:
                throw BenchError.usage("unknown command '\(command)'")
            }
            return 0
        } catch let error as BenchError {
            FileHandle.standardError.write(Data("kaa-bench: \(error)\n".utf8))
            if case .usage = error { FileHandle.standardError.write(Data("(kaa-bench --help shows the commands)\n".utf8)) }
            return { if case .usage = error { return 64 } else { return 1 } }()
        } catch {
            FileHandle.standardError.write(Data("kaa-bench: \(error)\n".utf8))
            return 1
        }
    }

    /// `--name value` pairs (and `--help`).
    static func parse(_ arguments: [String]) throws -> [String: String] {
        var options: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "-h" || argument == "--help" {
                options["help"] = ""
                index += 1
                continue
            }
            guard argument.hasPrefix("--"), argument.count > 2 else { throw BenchError.usage("unexpected argument '\(argument)'") }
            guard index + 1 < arguments.count else { throw BenchError.usage("\(argument) needs a value") }
            options[String(argument.dropFirst(2))] = arguments[index + 1]
            index += 2
        }
        return options
    }

    static func required(_ options: [String: String], _ name: String) throws -> String {
        guard let value = options[name], !value.isEmpty else { throw BenchError.usage("missing required option '--\(name)'") }
        return value
    }

    static func hostAndPort(_ text: String) throws -> (String, UInt16) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
            throw BenchError.usage("--listen: HOST:PORT, not '\(text)'")
        }
        return (String(text[..<colon]), port)
    }

    static func clock(_ environment: [String: String]) throws -> any RegisterClock {
        if let fixed = environment["KAA_TODAY"], !fixed.isEmpty {
            guard let date = CalendarDate(iso: fixed) else { throw BenchError.usage("KAA_TODAY must be YYYY-MM-DD, not '\(fixed)'") }
            return FixedDateClock(today: date)
        }
        guard let clock = SystemClock(timeZoneIdentifier: "Europe/Stockholm") else { throw BenchError.failed("no Europe/Stockholm time zone") }
        return clock
    }

    /// The `fraction` percentile of sorted values (nearest rank).
    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
