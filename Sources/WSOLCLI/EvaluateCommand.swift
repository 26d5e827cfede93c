//! `wsol evaluate`: the WSOL protocol (wsolevaluation, bit-exact) over score-map files.
import ArgumentParser
import Foundation
import TensorDistributed
import WSOLData
import WSOLEvaluation
import WSOLLocalization

/// Box evaluation variant flags (`--box-v2`, the default, or `--box-v1`).
enum BoxVersion: String, EnumerableFlag, Sendable {
    case boxV2, boxV1
    static func help(for value: BoxVersion) -> ArgumentHelp? {
        value == .boxV2 ? "MaxBoxAccV2: all contours, IoU 30,50,70 by default."
            : "MaxBoxAcc (V1): the largest contour, IoU 50 by default."
    }
}

/// `wsol evaluate --metadata DIR --scoremaps DIR [...]` (docs/evaluation.md).
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score localisation maps with the WSOL protocol (MaxBoxAcc, MaxBoxAccV2, PxAP, PIoU, Top-1/5 Loc).",
        discussion: """
            Score maps are <scoremaps>/<image_id without extension>.npy (the reference's <image_id>.npy \
            is also read): 2-D float32/float64, --input-size square, values in [0, 1]. Metrics follow \
            clovaai/wsolevaluation to the last digit; see docs/evaluation.md.
            """
    )

    @Option(help: "Split directory in the wsolevaluation layout (image_ids.txt, class_labels.txt, ...).")
    var metadata: String
    @Option(help: "Directory of score maps (.npy).")
    var scoremaps: String
    @Flag var boxVersion: BoxVersion = .boxV2
    @Option(help: "IoU thresholds in percent, comma-separated (default 30,50,70 for V2, 50 for V1).")
    var iouThresholds: String?
    @Option(help: "Threshold step of the sweep (np.arange(0, 1, step)).")
    var camCurveInterval: Double = 0.001
    @Flag(help: "Also compute PxAP, PIoU, the context leak and the LID IoU curve from the split's masks (needs --data-root).")
    var mask = false
    @Option(help: "Dataset root that mask paths in localization.txt are relative to.")
    var dataRoot: String?
    @Option(help: "A train-fullsup split directory: choose thresholds there, apply them here.")
    var calibrateOn: String?
    @Option(help: "Score maps of the calibration split (default: --scoremaps).")
    var calibrationScoremaps: String?
    @Option(help: "Calibrated thresholds: per-iou (one per IoU level) or shared (one for all).")
    var calibrationMode: String = ThresholdCalibration.Mode.perIoU.rawValue
    @Option(help: "Predicted classes, best first: lines 'image_id,c1,c2,...' (enables Top-1/Top-5 Loc and Cls).")
    var predictions: String?
    @Option(help: "Side of the square score maps; GT boxes are rescaled to it.")
    var inputSize: Int = 224
    @Flag(help: "Clamp finite values outside [0, 1] instead of rejecting the map.")
    var clamp = false
    @Option(help: "Write summary.json, curves, per-image results and boxes here.")
    var out: String?
    @Flag(help: "Also write binary mask PNGs at the operating threshold under --out/masks.")
    var exportMasks = false
    @Flag(help: "Print the summary as one JSON object on stdout.")
    var json = false

    func validate() throws {
        guard camCurveInterval > 0 && camCurveInterval <= 1 else {
            throw ValidationError("--cam-curve-interval must be in (0, 1]")
        }
        guard inputSize > 0 else { throw ValidationError("--input-size must be positive") }
        if mask && dataRoot == nil { throw ValidationError("--mask needs --data-root (mask paths are relative to it)") }
        if ThresholdCalibration.Mode(rawValue: calibrationMode) == nil {
            throw ValidationError("--calibration-mode must be per-iou or shared")
        }
        if exportMasks && out == nil { throw ValidationError("--export-masks needs --out") }
        _ = try parsedIoUThresholds()
    }

    /// IoU levels as fractions (`Double(percent) / 100`, as the reference divides).
    func parsedIoUThresholds() throws -> [Double] {
        guard let iouThresholds else { return boxVersion == .boxV2 ? [0.3, 0.5, 0.7] : [0.5] }
        let parts = iouThresholds.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let percents = parts.compactMap { Double($0) }
        guard !parts.isEmpty, percents.count == parts.count, percents.allSatisfy({ $0 > 0 && $0 <= 100 }) else {
            throw ValidationError("--iou-thresholds must be percents in (0, 100], e.g. 30,50,70")
        }
        return percents.map { $0 / 100 }
    }

    func run() throws {
        let (summary, isRoot) = try DistributedLaunch.run { communicator in
            (try evaluate(communicator: communicator), communicator.isRoot)
        }
        // Under mpirun every rank computed the same summary; rank 0 prints it.
        guard isRoot else { return }
        if json {
            print(summary.rendered())
        } else {
            print(EvaluationOutputs.textLines(summary).joined(separator: "\n"))
        }
    }

    /// Runs the evaluation (and the calibration split first, if any); writes --out files (rank 0).
    /// Under `mpirun` each rank reads a share of the maps and the counters are summed.
    func evaluate(communicator: any Communicator = SingleProcessCommunicator()) throws -> JSONValue {
        let plan = MetricPlan(
            box: BoxAccuracyConfiguration(interval: camCurveInterval, iouThresholds: try parsedIoUThresholds(),
                                          selection: boxVersion == .boxV2 ? .all : .largest),
            maskInterval: mask ? camCurveInterval : nil, dataRoot: dataRoot ?? "")
        let ranked = try predictions.map(readPredictions)
        let maps = ScoreMapSource(root: scoremaps, size: inputSize, clampOutOfRange: clamp)
        let calibration = try calibrateOn.map { try calibrate(on: $0, plan: plan, communicator: communicator) }
        let truth = try SplitGroundTruth.read(metadataDirectory: metadata, size: inputSize, needMasks: mask,
                                              predictions: ranked, predictionsPath: predictions)
        guard truth.boxes != nil || mask else {
            throw EvaluationInputError(path: metadata, reason: "split has no boxes; use --mask for mask splits")
        }
        let splitPlan = truth.boxes == nil ? MetricPlan(box: nil, maskInterval: plan.maskInterval, dataRoot: plan.dataRoot) : plan
        let accumulators = try accumulateSplit(truth, maps: maps, plan: splitPlan, communicator: communicator)
        var summary = EvaluationSummary(box: accumulators.box?.result(), pixels: try accumulators.pixels?.result(),
                                        iouCurve: accumulators.iouCurve?.result(), calibration: calibration)
        summary.contextLeak = accumulators.leak?.meanPercent
        summary.config = configJSON()
        if let out, communicator.isRoot {
            try EvaluationOutputs(directory: out, summary: summary, truth: truth, maps: maps,
                                  exportMasks: exportMasks).write()
        }
        return summary.json(imageCount: truth.imageIDs.count)
    }

    private func calibrate(on directory: String, plan: MetricPlan, communicator: any Communicator) throws -> ThresholdCalibration {
        let truth = try SplitGroundTruth.read(metadataDirectory: directory, size: inputSize, needMasks: mask,
                                              predictions: nil, predictionsPath: nil)
        guard truth.boxes != nil else {
            throw EvaluationInputError(path: directory, reason: "calibration split has no boxes")
        }
        let maps = ScoreMapSource(root: calibrationScoremaps ?? scoremaps, size: inputSize, clampOutOfRange: clamp)
        let accumulators = try accumulateSplit(truth, maps: maps, plan: plan, communicator: communicator)
        let mode = ThresholdCalibration.Mode(rawValue: calibrationMode) ?? .perIoU
        guard let box = accumulators.box?.result() else {
            throw EvaluationInputError(path: directory, reason: "calibration split produced no box result")
        }
        return ThresholdCalibration(boxResult: box, maskResult: try accumulators.pixels?.result(), mode: mode)
    }

    private func configJSON() -> JSONValue {
        .object([
            ("metadata", .string(metadata)), ("scoremaps", .string(scoremaps)),
            ("boxVersion", .string(boxVersion == .boxV2 ? "v2" : "v1")),
            ("iouThresholds", .array(((try? parsedIoUThresholds()) ?? []).map { .string(EvaluationReport.percentKey($0)) })),
            ("camCurveInterval", .number(camCurveInterval)), ("inputSize", .integer(inputSize)),
            ("mask", .bool(mask)), ("dataRoot", dataRoot.map { .string($0) } ?? .null),
            ("calibrateOn", calibrateOn.map { .string($0) } ?? .null),
            ("calibrationMode", calibrateOn == nil ? .null : .string(calibrationMode)),
            ("predictions", predictions.map { .string($0) } ?? .null), ("clamp", .bool(clamp)),
            ("toolkit", .string("WSOLKit \(WSOLCommand.configuration.version)")),
        ])
    }
}
