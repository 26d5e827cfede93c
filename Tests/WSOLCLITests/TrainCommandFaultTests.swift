import Foundation
import Testing
@testable import WSOLCLI

@Suite struct TrainCommandFaultTests {
    /// `--resume` deletes what killed atomic writes left (`.<name>.tmp-<pid>-<random>`) and
    /// nothing else.
    @Test func resumeRemovesTheTemporaryFilesOfInterruptedWrites() throws {
        let directory = NSTemporaryDirectory() + "wsol-interrupted-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let names = ["checkpoint-last.safetensors", ".checkpoint-last.safetensors.tmp-123-456",
                     ".manifest.json.tmp-7-8", "manifest.json", ".hidden"]
        for name in names { FileManager.default.createFile(atPath: directory + "/" + name, contents: Data([1])) }
        TrainCommand.removeInterruptedWrites(in: directory, logger: TrainingConsole.logger(quiet: true))
        let left = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(left == [".hidden", "checkpoint-last.safetensors", "manifest.json"])
    }
}
