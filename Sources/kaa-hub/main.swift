import Foundation
import KAACLIKit
import KAAHubCLI

exit(KAAHubCommandLine.main(arguments: Array(CommandLine.arguments.dropFirst()), context: HubContext(console: .process())))
