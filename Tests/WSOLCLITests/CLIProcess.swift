//! Runs the built `wsol` executable as a child process (for exit codes, stderr and signals).
import Foundation

/// The result of one `wsol` run.
struct CLIResult {
    var status: Int32
    /// True when the process ended by a signal (then `status` is the signal number).
    var killedBySignal: Bool
    var standardError: String
    var standardOutput: String
    /// Non-empty stderr lines.
    var errorLines: [Substring] { standardError.split(separator: "\n") }
}

enum CLIProcess {
    /// `.build/<config>/wsol`, next to the test bundle; nil when it was not built.
    static let executable: String? = {
        let directory = Bundle.module.bundleURL.deletingLastPathComponent()
        let path = directory.appendingPathComponent("wsol").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }()

    static var available: Bool { executable != nil }

    /// Starts `wsol arguments` (through `/bin/sh -c` when `shellPrefix` is given, e.g. a ulimit).
    static func start(_ arguments: [String], shellPrefix: String? = nil) throws -> (Process, String, String) {
        let process = Process()
        let executable = try requireExecutable()
        if let shellPrefix {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            let quoted = ([executable] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            process.arguments = ["-c", shellPrefix + "; exec " + quoted.joined(separator: " ")]
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        // Files, not pipes: reading a pipe with FileHandle traps on EINTR (SIGCHLD) in Foundation.
        let base = NSTemporaryDirectory() + "wsol-cli-\(UUID().uuidString.prefix(8))"
        let (output, errors) = (base + ".out", base + ".err")
        FileManager.default.createFile(atPath: output, contents: nil)
        FileManager.default.createFile(atPath: errors, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: output)
        process.standardError = FileHandle(forWritingAtPath: errors)
        try process.run()
        return (process, output, errors)
    }

    /// Runs to the end and collects the outputs.
    static func run(_ arguments: [String], shellPrefix: String? = nil) throws -> CLIResult {
        let (process, output, errors) = try start(arguments, shellPrefix: shellPrefix)
        return finish(process, output, errors)
    }

    static func finish(_ process: Process, _ output: String, _ errors: String) -> CLIResult {
        process.waitUntilExit()
        let outputData = FileManager.default.contents(atPath: output) ?? Data()
        let errorData = FileManager.default.contents(atPath: errors) ?? Data()
        try? FileManager.default.removeItem(atPath: output)
        try? FileManager.default.removeItem(atPath: errors)
        return CLIResult(status: process.terminationStatus, killedBySignal: process.terminationReason == .uncaughtSignal,
                         standardError: String(decoding: errorData, as: UTF8.self),
                         standardOutput: String(decoding: outputData, as: UTF8.self))
    }

    private static func requireExecutable() throws -> String {
        guard let executable else { throw CocoaError(.fileNoSuchFile) }
        return executable
    }
}
