//! Runs the metrics over a split on all cores: fixed-size chunks, merged in order.
import Foundation
import WSOLData
import WSOLEvaluation
import WSOLLocalization

/// Which metrics to accumulate for a split.
struct MetricPlan: Sendable {
    var box: BoxAccuracyConfiguration?
    var maskInterval: Double?
    var dataRoot: String
}

/// The merged accumulators of a split.
struct SplitAccumulators: Sendable {
    var box: BoxAccuracyAccumulator?
    var pixels: PixelPrecisionRecallAccumulator?
    var iouCurve: IoUCurveAccumulator?
    var leak: ContextLeakAccumulator?

    init(plan: MetricPlan) {
        box = plan.box.map { BoxAccuracyAccumulator(configuration: $0) }
        pixels = plan.maskInterval.map { PixelPrecisionRecallAccumulator(interval: $0) }
        iouCurve = plan.maskInterval == nil ? nil : IoUCurveAccumulator()
        leak = plan.maskInterval == nil ? nil : ContextLeakAccumulator()
    }

    mutating func merge(_ other: SplitAccumulators) {
        if let otherBox = other.box { box?.merge(otherBox) }
        if let otherPixels = other.pixels { pixels?.merge(otherPixels) }
        if let otherCurve = other.iouCurve { iouCurve?.merge(otherCurve) }
        if let otherLeak = other.leak { leak?.merge(otherLeak) }
    }
}

/// Results of parallel chunks, written under a lock by the worker threads.
private final class ChunkResults<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Value?]
    private var firstError: (any Error)?

    init(count: Int) { values = [Value?](repeating: nil, count: count) }

    func store(_ value: Value, at index: Int) { lock.withLock { values[index] = value } }
    func fail(_ error: any Error) { lock.withLock { if firstError == nil { firstError = error } } }

    func collect() throws -> [Value] {
        try lock.withLock {
            if let firstError { throw firstError }
            return values.compactMap { $0 }
        }
    }
}

/// Runs `work` over `0..<count` in chunks of `chunkSize` on every core and returns the chunk
/// results in chunk order. Chunks are fixed-size so floating-point merges do not depend on the
/// number of cores. The first error thrown by any chunk is rethrown.
func forEachChunk<Value: Sendable>(count: Int, chunkSize: Int = 32,
                                   _ work: @escaping @Sendable (Range<Int>) throws -> Value) throws -> [Value] {
    let chunkCount = (count + chunkSize - 1) / chunkSize
    let results = ChunkResults<Value>(count: chunkCount)
    DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
        let range = chunk * chunkSize..<min(count, (chunk + 1) * chunkSize)
        do {
            results.store(try work(range), at: chunk)
        } catch {
            results.fail(error)
        }
    }
    return try results.collect()
}

/// Accumulates every metric of `plan` over a split.
func accumulateSplit(_ truth: SplitGroundTruth, maps: ScoreMapSource, plan: MetricPlan) throws -> SplitAccumulators {
    let chunks = try forEachChunk(count: truth.imageIDs.count) { range in
        var accumulators = SplitAccumulators(plan: plan)
        for index in range {
            try accumulateImage(index, truth: truth, maps: maps, plan: plan, into: &accumulators)
        }
        accumulators.box?.releaseScratchMemory()  // chunks wait for the merge: keep only counters
        return accumulators
    }
    var total = SplitAccumulators(plan: plan)
    for chunk in chunks { total.merge(chunk) }
    return total
}

func accumulateImage(_ index: Int, truth: SplitGroundTruth, maps: ScoreMapSource, plan: MetricPlan,
                             into accumulators: inout SplitAccumulators) throws {
    let imageID = truth.imageIDs[index]
    let map = try maps.load(imageID)
    if let boxes = truth.boxes {
        accumulators.box?.accumulate(map.quantized, groundTruth: boxes[index],
                                     classification: truth.classification[index])
    }
    if let masks = truth.masks {
        let mask = try loadGroundTruthMask(masks[index], imageID: imageID, dataRoot: plan.dataRoot, size: maps.size)
        accumulators.pixels?.accumulate(doubleValues: map.values, mask: mask)
        accumulators.iouCurve?.accumulate(map.quantized, mask: mask)
        accumulators.leak?.accumulate(map: map.values, mask: mask)
    }
}

/// Per-image records and candidate boxes at one threshold (the export pass).
func exportSplit(_ truth: SplitGroundTruth, maps: ScoreMapSource, configuration: BoxAccuracyConfiguration,
                 threshold: Double) throws -> (records: [PerImageRecord], boxes: [(imageID: String, boxes: [Box])]) {
    let chunks = try forEachChunk(count: truth.imageIDs.count) { range in
        var records: [PerImageRecord] = []
        var boxes: [(imageID: String, boxes: [Box])] = []
        for index in range {
            let imageID = truth.imageIDs[index]
            let map = try maps.load(imageID).quantized
            let candidates = BoxExtractor.boxes(in: map, threshold: threshold, selection: configuration.selection)
            let best = candidates.map { bestIntersectionOverUnion($0, truth.boxes?[index] ?? []) }.max() ?? 0
            records.append(PerImageRecord(imageID: imageID, classLabel: truth.classLabels[index], threshold: threshold,
                                          bestIoU: best, iouThresholds: configuration.iouThresholds))
            boxes.append((imageID, candidates))
        }
        return ChunkExport(records: records, boxes: boxes)
    }
    return (chunks.flatMap(\.records), chunks.flatMap(\.boxes))
}

private struct ChunkExport: Sendable {
    var records: [PerImageRecord]
    var boxes: [(imageID: String, boxes: [Box])]
}
