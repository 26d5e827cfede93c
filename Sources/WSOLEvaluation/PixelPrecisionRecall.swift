//! PxAP and PIoU: pixel precision-recall over pooled score histograms (methods.md §2.9).
import WSOLLocalization

/// Streaming pixel-level precision/recall (wsolevaluation's `MaskEvaluator`): score histograms of
/// ground-truth positive and negative pixels, pooled over all images (ignored pixels skipped).
///
/// Bins have right edges `[0, Δ, ..., 1 - Δ, 1, 2, 3]` as in the reference: bin `k < K` holds
/// `τ_k <= s < τ_(k+1)` (`τ_K = 1`), bin `K` holds `1 <= s < 2` (so a score of exactly 1 lands
/// there), bin `K + 1` holds `2 <= s <= 3` (always empty for valid maps).
public struct PixelPrecisionRecallAccumulator: Sendable {
    public let grid: ThresholdGrid
    /// Counts of positive / negative pixels per bin (`grid.count + 2` bins).
    public internal(set) var positiveHistogram: [Int]
    public internal(set) var negativeHistogram: [Int]

    public init(interval: Double = 0.001) {
        grid = ThresholdGrid(interval: interval)
        positiveHistogram = [Int](repeating: 0, count: grid.count + 2)
        negativeHistogram = positiveHistogram
    }

    /// Adds one map given as float64 values in `[0, 1]` (validated by the caller), row-major, in
    /// the mask's frame. Precondition: `values.count == mask.labels.count`.
    public mutating func accumulate(doubleValues values: [Double], mask: GroundTruthMask) {
        precondition(values.count == mask.labels.count, "PixelPrecisionRecall: map and mask sizes differ")
        for (index, label) in mask.labels.enumerated() where label != GroundTruthMask.ignored {
            let bin = binIndex(of: values[index])
            if label == GroundTruthMask.foreground {
                positiveHistogram[bin] += 1
            } else {
                negativeHistogram[bin] += 1
            }
        }
    }

    /// Adds one float32 map (widened exactly to Double, as the reference does).
    public mutating func accumulate(_ map: ScoreMap, mask: GroundTruthMask) {
        accumulate(doubleValues: map.values.map(Double.init), mask: mask)
    }

    /// The bin of a score, by exact comparison with the float64 edges (NumPy's searchsorted).
    func binIndex(of score: Double) -> Int {
        let thresholds = grid.thresholds
        if score >= 2 { return thresholds.count + 1 }
        if score >= 1 { return thresholds.count }
        var bin = min(max(Int(score / grid.interval), 0), thresholds.count - 1)
        while bin + 1 < thresholds.count && thresholds[bin + 1] <= score { bin += 1 }
        while bin > 0 && thresholds[bin] > score { bin -= 1 }
        return bin
    }

    /// Adds another accumulator's histograms (same interval).
    public mutating func merge(_ other: PixelPrecisionRecallAccumulator) {
        precondition(other.grid == grid, "PixelPrecisionRecallAccumulator.merge: grids differ")
        for bin in positiveHistogram.indices {
            positiveHistogram[bin] += other.positiveHistogram[bin]
            negativeHistogram[bin] += other.negativeHistogram[bin]
        }
    }

    /// PxAP, PIoU and the curves.
    /// - Throws: ``MaskMetricError`` when no pixel is positive in the ground truth or no pixel was
    ///   scored at all (the reference raises RuntimeError in both cases).
    public func result() throws -> PixelPrecisionRecallResult {
        try PixelPrecisionRecallResult(positiveHistogram: positiveHistogram, negativeHistogram: negativeHistogram,
                                       thresholds: grid.thresholds)
    }
}

/// Why mask metrics cannot be computed.
public struct MaskMetricError: Error, CustomStringConvertible, Sendable, Equatable {
    public var reason: String
    public var description: String { reason }
}
