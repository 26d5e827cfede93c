import Foundation
import Testing
import WSOLData
@testable import WSOLCLI
import WSOLEvaluation

/// End-to-end `wsol evaluate` on a tiny split written to a temporary directory.
///
/// Frame 8x8 (`--input-size 8`), images 16x16, so boxes halve: `int(x * 8 / 16)`.
/// - a (`cls0/a.jpg`): box (4,4,9,9) -> (2,2,4,4). Map: 0.5 everywhere, 1.0 on the 2x2 block
///   x 2-3, y 2-3. Levels: 0.5 * 255 = 127.5 -> 127, 1.0 -> 255.
/// - b (`cls1/b.jpg`): box (0,0,15,15) -> (0,0,7,7). Map: 0.5 everywhere, 1.0 on x 0-1, y 0-1.
/// Interval 0.1: thresholds k/10, levels int(k/10 * 255) = 0, 25, 51, 76, 102, 127, 153, ...
/// - k <= 4 (level < 127): the whole map is foreground -> box (0,0,7,7) (x + w = 8 clipped to 7).
///   a: IoU 9/64 with (2,2,4,4) -> wrong; b: IoU 1 -> right.
/// - k >= 5 (level >= 127): only the 1.0 block. a: box (2,2,3+1,3+1) = (2,2,4,4) -> IoU 1, right;
///   b: (0,0,2,2), 9 pixels inside 64 -> IoU 9/64 = 0.140625, wrong.
@Suite struct EvaluateCommandTests {
    struct Fixture {
        let root: URL
        var path: String { root.path }

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("wsol-eval-\(UUID().uuidString)")
            try writeSplit("test", ids: ["cls0/a.jpg", "cls1/b.jpg"], labels: [0, 1],
                           boxes: ["4,4,9,9", "0,0,15,15"])
            try writeSplit("val", ids: ["cls0/a.jpg"], labels: [0], boxes: ["4,4,9,9"])
            try writeSplit("test_b", ids: ["cls1/b.jpg"], labels: [1], boxes: ["0,0,15,15"])
            try writeMap("maps/cls0/a.npy", blockX: 2, blockY: 2)
            // The reference's name form (<image_id>.npy with the extension kept) is read too.
            try writeMap("maps/cls1/b.jpg.npy", blockX: 0, blockY: 0)
        }

        func writeSplit(_ name: String, ids: [String], labels: [Int], boxes: [String]) throws {
            let directory = root.appendingPathComponent("metadata/\(name)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            func write(_ file: String, _ lines: [String]) throws {
                try lines.joined(separator: "\n").write(to: directory.appendingPathComponent(file), atomically: true,
                                                        encoding: .utf8)
            }
            try write("image_ids.txt", ids)
            try write("class_labels.txt", zip(ids, labels).map { "\($0),\($1)" })
            try write("image_sizes.txt", ids.map { "\($0),16,16" })
            try write("localization.txt", zip(ids, boxes).map { "\($0),\($1)" })
        }

