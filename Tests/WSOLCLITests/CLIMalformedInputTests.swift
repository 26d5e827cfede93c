import Foundation
import Testing

/// The CLI on malformed files: exit status 1 and one line on stderr naming the file and the
/// problem; never a crash, a signal or a stack trace (docs/reliability.md).
@Suite(.enabled(if: CLIProcess.available, "needs the built wsol executable"))
struct CLIMalformedInputTests {
    private let directory: String = {
        let path = NSTemporaryDirectory() + "wsol-cli-malformed-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    private func file(_ name: String, _ bytes: [UInt8]) -> String {
        let path = directory + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    private func expectOneLineError(_ arguments: [String], naming path: String, _ phrase: String,
                                    sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try CLIProcess.run(arguments)
        #expect(!result.killedBySignal && result.status == 1, "status \(result.status)", sourceLocation: sourceLocation)
        #expect(result.errorLines.count == 1, "stderr: \(result.standardError)", sourceLocation: sourceLocation)
        let line = String(result.errorLines.first ?? "")
        #expect(line.contains(path) && line.contains(phrase), "\(line)", sourceLocation: sourceLocation)
        for trace in ["Fatal error", "Stack dump", "Backtrace", "stack trace", "Segmentation"] {
            #expect(!result.standardError.contains(trace), sourceLocation: sourceLocation)
        }
    }

    @Test func importWeightsRefusesLiesAndGarbage() throws {
        let out = directory + "/w.safetensors"
        try expectOneLineError(["import-weights", file("garbage.pth", Array("not weights".utf8)), "--out", out],
                               naming: directory + "/garbage.pth", "not a PyTorch checkpoint")
        // A zip signature and nothing else: no end-of-central-directory record.
        try expectOneLineError(["import-weights", file("cut.pth", [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 40)), "--out", out],
                               naming: directory + "/cut.pth", "zip")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func trainRefusesABadConfig() throws {
        let config = file("run.json", Array(#"{"epochs": 1e30, "dataRoot": "d"}"#.utf8))
        try expectOneLineError(["train", "--config", config], naming: config, "epochs")
        let nested = file("deep.json", Array((String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000)).utf8))
        try expectOneLineError(["train", "--config", nested], naming: nested, "JSON")
    }

    @Test func evaluateRefusesBadMetadataAndMaps() throws {
        let split = directory + "/split"
        try FileManager.default.createDirectory(atPath: split + "/maps", withIntermediateDirectories: true)
        _ = file("split/image_ids.txt", Array("a.png\n".utf8))
        _ = file("split/class_labels.txt", Array("a.png,0\n".utf8))
        _ = file("split/image_sizes.txt", Array("a.png,8,8\n".utf8))
        _ = file("split/localization.txt", Array("a.png,0,0,nan,4\n".utf8))
        try expectOneLineError(["evaluate", "--metadata", split, "--scoremaps", split + "/maps"],
                               naming: split + "/localization.txt", "not a finite number")
        _ = file("split/localization.txt", Array("a.png,0,0,4,4\n".utf8))
        // A .npy whose header promises 8x8 float32 but holds 3 bytes of data.
        var header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (8, 8), }".utf8)
        while (10 + header.count + 1) % 64 != 0 { header.append(UInt8(ascii: " ")) }
        let npy = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count + 1), 0] + header + [0x0A, 1, 2, 3]
        let map = file("split/maps/a.npy", npy)
        try expectOneLineError(["evaluate", "--metadata", split, "--scoremaps", split + "/maps"], naming: map, "truncated")
    }

    @Test func importCOCORefusesBadJSON() throws {
        let annotations = file("instances.json", Array(#"{"images": [{"id": 1, "file_name": 3}], "annotations": [], "categories": []}"#.utf8))
        try expectOneLineError(["import", "coco", "--root", directory, "--dataset", "D", "--split", "test",
                                "--annotations", annotations, "--images", "img"],
                               naming: annotations, "file_name")
    }
}
