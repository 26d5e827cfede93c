//! The summary of one evaluated split, as the JSON object `wsol evaluate --json` prints.
import WSOLLocalization

/// Results of one split (any part may be absent) and the calibration applied to it.
public struct EvaluationSummary: Sendable {
    public var box: BoxAccuracyResult?
    public var pixels: PixelPrecisionRecallResult?
    public var iouCurve: IoUCurveResult?
    public var calibration: ThresholdCalibration?
    /// Mean share of the map's mass on the background, in percent (``ContextLeak``; with masks).
    public var contextLeak: Double?
    /// Free-form configuration recorded under `"config"`.
    public var config: JSONValue = .object([])

    public init(box: BoxAccuracyResult?, pixels: PixelPrecisionRecallResult?, iouCurve: IoUCurveResult?,
                calibration: ThresholdCalibration?) {
        self.box = box
        self.pixels = pixels
        self.iouCurve = iouCurve
        self.calibration = calibration
    }

    /// The threshold for exports and per-image records: the calibrated operating threshold, else
    /// this split's own best (IoU 0.5's for V1, the best summed over IoU levels for V2).
    public var operatingThreshold: Double? {
        if let calibration { return calibration.operatingThreshold }
        guard let box else { return pixels.map { $0.cutoffs[$0.bestIoUIndex] } }
        if box.configuration.selection == .largest {
            let index = box.iouIndex(of: 0.5) ?? 0
            return box.thresholds[box.bestThresholdIndex[index]]
        }
        return box.thresholds[box.sharedBestThresholdIndex]
    }

    /// The summary object. Keys: `numImages`, `MaxBoxAcc` (by IoU percent), `MaxBoxAccV2` (V2),
    /// `bestThresholds`, `GTKnownLoc`/`Top1Loc`/`Top5Loc`/`Top1Cls`/`Top5Cls` (with predictions),
    /// `PxAP`, `PIoU`, `ContextLeak`, `IoUCurve` (with masks), `calibration`, `operatingThreshold`, `config`.
    public func json(imageCount: Int) -> JSONValue {
        var members: [(String, JSONValue)] = [("numImages", .integer(imageCount))]
        if let box { members += boxMembers(box) }
        if let pixels {
            members.append(("PxAP", .number(pixels.pixelAveragePrecision)))
            members.append(("PIoU", .number(pixels.pixelIoU)))
            members.append(("PIoUThreshold", .number(pixels.cutoffs[pixels.bestIoUIndex])))
        }
        if let contextLeak { members.append(("ContextLeak", .number(contextLeak))) }
        if let iouCurve {
            members.append(("IoUCurve", .object([
                ("meanPeak", .number(iouCurve.meanPeak)), ("meanPeakLevel", .integer(iouCurve.meanPeakLevel)),
                ("pooledPeak", .number(iouCurve.pooledPeak)), ("pooledPeakLevel", .integer(iouCurve.pooledPeakLevel)),
            ])))
        }
        if let calibration { members.append(("calibration", calibrationMembers(calibration))) }
        members.append(("operatingThreshold", operatingThreshold.map { .number($0) } ?? .null))
        members.append(("operatingThresholdSource", .string(calibration == nil ? "oracle" : "calibrated")))
        members.append(("config", config))
        return .object(members)
    }

    private func boxMembers(_ box: BoxAccuracyResult) -> [(String, JSONValue)] {
        let ious = box.configuration.iouThresholds
        var members: [(String, JSONValue)] = [
            ("MaxBoxAcc", EvaluationReport.perIoUObject(box.maxBoxAccuracy, iouThresholds: ious)),
        ]
        if box.configuration.selection == .all { members.append(("MaxBoxAccV2", .number(box.meanMaxBoxAccuracy))) }
        members.append(("bestThresholds", EvaluationReport.perIoUObject(
            box.bestThresholdIndex.map { box.thresholds[$0] }, iouThresholds: ious)))
        if let half = box.iouIndex(of: 0.5) {
            members.append(("GTKnownLoc", .number(box.maxBoxAccuracy[half])))
            if let top1 = box.top1ClassificationAccuracy, let top5 = box.top5ClassificationAccuracy {
                members.append(("Top1Loc", .number(box.maxTop1Localization(iouIndex: half))))
                members.append(("Top5Loc", .number(box.maxTop5Localization(iouIndex: half))))
                members.append(("Top1Cls", .number(top1)))
                members.append(("Top5Cls", .number(top5)))
            }
        }
        return members
    }

    private func calibrationMembers(_ calibration: ThresholdCalibration) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("mode", .string(calibration.mode.rawValue)),
            ("thresholds", EvaluationReport.perIoUObject(calibration.thresholds, iouThresholds: calibration.iouThresholds)),
        ]
        if let box, let applied = box.calibratedAccuracy(calibration) {
            members.append(("BoxAcc", EvaluationReport.perIoUObject(applied.perIoU, iouThresholds: calibration.iouThresholds)))
            if box.configuration.selection == .all { members.append(("BoxAccV2", .number(applied.mean))) }
        }
        if let threshold = calibration.maskThreshold {
            members.append(("maskThreshold", .number(threshold)))
            if let pixels, let iou = pixels.pixelIoU(atCutoff: threshold) { members.append(("PIoU", .number(iou))) }
        }
        return .object(members)
    }
}
