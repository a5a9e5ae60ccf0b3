#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// What the commands that run a server (`kaa web`, `kaa-hub serve`) share: their TLS files and
/// their stop signals.
public enum Serving {
    /// The PEM certificate and key from `--tls-cert` and `--tls-key` (given together or not at all),
    /// or nil for plain HTTP.
    public static func tlsFiles(certificate: String?, key: String?) throws(CommandLineError) -> (certificatePEM: String, keyPEM: String)? {
        if (certificate == nil) != (key == nil) { throw .usage("'--tls-cert' och '--tls-key' anges tillsammans") }
        guard let certificate, let key else { return nil }
        guard let certificatePEM = try? String(contentsOfFile: certificate, encoding: .utf8) else {
            throw .badValue(argument: "--tls-cert", message: "kan inte läsa \(certificate)")
        }
        guard let keyPEM = try? String(contentsOfFile: key, encoding: .utf8) else {
            throw .badValue(argument: "--tls-key", message: "kan inte läsa \(key)")
        }
        return (certificatePEM, keyPEM)
    }

    /// Blocks SIGINT and SIGTERM in this thread and in every thread it starts afterwards (a server's
    /// threads inherit the mask), so that `waitForStop` receives them. Call before starting the server.
    public static func blockStopSignals() -> sigset_t {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        return signals
    }

    /// Waits for one of the blocked stop signals; returns it.
    public static func waitForStop(_ signals: sigset_t) -> Int32 {
        var signals = signals
        var received: Int32 = 0
        sigwait(&signals, &received)
        return received
    }
}
