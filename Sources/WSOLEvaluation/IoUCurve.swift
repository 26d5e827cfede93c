//! The LID-2020 track-3 "IoU curve" metric (methods.md §2.10), per-image mean and pooled.
import WSOLLocalization

/// Streaming IoU curve over the 256 integer levels of the quantised map (LID challenge, track 3).
///
/// At level `t` the predicted foreground is `level >= t` (so `t = 0` is the whole image and
/// `t = 255` keeps only pixels at the maximum, where an ideal binary map peaks), compared with
/// the ground-truth mask's foreground; ignored pixels are excluded from both. Two aggregations,
/// because the challenge's is unconfirmed: the mean over images of each image's IoU at `t`, and
/// the pooled IoU (intersections and unions summed over images). A union of 0 (no ground-truth
/// and no predicted pixel) counts as IoU 1.
public struct IoUCurveAccumulator: Sendable {
    public static let levelCount = 256
    public internal(set) var imageCount = 0
    /// Sum over images of each image's IoU at level `t`.
    public internal(set) var perImageIoUSum = [Double](repeating: 0, count: levelCount)
    public internal(set) var pooledIntersection = [Int](repeating: 0, count: levelCount)
    public internal(set) var pooledUnion = [Int](repeating: 0, count: levelCount)

    public init() {}

    /// Adds one map. Precondition: the map and the mask have the same size.
    public mutating func accumulate(_ map: QuantizedScoreMap, mask: GroundTruthMask) {
        precondition(map.levels.count == mask.labels.count, "IoUCurveAccumulator: map and mask sizes differ")
        var positives = [Int](repeating: 0, count: Self.levelCount)
        var negatives = [Int](repeating: 0, count: Self.levelCount)
        for (index, label) in mask.labels.enumerated() where label != GroundTruthMask.ignored {
            if label == GroundTruthMask.foreground {
                positives[Int(map.levels[index])] += 1
            } else {
                negatives[Int(map.levels[index])] += 1
            }
        }
        let positiveTotal = positives.reduce(0, +)
        var intersection = 0, falsePositive = 0
        for level in stride(from: Self.levelCount - 1, through: 0, by: -1) {
            intersection += positives[level]
            falsePositive += negatives[level]
            let union = positiveTotal + falsePositive
            perImageIoUSum[level] += union == 0 ? 1 : Double(intersection) / Double(union)
            pooledIntersection[level] += intersection
            pooledUnion[level] += union
        }
        imageCount += 1
    }

    /// Adds another accumulator's sums.
    public mutating func merge(_ other: IoUCurveAccumulator) {
        imageCount += other.imageCount
        for level in 0..<Self.levelCount {
            perImageIoUSum[level] += other.perImageIoUSum[level]
            pooledIntersection[level] += other.pooledIntersection[level]
            pooledUnion[level] += other.pooledUnion[level]
        }
    }

    /// The curves (fractions in `[0, 1]`) and their peaks. Precondition: one map at least.
    public func result() -> IoUCurveResult {
        precondition(imageCount > 0, "IoUCurveAccumulator.result: no map accumulated")
        let meanCurve = perImageIoUSum.map { $0 / Double(imageCount) }
        let pooledCurve = zip(pooledIntersection, pooledUnion).map { $1 == 0 ? 1 : Double($0) / Double($1) }
        return IoUCurveResult(meanCurve: meanCurve, pooledCurve: pooledCurve)
    }
}

/// IoU curves indexed by level `0...255` and their peaks (first maximum).
public struct IoUCurveResult: Sendable, Equatable {
    public let meanCurve: [Double]
    public let pooledCurve: [Double]
    public var meanPeakLevel: Int { firstArgmax(meanCurve) }
    public var pooledPeakLevel: Int { firstArgmax(pooledCurve) }
    /// Peak of the per-image-mean curve, percent.
    public var meanPeak: Double { meanCurve[meanPeakLevel] * 100 }
    /// Peak of the pooled curve, percent.
    public var pooledPeak: Double { pooledCurve[pooledPeakLevel] * 100 }
}
