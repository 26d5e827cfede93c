//! `wsol localize` end to end on a small seeded model (no assets needed).
import Foundation
import Testing
import TensorNN
import WSOLData
import WSOLLocalization
import WSOLModels
@testable import WSOLCLI

/// A temporary workspace: small PNG photos, a broken file, a small model's weights, and a split.
struct LocalizeWorkspace {
    let root: String
    var photos: String { root + "/photos" }
    var weights: String { root + "/small.safetensors" }
    var out: String { root + "/out" }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("localize-\(UUID())").path
        try FileManager.default.createDirectory(atPath: root + "/photos/sub", withIntermediateDirectories: true)
        // Three photos (one in a subfolder) with a bright square, of different sizes.
        for (name, width, height) in [("a.png", 40, 30), ("b.png", 32, 32), ("sub/c.png", 50, 20)] {
            var image = PixelImage(width: width, height: height, channels: 3)
            for y in (height / 4)..<(height / 2) { for x in (width / 4)..<(width / 2) { for c in 0..<3 { image.pixels[(y * width + x) * 3 + c] = 230 } } }
            try ImageCodec.writePNG(image, to: root + "/photos/" + name)
        }
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: root + "/photos/broken.jpg"))
        let model = SmallResNet(classCount: 4, seed: 5)
        try SafeTensors.write(model.stateDict(), to: weights)
    }

    func run(_ arguments: [String]) throws -> LocalizeSummary {
        let command = try #require(try WSOLCommand.parseAsRoot(["localize"] + arguments) as? LocalizeCommand)
        return try LocalizeRunner(command: command).run()
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: root) }
}

