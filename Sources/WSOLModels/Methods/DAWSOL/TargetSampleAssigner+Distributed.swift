//! DA-WSOL's memory under data-parallel training: every rank ends each step with the memory one
//! process would hold after seeing the whole global batch.
import TensorDistributed

extension TargetSampleAssigner {
    /// The memory before a step: rows `[M_u, M_1 … M_K]` (`(K + 1) · D` values) and their counts.
    public struct Snapshot: Sendable {
        let anchors: [Float]
        let counts: [Float]
    }

    public func snapshot() -> Snapshot {
        Snapshot(anchors: universumAnchor + classAnchors, counts: [universumCount] + classCounts)
    }

    /// Merges every rank's updates since `before` (taken on every rank from the same memory).
    ///
    /// Each anchor is a cumulative mean, so a rank's step adds `count·M − count₀·M₀` to the row's
    /// sum and `count − count₀` to its count; the sums over ranks give the global mean
    /// `(count₀·M₀ + Σ sums) / (count₀ + Σ counts)`, independent of the order the images came in.
    /// Equal to one process up to float rounding, except for a class first seen in the same step
    /// on several ranks (each rank seeds it with its own image, and both seeds enter the mean).
    /// With one process nothing changes.
    public func synchronize(since before: Snapshot, using communicator: any Communicator) {
        guard communicator.size > 1 else { return }
        var totals = contribution(since: before)
        totals.withUnsafeMutableBufferPointer { communicator.allreduceSum($0) }
        apply(totals: totals, since: before)
    }

    /// This rank's change since `before`: per row, `D` weighted sums then the count, in Double.
    func contribution(since before: Snapshot) -> [Double] {
        let (anchors, counts) = (universumAnchor + classAnchors, [universumCount] + classCounts)
        var result = [Double](repeating: 0, count: counts.count * (featureCount + 1))
        for row in counts.indices {
            let base = row * (featureCount + 1)
            for feature in 0..<featureCount {
                let index = row * featureCount + feature
                result[base + feature] = Double(counts[row]) * Double(anchors[index])
                    - Double(before.counts[row]) * Double(before.anchors[index])
            }
            result[base + featureCount] = Double(counts[row] - before.counts[row])
        }
        return result
    }

    /// Sets the memory to `before` plus the summed contributions of all ranks.
    func apply(totals: [Double], since before: Snapshot) {
        var anchors = before.anchors
        var counts = before.counts
        for row in counts.indices {
            let base = row * (featureCount + 1)
            let added = totals[base + featureCount]
            guard added > 0 else { continue }
            let total = Double(before.counts[row]) + added
            for feature in 0..<featureCount {
                let index = row * featureCount + feature
                anchors[index] = Float((Double(before.counts[row]) * Double(before.anchors[index]) + totals[base + feature]) / total)
            }
            counts[row] = Float(total)
        }
        universumAnchor = Array(anchors[0..<featureCount])
        classAnchors = Array(anchors[featureCount...])
        universumCount = counts[0]
        classCounts = Array(counts[1...])
    }
}