        func writeMap(_ relative: String, blockX: Int, blockY: Int, override: ((inout [Float]) -> Void)? = nil) throws {
            var values = [Float](repeating: 0.5, count: 64)
            for y in blockY...blockY + 1 { for x in blockX...blockX + 1 { values[y * 8 + x] = 1 } }
            override?(&values)
            try NumpyFile.writeFloat32(values, shape: [8, 8], to: root.appendingPathComponent(relative).path)
        }
    }

    func run(_ arguments: [String]) throws -> JSONValue {
        let parsed = try WSOLCommand.parseAsRoot(["evaluate"] + arguments)
        let command = try #require(parsed as? EvaluateCommand)
        return try command.evaluate()
    }

    func number(_ json: JSONValue, _ path: String...) -> Double? {
        var current = json
        for key in path {
            guard case .object(let members) = current, let next = members.first(where: { $0.0 == key })?.1 else { return nil }
            current = next
        }
        switch current {
        case .number(let value): return value
        case .integer(let value): return Double(value)
        default: return nil
        }
    }

    @Test func handWorkedSplitGivesExpectedAccuracies() throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.root) }
        let json = try run(["--metadata", fixture.path + "/metadata/test", "--scoremaps", fixture.path + "/maps",
                            "--cam-curve-interval", "0.1", "--input-size", "8"])
        // Every threshold has exactly one of the two images right: BoxAcc 50 everywhere.
        #expect(number(json, "numImages") == 2)
        for key in ["30", "50", "70"] { #expect(number(json, "MaxBoxAcc", key) == 50) }
        #expect(number(json, "MaxBoxAccV2") == 50)
        #expect(number(json, "bestThresholds", "50") == 0)  // first maximum
    }

    @Test func calibrationOnAnotherSplitIsAppliedAndExported() throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.root) }
        let out = fixture.path + "/out"
        let predictions = fixture.root.appendingPathComponent("predictions.csv")
        try "cls1/b.jpg,1,0\n".write(to: predictions, atomically: true, encoding: .utf8)
        // Calibrating on {a}: a is first right at k = 5 -> threshold 0.5 for every IoU level.
        // Applied to {b}: b is wrong at 0.5 -> calibrated BoxAcc 0, while b's own oracle is 100.
        let json = try run(["--metadata", fixture.path + "/metadata/test_b", "--scoremaps", fixture.path + "/maps",
                            "--cam-curve-interval", "0.1", "--input-size", "8",
                            "--calibrate-on", fixture.path + "/metadata/val", "--out", out,
                            "--predictions", predictions.path])
        #expect(number(json, "MaxBoxAccV2") == 100)
        #expect(number(json, "calibration", "thresholds", "50") == 0.5)
        #expect(number(json, "calibration", "BoxAcc", "50") == 0)
        #expect(number(json, "calibration", "BoxAccV2") == 0)
        #expect(number(json, "operatingThreshold") == 0.5)
        // Top-1 class of b is its label 1: Top1Cls 100, Top1Loc = best over thresholds = 100.
        #expect(number(json, "Top1Cls") == 100)
        #expect(number(json, "Top1Loc") == 100)
        // At 0.5 b's only box is (0,0,2,2): IoU 9/64 = 0.140625 with (0,0,7,7).
        let perImage = try String(contentsOfFile: out + "/per_image.csv", encoding: .utf8)
        #expect(perImage == "image_id,class,threshold,best_iou,correct_30,correct_50,correct_70\ncls1/b.jpg,1,0.5,0.140625,0,0,0\n")
        let boxes = try String(contentsOfFile: out + "/boxes.csv", encoding: .utf8)
        #expect(boxes == "image_id,x0,y0,x1,y1\ncls1/b.jpg,0,0,2,2\n")
        let curve = try String(contentsOfFile: out + "/box_accuracy.csv", encoding: .utf8)
        #expect(curve.split(separator: "\n").count == 11)  // header + 10 thresholds
    }

    @Test func invalidMapsAreErrorsNamingTheFile() throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.root) }
        let arguments = ["--metadata", fixture.path + "/metadata/test", "--scoremaps", fixture.path + "/maps",
                         "--cam-curve-interval", "0.1", "--input-size", "8"]
        try fixture.writeMap("maps/cls0/a.npy", blockX: 2, blockY: 2) { $0[5] = 1.5 }
        #expect { try run(arguments) } throws: { "\($0)".contains("cls0/a.npy") && "\($0)".contains("outside [0, 1]") }
        // --clamp accepts it (1.5 -> 1.0, which only adds a foreground pixel at (5, 0)).
        #expect(throws: Never.self) { try run(arguments + ["--clamp"]) }
        try fixture.writeMap("maps/cls0/a.npy", blockX: 2, blockY: 2) { $0[9] = .nan }
        #expect { try run(arguments + ["--clamp"]) } throws: { "\($0)".contains("cls0/a.npy") && "\($0)".contains("nan") }
        try NumpyFile.writeFloat32([Float](repeating: 0, count: 16), shape: [4, 4], to: fixture.path + "/maps/cls0/a.npy")
        #expect { try run(arguments) } throws: { "\($0)".contains("cls0/a.npy") && "\($0)".contains("expected (8, 8)") }
        try FileManager.default.removeItem(atPath: fixture.path + "/maps/cls0/a.npy")
        #expect { try run(arguments) } throws: { "\($0)".contains("cls0/a.npy") && "\($0)".contains("not found") }
    }

    @Test func optionsAreParsedAndValidated() throws {
        let parsed = try WSOLCommand.parseAsRoot(["evaluate", "--metadata", "m", "--scoremaps", "s", "--box-v1"])
        let command = try #require(parsed as? EvaluateCommand)
        #expect(try command.parsedIoUThresholds() == [0.5])
        #expect(throws: (any Error).self) {
            try WSOLCommand.parseAsRoot(["evaluate", "--metadata", "m", "--scoremaps", "s", "--iou-thresholds", "30,x"])
        }
        #expect(throws: (any Error).self) { try WSOLCommand.parseAsRoot(["evaluate", "--metadata", "m", "--scoremaps", "s", "--mask"]) }
        let names = WSOLCommand.configuration.subcommands.map { $0.configuration.commandName }
        #expect(names.contains("evaluate"))
    }
}
