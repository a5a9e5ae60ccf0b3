#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A secret kept in a file of one line (the hub token, the IdP client secret, a relay's token), read the one way:
/// a file others can read is refused before it is used (it has leaked to every local user), except
/// systemd's credentials (`LoadCredential=`), which are the service's own whatever their mode bits
/// show (newer systemd grants the service user through an ACL, which stat reports as group bits).
public enum SecretFile {
    /// The secret in `path`; `argument` names where the path came from in errors, `renew` what to do
    /// if others may have read it (said after the chmod advice).
    public static func read(_ path: String, argument: String, what: String, renew: String, console: Console) throws -> String {
        let credentials = console.variable("CREDENTIALS_DIRECTORY").map { $0.hasSuffix("/") ? $0 : $0 + "/" }
        let fromSystemd = path.hasPrefix("/run/credentials/") || credentials.map { path.hasPrefix($0) } == true
        var info = stat()
        if !fromSystemd, stat(path, &info) == 0, info.st_mode & 0o077 != 0 {
            throw CommandLineError.badValue(argument: argument, message: "\(path) kan läsas av andra än ägaren (rättigheter "
                + "\(String(info.st_mode & 0o777, radix: 8))); gör den privat med 'chmod 600 \(path)' och \(renew) om fler kan ha läst den")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandLineError.badValue(argument: argument, message: "kan inte läsa \(path)")
        }
        let secret = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.isEmpty, secret.utf8.count <= 1024, !secret.contains(where: \.isWhitespace) else {
            throw CommandLineError.badValue(argument: argument, message: "\(path) ska innehålla \(what) på en rad")
        }
        return secret
    }
}
