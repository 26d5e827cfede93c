import Foundation
import Testing
@testable import TensorNN

private func fixture(_ name: String) throws -> String {
    try #require(Bundle.module.path(forResource: name, ofType: nil, inDirectory: "Fixtures"), "missing fixture \(name)")
}

/// The fixtures come from scripts/fixtures/nn_torch_checkpoints.py (real torch.save output).
@Suite struct TorchCheckpointTests {
    /// Values as the generator builds them with arange, written out by hand.
    private func expectTinyState(_ file: SafeTensorsFile, prefix: String = "") {
        #expect(file.names == ["conv.weight", "fc.weight", "fc.bias", "bn.running_var", "bn.num_batches_tracked", "half"].map { prefix + $0 })
        #expect(file.arrays[prefix + "conv.weight"] == NamedArray(shape: [2, 1, 2, 3], values: (0..<12).map(Float.init)))
        // arange(6).reshape(2,3).t() = [[0,3],[1,4],[2,5]] (a strided view, made contiguous).
        #expect(file.arrays[prefix + "fc.weight"] == NamedArray(shape: [3, 2], values: [0, 3, 1, 4, 2, 5]))
        // arange(6)[2:5]: a view at storage offset 2.
        #expect(file.arrays[prefix + "fc.bias"] == NamedArray(shape: [3], values: [2, 3, 4]))
        #expect(file.arrays[prefix + "bn.running_var"] == NamedArray(shape: [2], values: [0.5, 0.25], storedDType: .float64))
        #expect(file.arrays[prefix + "bn.num_batches_tracked"] == NamedArray(shape: [], values: [7], storedDType: .int64))
        #expect(file.arrays[prefix + "half"] == NamedArray(shape: [3], values: [1, -2, 0.5], storedDType: .float16))
    }

    @Test func readsTheZipFormat() throws {
        expectTinyState(try TorchCheckpoint.read(try fixture("tiny_zip.pth")))
    }

    @Test func readsTheLegacyFormat() throws {
        expectTinyState(try TorchCheckpoint.read(try fixture("tiny_legacy.pth")))
    }

    @Test func flattensNestedCheckpointsAndDropsCounters() throws {
        // {"epoch": 3, "state_dict": {...}}: the int is not a weight, the dict is prefixed.
        expectTinyState(try TorchCheckpoint.read(try fixture("tiny_nested.pth")), prefix: "state_dict.")
    }

    @Test(arguments: ["evil_legacy.pth", "evil_zip.pth"])
    func refusesPicklesThatCallOtherGlobals(_ name: String) throws {
        let path = try fixture(name)
        do {
            _ = try TorchCheckpoint.read(path)
            Issue.record("\(name) was accepted")
        } catch let error as WeightsFileError {
            #expect(error.path == path)
            #expect(error.reason.contains("system"), "names the refused global: \(error.reason)")
            #expect(error.reason.contains("refused"))
        }
    }

    @Test func truncatedFilesGiveErrorsNotCrashes() throws {
        for name in ["tiny_zip.pth", "tiny_legacy.pth"] {
            let bytes = [UInt8](try #require(FileManager.default.contents(atPath: try fixture(name))))
            // Every cut point must give a WeightsFileError (or, for a cut that keeps all data, a result).
            for length in stride(from: 0, to: bytes.count, by: 7) {
                let path = FileManager.default.temporaryDirectory.appendingPathComponent("cut-\(UUID()).pth").path
                defer { try? FileManager.default.removeItem(atPath: path) }
                try AtomicFile.write(bytes.prefix(length), to: path)
                #expect(throws: WeightsFileError.self, "\(name) cut at \(length)") { try TorchCheckpoint.read(path) }
            }
        }
    }

    @Test func garbageIsNotACheckpoint() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("garbage-\(UUID()).pth").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try AtomicFile.write(text: "hello, not weights", to: path)
        let error = try #require(throws: WeightsFileError.self) { try TorchCheckpoint.read(path) }
        #expect(error.reason.contains("not a PyTorch checkpoint"))
    }
}
