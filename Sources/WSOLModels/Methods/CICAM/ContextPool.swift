//! CI-CAM's causal context pool: a per-class running summary of class activation maps
//! (methods.md §5.3), the confounder set `z` of the back-door adjustment.

/// The arithmetic of the pool `M` `[K, h, w]` (row-major `[Float]`), kept free of tensors so the
/// update can be checked by hand.
///
/// One training update, from the up-branch CAMs of a batch:
/// 1. `S` = zeros `[K, h, w]`; each sample whose top-1 up prediction equals its label `y` adds its
///    raw `CAM_up[y]` to channel `y` (samples of one class are summed);
/// 2. `S ← standardise(S)`; 3. `M ← M + rate·S`; 4. `M ← standardise(M)`.
/// `standardise` is what the official code's `BatchNorm2d(K)` does to a batch of one in training
/// mode with γ = 1, β = 0: each channel minus its mean over the `h·w` positions, divided by
/// `sqrt(biased variance + 1e-5)`; an all-zero channel stays zero.
public enum ContextPool {
    /// BatchNorm's ε in the official standardisation.
    public static let epsilon: Float = 1e-5

    /// Each of the `channels` planes of `values` (`plane` values each) standardised in place.
    public static func standardize(_ values: inout [Float], channels: Int, plane: Int) {
        precondition(values.count == channels * plane, "ContextPool: \(values.count) values for \(channels) x \(plane)")
        for channel in 0..<channels {
            let range = channel * plane..<(channel + 1) * plane
            var mean: Double = 0
            for index in range { mean += Double(values[index]) }
            mean /= Double(plane)
            var variance: Double = 0
            for index in range { variance += (Double(values[index]) - mean) * (Double(values[index]) - mean) }
            variance /= Double(plane)
            let scale = 1 / (variance + Double(epsilon)).squareRoot()
            for index in range { values[index] = Float((Double(values[index]) - mean) * scale) }
        }
    }

    /// The per-class sum `S` `[K, h, w]` of the correctly classified samples' own-class CAMs.
    /// - Parameters:
    ///   - cams: up-branch CAMs `[N, K, h, w]` row-major.
    ///   - predictions: top-1 up-branch class per sample; `labels`: ground truth.
    public static func correctClassSum(cams: [Float], classCount: Int, plane: Int,
                                       predictions: [Int], labels: [Int]) -> [Float] {
        precondition(cams.count == labels.count * classCount * plane && predictions.count == labels.count,
                     "ContextPool: CAMs of \(cams.count) values for \(labels.count) samples x \(classCount) x \(plane)")
        var sum = [Float](repeating: 0, count: classCount * plane)
        for (sample, label) in labels.enumerated() where predictions[sample] == label {
            let source = (sample * classCount + label) * plane
            for index in 0..<plane { sum[label * plane + index] += cams[source + index] }
        }
        return sum
    }

    /// The pool after one update with the batch sum `S` (steps 2-4 above).
    public static func updated(pool: [Float], batchSum: [Float], rate: Float, classCount: Int, plane: Int) -> [Float] {
        precondition(pool.count == batchSum.count, "ContextPool: pool and batch sum differ in size")
        var standardizedSum = batchSum
        standardize(&standardizedSum, channels: classCount, plane: plane)
        var next = zip(pool, standardizedSum).map { $0 + rate * $1 }
        standardize(&next, channels: classCount, plane: plane)
        return next
    }
}
