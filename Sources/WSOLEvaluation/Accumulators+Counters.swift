//! Accumulators as flat counter vectors: processes that evaluated disjoint shards of a split add
//! the vectors (one integer allreduce, exact in any order) and get the single-process counters.
//! Metrics stay pure: the transport belongs to the caller (WSOLCLI's sharded `wsol evaluate`).

extension BoxAccuracyAccumulator {
    /// Every counter in a fixed order: images, classified, top-1 and top-5 classified correct,
    /// then `correctCounts`, `top1CorrectCounts`, `top5CorrectCounts` row by row
    /// (`4 + 3 * iouThresholds.count * grid.count` values).
    public var counterVector: [Int] {
        [imageCount, classifiedCount, top1ClassifiedCorrect, top5ClassifiedCorrect]
            + correctCounts.flatMap { $0 } + top1CorrectCounts.flatMap { $0 } + top5CorrectCounts.flatMap { $0 }
    }

    /// Adds a ``counterVector`` (of an accumulator with the same configuration).
    public mutating func addCounterVector(_ vector: [Int]) {
        precondition(vector.count == counterVector.count, "BoxAccuracyAccumulator: counter vector of \(vector.count) values")
        imageCount += vector[0]
        classifiedCount += vector[1]
        top1ClassifiedCorrect += vector[2]
        top5ClassifiedCorrect += vector[3]
        var offset = 4
        func add(_ table: inout [[Int]]) {
            for row in table.indices {
                for column in table[row].indices { table[row][column] += vector[offset + column] }
                offset += table[row].count
            }
        }
        add(&correctCounts)
        add(&top1CorrectCounts)
        add(&top5CorrectCounts)
    }
}

extension PixelPrecisionRecallAccumulator {
    /// The positive histogram, then the negative one (`2 * (grid.count + 2)` values).
    public var counterVector: [Int] { positiveHistogram + negativeHistogram }

    /// Adds a ``counterVector`` (of an accumulator with the same interval).
    public mutating func addCounterVector(_ vector: [Int]) {
        let bins = positiveHistogram.count
        precondition(vector.count == 2 * bins, "PixelPrecisionRecallAccumulator: counter vector of \(vector.count) values")
        for bin in 0..<bins {
            positiveHistogram[bin] += vector[bin]
            negativeHistogram[bin] += vector[bins + bin]
        }
    }
}

extension IoUCurveAccumulator {
    /// The integer counters: images, then pooled intersections and unions (`1 + 2 * 256` values).
    /// The per-image IoU sums are floating point: add them with ``addPerImageIoUSums(_:)`` in
    /// the order a single process would merge them.
    public var counterVector: [Int] { [imageCount] + pooledIntersection + pooledUnion }

    /// Adds a ``counterVector``.
    public mutating func addCounterVector(_ vector: [Int]) {
        let levels = Self.levelCount
        precondition(vector.count == 1 + 2 * levels, "IoUCurveAccumulator: counter vector of \(vector.count) values")
        imageCount += vector[0]
        for level in 0..<levels {
            pooledIntersection[level] += vector[1 + level]
            pooledUnion[level] += vector[1 + levels + level]
        }
    }

    /// Adds another accumulator's per-image IoU sums (256 values), as ``merge(_:)`` does.
    public mutating func addPerImageIoUSums(_ sums: [Double]) {
        precondition(sums.count == Self.levelCount, "IoUCurveAccumulator: \(sums.count) IoU sums")
        for level in 0..<Self.levelCount { perImageIoUSum[level] += sums[level] }
    }
}
