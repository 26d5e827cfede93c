//! Threshold calibration: choose thresholds on train-fullsup, apply them on test.
import WSOLLocalization

/// Thresholds chosen on a calibration split (train-fullsup), to be applied unchanged to another
/// split (test), instead of the test split's own oracle thresholds.
public struct ThresholdCalibration: Sendable, Equatable, Codable {
    /// How a calibrated threshold is chosen.
    public enum Mode: String, Sendable, Codable, CaseIterable {
        /// One threshold per IoU level (each level's best on the calibration split).
        case perIoU = "per-iou"
        /// One threshold for every IoU level (best summed accuracy over the levels).
        case shared
    }

    public var mode: Mode
    /// The calibration split's grid interval (the applied split must use the same grid).
    public var interval: Double
    /// IoU levels (fractions) and the threshold chosen for each (all equal in ``Mode/shared``).
    public var iouThresholds: [Double]
    public var thresholds: [Double]
    /// Box-metric operating threshold for exports (the IoU 0.5 one, or the shared one).
    public var operatingThreshold: Double
    /// The threshold maximising pixel IoU on the calibration split, when it had masks.
    public var maskThreshold: Double?

    /// Chooses thresholds from a calibration split's box result (and mask result, if any).
    public init(boxResult: BoxAccuracyResult, maskResult: PixelPrecisionRecallResult? = nil, mode: Mode) {
        let grid = boxResult.thresholds
        self.mode = mode
        interval = boxResult.configuration.grid.interval
        iouThresholds = boxResult.configuration.iouThresholds
        switch mode {
        case .perIoU: thresholds = boxResult.bestThresholdIndex.map { grid[$0] }
        case .shared: thresholds = iouThresholds.map { _ in grid[boxResult.sharedBestThresholdIndex] }
        }
        let operatingIndex = iouThresholds.firstIndex(of: 0.5) ?? 0
        operatingThreshold = mode == .shared ? thresholds[0] : thresholds[operatingIndex]
        maskThreshold = maskResult.map { $0.cutoffs[$0.bestIoUIndex] }
    }

    /// The grid index of each calibrated threshold in `grid` (exact match, as both grids are
    /// `np.arange` of the same interval). Nil if the grids differ.
    public func thresholdIndices(in grid: ThresholdGrid) -> [Int]? {
        var indices: [Int] = []
        for threshold in thresholds {
            guard let index = grid.thresholds.firstIndex(of: threshold) else { return nil }
            indices.append(index)
        }
        return indices
    }
}

extension BoxAccuracyResult {
    /// BoxAcc per IoU level at calibrated thresholds, and their mean (calibrated BoxAccV2).
    /// Nil if the calibration used another grid or other IoU levels.
    public func calibratedAccuracy(_ calibration: ThresholdCalibration) -> (perIoU: [Double], mean: Double)? {
        guard calibration.iouThresholds == configuration.iouThresholds,
              let indices = calibration.thresholdIndices(in: configuration.grid) else { return nil }
        let perIoU = accuracy(atThresholdIndices: indices)
        return (perIoU, numpyMean(perIoU))
    }
}

extension PixelPrecisionRecallResult {
    /// Pixel IoU (percent) at the first curve point whose cutoff is `threshold`; nil if absent.
    public func pixelIoU(atCutoff threshold: Double) -> Double? {
        cutoffs.firstIndex(of: threshold).map { intersectionOverUnion[$0] * 100 }
    }
}
