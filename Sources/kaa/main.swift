import Foundation
import KAACLIKit
import KAAKommunCLI

exit(KAACommandLine.main(arguments: Array(CommandLine.arguments.dropFirst()), context: KommunContext(console: .process())))