@Suite("wsol localize")
struct LocalizeCommandTests {
    @Test func folderRunWritesEveryOutputAndSkipsTheBadImage() throws {
        let space = try LocalizeWorkspace()
        defer { space.cleanUp() }
        let summary = try space.run([space.photos, "--out", space.out, "--model", "small", "--weights", space.weights,
                                     "--input-size", "32", "--method", "gradcam", "--quiet"])
        #expect(summary.localized == 3)
        #expect(summary.skipped.count == 1 && summary.skipped[0].contains("broken.jpg"))
        for stem in ["a", "b", "sub/c"] {
            let map = try NumpyFile.read(space.out + "/scoremaps/\(stem).npy")
            #expect(map.shape == [32, 32])
            #expect(map.doubleValues.allSatisfy { $0 >= 0 && $0 <= 1 })
            let mask = try ImageCodec.read(space.out + "/masks/\(stem).png", gray: true)
            #expect(mask.width == 32 && mask.pixels.allSatisfy { $0 == 0 || $0 == 255 })
            #expect(FileManager.default.fileExists(atPath: space.out + "/overlays/\(stem).png"))
        }
        let predictions = try String(contentsOfFile: space.out + "/predictions.csv", encoding: .utf8).split(separator: "\n")
        #expect(predictions.count == 4)
        #expect(predictions[0].hasPrefix("image_id,class_1,"))
        // 4 classes: the top-5 lists hold 4 classes and 4 probabilities summing to 1.
        let fields = predictions[1].split(separator: ",")
        #expect(fields.count == 9)
        let probabilities = fields[5...].compactMap { Double($0) }
        #expect(abs(probabilities.reduce(0, +) - 1) < 1e-4)
        let boxes = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: space.out + "/boxes.json"))) as? [[String: Any]]
        #expect(boxes?.count == 3)
        #expect(boxes?.first?["category_name"] as? String == "class_\(boxes?.first?["category_id"] as? Int ?? -1)")
    }

    @Test func badWeightsStopTheRunNamingTheFile() throws {
        let space = try LocalizeWorkspace()
        defer { space.cleanUp() }
        let bogus = space.root + "/bogus.safetensors"
        try Data("definitely not safetensors".utf8).write(to: URL(fileURLWithPath: bogus))
        let error = try #require(throws: LocalizeInputError.self) {
            try space.run([space.photos, "--out", space.out, "--model", "small", "--weights", bogus, "--quiet"])
        }
        #expect(error.description.contains(bogus))
        let mismatch = try #require(throws: LocalizeInputError.self) {
            try space.run([space.photos, "--out", space.out, "--model", "mobilenetv2", "--weights", space.weights, "--quiet"])
        }
        #expect(mismatch.description.contains(space.weights))
    }

    @Test func splitRunWithGroundTruthTargetsTopKAndOriginalSize() throws {
        let space = try LocalizeWorkspace()
        defer { space.cleanUp() }
        let metadata = WSOLMetadata(imageIDs: ["a.png", "b.png"], classLabels: ["a.png": 2, "b.png": 1],
                                    imageSizes: ["a.png": ImageSize(width: 40, height: 30), "b.png": ImageSize(width: 32, height: 32)],
                                    boxes: ["a.png": [MetadataBox(x0: 10, y0: 7, x1: 19, y1: 14)], "b.png": [MetadataBox(x0: 8, y0: 8, x1: 15, y1: 15)]])
        try metadata.write(to: space.root + "/split")
        let summary = try space.run(["--metadata", space.root + "/split", "--data-root", space.photos, "--out", space.out,
                                     "--model", "small", "--weights", space.weights, "--input-size", "32",
                                     "--target", "gt", "--original-size", "--method", "dgl", "--quiet"])
        #expect(summary.localized == 2 && summary.skipped.isEmpty)
        // --original-size: a.png's map is 30 rows x 40 columns.
        #expect(try NumpyFile.read(space.out + "/scoremaps/a.npy").shape == [30, 40])
        let boxes = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: space.out + "/boxes.json"))) as? [[String: Any]]
        #expect(boxes?.map { $0["category_id"] as? Int } == [2, 1])

        let topK = try space.run([space.photos + "/b.png", "--out", space.out + "2", "--model", "small", "--weights", space.weights,
                                  "--input-size", "32", "--target", "topk", "--top-k", "3", "--quiet"])
        #expect(topK.localized == 1)
        #expect(FileManager.default.fileExists(atPath: space.out + "2/scoremaps/b.top3.npy"))
    }

    @Test func wsolEvaluateScoresTheWrittenMaps() throws {
        let space = try LocalizeWorkspace()
        defer { space.cleanUp() }
        let metadata = WSOLMetadata(imageIDs: ["a.png", "sub/c.png"], classLabels: ["a.png": 0, "sub/c.png": 3],
                                    imageSizes: ["a.png": ImageSize(width: 40, height: 30), "sub/c.png": ImageSize(width: 50, height: 20)],
                                    boxes: ["a.png": [MetadataBox(x0: 10, y0: 7, x1: 19, y1: 14)],
                                            "sub/c.png": [MetadataBox(x0: 12, y0: 5, x1: 24, y1: 9)]])
        try metadata.write(to: space.root + "/split")
        _ = try space.run(["--metadata", space.root + "/split", "--data-root", space.photos, "--out", space.out,
                           "--model", "small", "--weights", space.weights, "--input-size", "32", "--target", "gt", "--quiet"])
        // The scoremaps/ and top5.csv contracts are what `wsol evaluate` reads.
        let evaluate = try #require(try WSOLCommand.parseAsRoot([
            "evaluate", "--metadata", space.root + "/split", "--scoremaps", space.out + "/scoremaps",
            "--predictions", space.out + "/top5.csv", "--input-size", "32",
        ]) as? EvaluateCommand)
        let summary = try evaluate.evaluate().rendered()
        #expect(summary.contains(#""numImages":2"#))
        #expect(summary.contains("Top1Loc"))
    }

    @Test func calibrationFileGivesTheOperatingThreshold() throws {
        let space = try LocalizeWorkspace()
        defer { space.cleanUp() }
        let summary = space.root + "/summary.json"
        try Data(#"{"numImages": 3, "operatingThreshold": 0.45, "operatingThresholdSource": "calibrated"}"#.utf8)
            .write(to: URL(fileURLWithPath: summary))
        #expect(try LocalizeInputs.calibratedThreshold(summary) == 0.45)
        try Data(#"{"numImages": 3}"#.utf8).write(to: URL(fileURLWithPath: summary))
        let error = try #require(throws: LocalizeInputError.self) { try LocalizeInputs.calibratedThreshold(summary) }
        #expect(error.description.contains(summary) && error.description.contains("operatingThreshold"))
    }

    @Test func optionsAreValidated() throws {
        #expect(throws: (any Error).self) { try WSOLCommand.parseAsRoot(["localize", "--out", "/tmp/x"]) }
        #expect(throws: (any Error).self) { try WSOLCommand.parseAsRoot(["localize", "x.png", "--out", "/tmp/x", "--target", "gt"]) }
        #expect(throws: (any Error).self) { try WSOLCommand.parseAsRoot(["localize", "x.png", "--out", "/tmp/x", "--method", "nope"]) }
        #expect(throws: (any Error).self) { try WSOLCommand.parseAsRoot(["localize", "x.png", "--out", "/tmp/x", "--threshold", "1.5"]) }
        #expect(throws: (any Error).self) { try WSOLCommand.parseAsRoot(["localize", "x.png", "--out", "/tmp/x", "--closing", "4"]) }
    }
}
