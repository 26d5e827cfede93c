//! `wsol refine-cams`: CAMs refined with a C²AM foreground map (background cues, methods.md §7.5).
import ArgumentParser
import Foundation
import WSOLData
import WSOLEvaluation
import WSOLLocalization

/// Writes refined maps `(CAM + F) / 2` for every image of a split and, when the split has masks,
/// prints the two-class mIoU of the pseudo masks: refined (`CAM > 1 − F`), plain CAM with a
/// constant background score (the best of a sweep on this split, which favours plain CAM), and
/// the foreground map alone at 0.5.
struct RefineCAMsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refine-cams",
        abstract: "Refine CAMs with a C2AM foreground map into pseudo masks (background cues) and score them.",
        discussion: """
            --cams and --foreground hold one .npy map per image (as written by wsol localize, e.g. a \
            CAM run with --target gt and a C2AM run with --method native). Refined maps go to \
            --out/<id>.npy; score their PxAP with wsol evaluate --mask.
            """
    )

    @Option(help: "Score maps of the classifier (CAM of the image's class).") var cams: String
    @Option(help: "Class-agnostic foreground maps (C2AM).") var foreground: String
    @Option(help: "A wsolevaluation split directory.") var metadata: String
    @Option(help: "Dataset root the mask paths are relative to.") var dataRoot: String?
    @Option(help: "Map side (the maps' --input-size).") var inputSize = 224
    @Option(help: "Output directory of the refined maps.") var out: String

    func run() throws {
        let scores = try refine()
        if scores.images > 0 { print(scores.jsonText()) }
    }

    /// Writes the refined maps; returns the mask scores (none when the split has no masks or no
    /// `--data-root`).
    func refine() throws -> PseudoMaskScores {
        let split = try WSOLMetadata.read(directory: metadata)
        let camSource = ScoreMapSource(root: cams, size: inputSize, clampOutOfRange: true)
        let foregroundSource = ScoreMapSource(root: foreground, size: inputSize, clampOutOfRange: true)
        var scores = PseudoMaskScores()
        for id in split.imageIDs {
            let cam = try camSource.load(id).values.map(Float.init)
            let cue = try foregroundSource.load(id).values.map(Float.init)
            let refined = BackgroundCues.refinedScore(cam: cam, foreground: cue)
            let path = (out as NSString).appendingPathComponent((id as NSString).deletingPathExtension + ".npy")
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try NumpyFile.writeFloat32(refined, shape: [inputSize, inputSize], to: path)
            if let dataRoot, let files = split.masks[id] {
                let mask = try loadGroundTruthMask(files, imageID: id, dataRoot: dataRoot, size: inputSize)
                scores.accumulate(cam: cam, foreground: cue, mask: mask)
            }
        }
        return scores
    }
}

/// The pseudo-mask mIoUs of one split (two classes, pooled over images).
struct PseudoMaskScores {
    /// Constant background scores swept for plain CAM: 0.05, 0.10, ..., 0.95.
    static let camThresholds = (1...19).map { Float($0) / 20 }
    var refined = BinarySegmentationIoU()
    var foregroundOnly = BinarySegmentationIoU()
    var plainCAM = Array(repeating: BinarySegmentationIoU(), count: camThresholds.count)
    var images = 0

    mutating func accumulate(cam: [Float], foreground: [Float], mask: GroundTruthMask) {
        let truth = mask.labels.map { $0 == GroundTruthMask.foreground }
        let ignore = mask.labels.map { $0 == GroundTruthMask.ignored }
        let labels = BackgroundCues.pseudoLabels(cams: [cam], foreground: foreground)
        refined.accumulate(predicted: labels.map { $0 == 1 }, truth: truth, ignore: ignore)
        foregroundOnly.accumulate(predicted: foreground.map { $0 > 0.5 }, truth: truth, ignore: ignore)
        for (index, threshold) in Self.camThresholds.enumerated() {
            plainCAM[index].accumulate(predicted: cam.map { $0 > threshold }, truth: truth, ignore: ignore)
        }
        images += 1
    }

    func jsonText() -> String {
        let best = plainCAM.indices.max { plainCAM[$0].meanIoU < plainCAM[$1].meanIoU }!
        func format(_ value: Double) -> String { String(format: "%.2f", value) }
        return """
            {"images": \(images), "refinedMIoU": \(format(refined.meanIoU)), "refinedClassIoU": [\(refined.classIoU.map(format).joined(separator: ", "))], \
            "camMIoU": \(format(plainCAM[best].meanIoU)), "camBackgroundScore": \(Self.camThresholds[best]), \
            "camClassIoU": [\(plainCAM[best].classIoU.map(format).joined(separator: ", "))], \
            "foregroundMIoU": \(format(foregroundOnly.meanIoU))}
            """
    }
}
