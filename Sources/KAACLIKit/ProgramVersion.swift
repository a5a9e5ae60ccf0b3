internal import CVersion

/// The version both programs print for `--version`: set at build time (`-Xcc -DKAA_VERSION='"X"'`,
/// which scripts/package.sh takes from `git describe`), `0.0.0-dev` otherwise.
public enum ProgramVersion {
    /// The version compiled into this binary.
    public static let current: String = String(cString: kaa_version())
}
