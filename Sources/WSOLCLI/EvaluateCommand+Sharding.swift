//! `mpirun -np N wsol evaluate`: ranks accumulate disjoint chunks of the split, then add their
//! counters. The result equals a single process's exactly (docs/distributed.md).
import TensorDistributed
import WSOLEvaluation

/// Images per chunk, the unit of work shared out to threads and ranks (as `forEachChunk`).
let evaluationChunkSize = 32

/// ``accumulateSplit(_:maps:plan:)`` over the ranks of `communicator`: rank `r` takes the chunks
/// `r, r + N, r + 2N, ...` (same 32-image chunks as one process). Integer counters are summed
/// with one allreduce (exact in any order); the floating-point sums, the IoU curve's per-image
/// sums and the context leak's shares, travel as zero-padded tables of per-chunk rows (adding
/// zeros is exact) and are added in chunk order, as one process merges them. So the merged
/// metrics are bit-identical.
func accumulateSplit(_ truth: SplitGroundTruth, maps: ScoreMapSource, plan: MetricPlan,
                     communicator: any Communicator) throws -> SplitAccumulators {
    guard communicator.size > 1 else { return try accumulateSplit(truth, maps: maps, plan: plan) }
    let imageCount = truth.imageIDs.count
    let chunkCount = (imageCount + evaluationChunkSize - 1) / evaluationChunkSize
    let mine = Array(stride(from: communicator.rank, to: chunkCount, by: communicator.size))
    let chunks = try forEachChunk(count: mine.count, chunkSize: 1) { positions in
        let chunk = mine[positions.lowerBound]
        var accumulators = SplitAccumulators(plan: plan)
        for index in chunk * evaluationChunkSize..<min(imageCount, (chunk + 1) * evaluationChunkSize) {
            try accumulateImage(index, truth: truth, maps: maps, plan: plan, into: &accumulators)
        }
        accumulators.box?.releaseScratchMemory()
        return accumulators
    }
    var local = SplitAccumulators(plan: plan)
    for chunk in chunks { local.merge(chunk) }
    var total = SplitAccumulators(plan: plan)
    total.addCounterVector(communicator.sum(local.counterVector))
    if total.iouCurve != nil {
        let levels = IoUCurveAccumulator.levelCount
        var table = [Double](repeating: 0, count: chunkCount * levels)
        for (chunk, accumulators) in zip(mine, chunks) {
            table.replaceSubrange(chunk * levels..<(chunk + 1) * levels, with: accumulators.iouCurve!.perImageIoUSum)
        }
        table = communicator.sum(table)
        for chunk in 0..<chunkCount { total.iouCurve?.addPerImageIoUSums(Array(table[chunk * levels..<(chunk + 1) * levels])) }
    }
    if total.leak != nil {
        // Per chunk: (sum of shares, images counted); zeros for other ranks' chunks.
        var table = [Double](repeating: 0, count: chunkCount * 2)
        for (chunk, accumulators) in zip(mine, chunks) {
            (table[2 * chunk], table[2 * chunk + 1]) = (accumulators.leak!.sum, Double(accumulators.leak!.imageCount))
        }
        table = communicator.sum(table)
        for chunk in 0..<chunkCount { total.leak?.add(sum: table[2 * chunk], imageCount: Int(table[2 * chunk + 1])) }
    }
    return total
}

extension SplitAccumulators {
    /// The integer counters of every metric, concatenated (box, pixels, IoU curve).
    var counterVector: [Int] {
        (box?.counterVector ?? []) + (pixels?.counterVector ?? []) + (iouCurve?.counterVector ?? [])
    }

    /// Adds a ``counterVector`` of accumulators with the same plan.
    mutating func addCounterVector(_ vector: [Int]) {
        var offset = 0
        func next(_ count: Int) -> [Int] {
            defer { offset += count }
            return Array(vector[offset..<offset + count])
        }
        if let count = box?.counterVector.count { box?.addCounterVector(next(count)) }
        if let count = pixels?.counterVector.count { pixels?.addCounterVector(next(count)) }
        if let count = iouCurve?.counterVector.count { iouCurve?.addCounterVector(next(count)) }
    }
}
