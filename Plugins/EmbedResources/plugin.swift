import Foundation
import PackagePlugin

/// Embeds the package's `migrations/` and `seeds/` files, and the hub's OpenAPI document, into the
/// target as Swift string constants.
///
/// The SQL and CSV files stay the single source of truth; the built binary needs no files beside it.
@main
struct EmbedResources: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let root = context.package.directoryURL
        var inputs: [URL] = []
        for folder in ["migrations/register", "migrations/hub", "seeds"] {
            let url = root.appending(path: folder)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: url.path) else { continue }
            for name in names.sorted() where name.hasSuffix(".sql") || name.hasSuffix(".csv") {
                inputs.append(url.appending(path: name))
            }
        }
        // The API's description (served at /v1/openapi.json): the repository's file is the one truth.
        inputs.append(root.appending(path: "docs/openapi.json"))
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedFilesGenerated.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) migration, seed and API files",
                executable: try context.tool(named: "kaa-embed").url,
                arguments: [output.path, root.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]
            ),
        ]
    }
}
