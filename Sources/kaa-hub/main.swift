import Foundation
import KAACLI

let context = CommandContext(output: FileOutput.standardOutput, errorOutput: FileOutput.standardError,
                             environment: ProcessInfo.processInfo.environment)
exit(KAAHubCommandLine.main(arguments: Array(CommandLine.arguments.dropFirst()), context: context))
