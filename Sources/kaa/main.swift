import Foundation
import KAACLI

let context = CommandContext(output: FileOutput.standardOutput, errorOutput: FileOutput.standardError,
                             environment: ProcessInfo.processInfo.environment)
exit(KAACommandLine.main(arguments: Array(CommandLine.arguments.dropFirst()), context: context))
