//! PxAP, PIoU and pixel precision/recall curves from pooled histograms.

/// Pixel-level results, computed in the reference's order of float64 operations.
///
/// Curve point `j` counts scores `>= cutoffs[j]`, with cutoffs descending
/// `[2, 1, τ_(K-1), ..., τ_1, 0]` (reverse cumulative sums of the histograms).
public struct PixelPrecisionRecallResult: Sendable, Equatable {
    /// Score cutoffs of the curve points, descending.
    public let cutoffs: [Double]
    public let truePositives: [Double]
    public let falsePositives: [Double]
    public let falseNegatives: [Double]
    /// `TP / (TP + FP)`; NaN where nothing is predicted positive.
    public let precision: [Double]
    /// `TP / (TP + FN)`.
    public let recall: [Double]
    /// `TP / (TP + FP + FN)`.
    public let intersectionOverUnion: [Double]
    /// PxAP in percent: `100 * Σ_(j>=1, TP_j+FP_j>0) precision_j * (recall_j - recall_(j-1))`.
    public let pixelAveragePrecision: Double
    /// PIoU in percent: `100 * max_j IoU_j` (DA-WSOL's definition on pooled counts).
    public let pixelIoU: Double
    /// The curve index of the best IoU (first maximum).
    public let bestIoUIndex: Int

    init(positiveHistogram: [Int], negativeHistogram: [Int], thresholds: [Double]) throws {
        cutoffs = [2.0, 1.0] + thresholds.reversed()
        let positives = Double(positiveHistogram.reduce(0, +))
        var truePositives: [Double] = [], falsePositives: [Double] = []
        var tp = 0.0, fp = 0.0
        for bin in positiveHistogram.indices.reversed() {
            tp += Double(positiveHistogram[bin])
            fp += Double(negativeHistogram[bin])
            truePositives.append(tp)
            falsePositives.append(fp)
        }
        guard positives > 0 else { throw MaskMetricError(reason: "no positive ground-truth pixel in the evaluated set") }
        guard tp + fp > 0 else { throw MaskMetricError(reason: "no scored pixel in the evaluated set") }
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        falseNegatives = truePositives.map { positives - $0 }
        precision = zip(truePositives, falsePositives).map { $0 / ($0 + $1) }
        recall = zip(truePositives, falseNegatives).map { $0 / ($0 + $1) }
        var terms: [Double] = []
        for j in 1..<truePositives.count where truePositives[j] + falsePositives[j] != 0 {
            terms.append(precision[j] * (recall[j] - recall[j - 1]))
        }
        pixelAveragePrecision = numpySum(terms) * 100
        intersectionOverUnion = truePositives.indices.map { j in
            truePositives[j] / (truePositives[j] + falsePositives[j] + (positives - truePositives[j]))
        }
        bestIoUIndex = firstArgmax(intersectionOverUnion)
        pixelIoU = intersectionOverUnion[bestIoUIndex] * 100
    }
}
