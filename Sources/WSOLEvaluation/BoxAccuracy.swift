//! MaxBoxAcc (V1) and MaxBoxAccV2: streaming box accuracy over a threshold sweep.
import WSOLLocalization

/// What a box evaluation sweeps: thresholds, IoU levels and which contours give boxes.
public struct BoxAccuracyConfiguration: Sendable, Equatable {
    /// Score-map thresholds `np.arange(0, 1, interval)`.
    public var grid: ThresholdGrid
    /// IoU levels as fractions (wsolevaluation's percents / 100), e.g. `[0.3, 0.5, 0.7]`.
    public var iouThresholds: [Double]
    /// V1 (largest contour) or V2 (all contours).
    public var selection: ContourSelection

    /// MaxBoxAccV2 defaults: interval 0.001, IoU 0.3/0.5/0.7, all contours.
    public init(interval: Double = 0.001, iouThresholds: [Double] = [0.3, 0.5, 0.7],
                selection: ContourSelection = .all) {
        precondition(!iouThresholds.isEmpty, "BoxAccuracyConfiguration: no IoU threshold")
        self.grid = ThresholdGrid(interval: interval)
        self.iouThresholds = iouThresholds
        self.selection = selection
    }

    /// MaxBoxAcc V1 (CVPR'20): IoU 0.5 only, the largest contour.
    public static func version1(interval: Double = 0.001) -> BoxAccuracyConfiguration {
        BoxAccuracyConfiguration(interval: interval, iouThresholds: [0.5], selection: .largest)
    }
}

/// Classification result of one image, for Top-1/Top-5 localisation and classification accuracy.
public struct ClassificationOutcome: Sendable, Equatable {
    /// The top-1 predicted class is the label.
    public var top1Correct: Bool
    /// The label is among the top-5 predicted classes.
    public var top5Correct: Bool
    public init(top1Correct: Bool, top5Correct: Bool) {
        self.top1Correct = top1Correct
        self.top5Correct = top5Correct
    }
}

/// Streaming box accuracy (wsolevaluation's `BoxEvaluator`): call ``accumulate(_:groundTruth:classification:)``
/// once per score map, then ``result()``. Memory is the per-threshold counters only.
///
/// ```swift
/// var accumulator = BoxAccuracyAccumulator(configuration: .init())
/// for (map, boxes) in maps { accumulator.accumulate(QuantizedScoreMap(map), groundTruth: boxes) }
/// let maxBoxAccV2 = accumulator.result().meanMaxBoxAccuracy
/// ```
public struct BoxAccuracyAccumulator: Sendable {
    public let configuration: BoxAccuracyConfiguration
    /// Maps accumulated.
    public internal(set) var imageCount = 0
    /// `correctCounts[i][k]`: images whose best candidate at threshold `k` has IoU >= `iouThresholds[i]`.
    public internal(set) var correctCounts: [[Int]]
    /// As `correctCounts`, counting only images whose top-1 class is right (Top-1 Loc).
    public internal(set) var top1CorrectCounts: [[Int]]
    /// As `correctCounts`, counting only images whose label is in the top 5 (Top-5 Loc).
    public internal(set) var top5CorrectCounts: [[Int]]
    /// Images accumulated with a classification outcome, and how many were right.
    public internal(set) var classifiedCount = 0
    public internal(set) var top1ClassifiedCorrect = 0
    public internal(set) var top5ClassifiedCorrect = 0
    private var sweep = LevelSweep()

    public init(configuration: BoxAccuracyConfiguration) {
        self.configuration = configuration
        let zeros = [[Int]](repeating: [Int](repeating: 0, count: configuration.grid.count),
                            count: configuration.iouThresholds.count)
        correctCounts = zeros
        top1CorrectCounts = zeros
        top5CorrectCounts = zeros
    }

    /// Adds one map.
    ///
    /// - Parameters:
    ///   - map: the quantised score map (in the ground truth's frame, e.g. 224x224).
    ///   - groundTruth: the image's boxes in the map's frame, inclusive corners. An image without
    ///     boxes is never correct (the reference would fail on it).
    ///   - classification: when given, also counts Top-1/Top-5 localisation and classification.
    /// - Returns: the best IoU at each threshold of the grid (for per-image records).
    @discardableResult
    public mutating func accumulate(_ map: QuantizedScoreMap, groundTruth: [Box],
                                    classification: ClassificationOutcome? = nil) -> [Double] {
        let bestIoUs = BoxAccuracyAccumulator.bestIoUPerThreshold(
            map, groundTruth: groundTruth, configuration: configuration, sweep: &sweep)
        for (iouIndex, iouThreshold) in configuration.iouThresholds.enumerated() {
            for (thresholdIndex, iou) in bestIoUs.enumerated() where iou >= iouThreshold {
                correctCounts[iouIndex][thresholdIndex] += 1
                if classification?.top1Correct == true { top1CorrectCounts[iouIndex][thresholdIndex] += 1 }
                if classification?.top5Correct == true { top5CorrectCounts[iouIndex][thresholdIndex] += 1 }
            }
        }
        imageCount += 1
        if let classification {
            classifiedCount += 1
            if classification.top1Correct { top1ClassifiedCorrect += 1 }
            if classification.top5Correct { top5ClassifiedCorrect += 1 }
        }
        return bestIoUs
    }

    /// The best IoU between any candidate box and any ground-truth box, at every threshold.
    static func bestIoUPerThreshold(_ map: QuantizedScoreMap, groundTruth: [Box],
                                    configuration: BoxAccuracyConfiguration, sweep: inout LevelSweep) -> [Double] {
        let levels = configuration.grid.thresholds.map { map.thresholdLevel(for: $0) }
        var distinct = [Bool](repeating: false, count: 256)
        for level in levels { distinct[level] = true }
        let levelScores = sweep.bestScores(in: map, thresholdLevels: (0..<256).filter { distinct[$0] },
                                           selection: configuration.selection) {
            bestIntersectionOverUnion($0, groundTruth)
        }
        return levels.map { levelScores[$0] }
    }

    /// Frees the box-extraction scratch memory (about 40 bytes per pixel of the last map); call it
    /// before keeping many accumulators alive, e.g. one per parallel chunk awaiting a merge.
    public mutating func releaseScratchMemory() {
        sweep = LevelSweep()
    }

    /// Adds the counters of another accumulator with the same configuration (parallel evaluation).
    public mutating func merge(_ other: BoxAccuracyAccumulator) {
        precondition(other.configuration == configuration, "BoxAccuracyAccumulator.merge: configurations differ")
        imageCount += other.imageCount
        classifiedCount += other.classifiedCount
        top1ClassifiedCorrect += other.top1ClassifiedCorrect
        top5ClassifiedCorrect += other.top5ClassifiedCorrect
        for iouIndex in correctCounts.indices {
            for k in correctCounts[iouIndex].indices {
                correctCounts[iouIndex][k] += other.correctCounts[iouIndex][k]
                top1CorrectCounts[iouIndex][k] += other.top1CorrectCounts[iouIndex][k]
                top5CorrectCounts[iouIndex][k] += other.top5CorrectCounts[iouIndex][k]
            }
        }
    }

    /// The accuracies so far. Precondition: at least one map was accumulated.
    public func result() -> BoxAccuracyResult {
        precondition(imageCount > 0, "BoxAccuracyAccumulator.result: no map accumulated")
        return BoxAccuracyResult(accumulator: self)
    }
}
