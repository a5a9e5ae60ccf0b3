/// The package's migration and seed files, embedded at build time by the `EmbedResources` plugin.
public enum EmbeddedFiles {
    /// The text of one embedded file by its path in the package (`migrations/register/0001_init.sql`).
    public static func text(_ path: String) -> String? {
        all[path]
    }

    /// The embedded files under a folder, sorted by path.
    public static func files(under folder: String) -> [(path: String, text: String)] {
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        return all.filter { $0.key.hasPrefix(prefix) }
            .sorted { $0.key < $1.key }
            .map { (path: $0.key, text: $0.value) }
    }
}
