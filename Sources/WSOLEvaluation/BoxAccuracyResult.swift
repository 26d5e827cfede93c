//! Box accuracies derived from the per-threshold counters.
import WSOLLocalization

/// Box accuracies of a split, in percent, computed as the reference does
/// (`num_correct * 100. / cnt`, maximum over thresholds, `np.average` over IoU levels).
public struct BoxAccuracyResult: Sendable, Equatable {
    public let configuration: BoxAccuracyConfiguration
    public let imageCount: Int
    /// `curves[i][k]`: BoxAcc in percent at IoU `iouThresholds[i]` and threshold `k`.
    public let curves: [[Double]]
    /// MaxBoxAcc per IoU level (percent): the best threshold chosen independently per level.
    public let maxBoxAccuracy: [Double]
    /// Index of the first threshold reaching each maximum (NumPy's argmax rule).
    public let bestThresholdIndex: [Int]
    /// The threshold index maximising the summed counts over IoU levels (one threshold for all).
    public let sharedBestThresholdIndex: Int
    /// Top-1 and Top-5 localisation curves (percent of all images), per IoU level and threshold.
    public let top1LocalizationCurves: [[Double]]
    public let top5LocalizationCurves: [[Double]]
    /// Classification accuracy in percent over images with a classification outcome (nil if none).
    public let top1ClassificationAccuracy: Double?
    public let top5ClassificationAccuracy: Double?

    init(accumulator: BoxAccuracyAccumulator) {
        configuration = accumulator.configuration
        imageCount = accumulator.imageCount
        let total = Double(accumulator.imageCount)
        func percent(_ counts: [[Int]]) -> [[Double]] { counts.map { $0.map { Double($0) * 100.0 / total } } }
        curves = percent(accumulator.correctCounts)
        top1LocalizationCurves = percent(accumulator.top1CorrectCounts)
        top5LocalizationCurves = percent(accumulator.top5CorrectCounts)
        bestThresholdIndex = curves.map(firstArgmax)
        maxBoxAccuracy = zip(curves, bestThresholdIndex).map { $0[$1] }
        let summed = (0..<configuration.grid.count).map { k in accumulator.correctCounts.reduce(0) { $0 + $1[k] } }
        sharedBestThresholdIndex = firstArgmax(summed.map(Double.init))
        let classified = Double(accumulator.classifiedCount)
        top1ClassificationAccuracy = accumulator.classifiedCount > 0
            ? Double(accumulator.top1ClassifiedCorrect) * 100.0 / classified : nil
        top5ClassificationAccuracy = accumulator.classifiedCount > 0
            ? Double(accumulator.top5ClassifiedCorrect) * 100.0 / classified : nil
    }

    /// The mean of ``maxBoxAccuracy`` over IoU levels: MaxBoxAccV2 for the V2 configuration.
    public var meanMaxBoxAccuracy: Double { numpyMean(maxBoxAccuracy) }

    /// The grid's threshold values.
    public var thresholds: [Double] { configuration.grid.thresholds }

    /// BoxAcc per IoU level at one threshold index each (e.g. calibrated on another split).
    public func accuracy(atThresholdIndices indices: [Int]) -> [Double] {
        precondition(indices.count == curves.count, "BoxAccuracyResult: one threshold index per IoU level")
        return zip(curves, indices).map { $0[$1] }
    }

    /// The IoU level's position in the configuration (e.g. 0.5 for GT-known/Top-1 Loc), if present.
    public func iouIndex(of iouThreshold: Double) -> Int? {
        configuration.iouThresholds.firstIndex(of: iouThreshold)
    }

    /// Best-threshold Top-1 Loc at an IoU level (DA-WSOL's sweep: its own best threshold), percent.
    public func maxTop1Localization(iouIndex: Int) -> Double { top1LocalizationCurves[iouIndex].max() ?? 0 }
    /// Best-threshold Top-5 Loc at an IoU level, percent.
    public func maxTop5Localization(iouIndex: Int) -> Double { top5LocalizationCurves[iouIndex].max() ?? 0 }
}

/// The first index of the maximum (NumPy `argmax`); 0 for an empty array.
func firstArgmax(_ values: [Double]) -> Int {
    var best = 0
    for index in values.indices where values[index] > values[best] { best = index }
    return best
}
