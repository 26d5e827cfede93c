//! DA-WSOL's domain terms: the linear-time multi-kernel MMD (DAN's estimator), the gradient
//! reversal layer and the DANN discriminator loss.
import Foundation
import TensorCore

/// The losses that align the source (image) and target (pixel) feature sets (methods.md §6.4).
public enum DomainAlignmentLoss {
    /// Kernels of the multi-kernel MMD: 5 Gaussians whose bandwidths grow by 2.
    public static let kernelCount = 5
    public static let kernelMultiplier: Float = 2

    /// Mean over images of the linear-time MMD² between `source` and `target`, both `[V, n, D]`
    /// (`V` images, `n` samples each). Per image, with `Z = [S; T]` (`2n` rows):
    /// - bandwidth `β = Σ_{a,b∈Z} ||a − b||² / ((2n)² − 2n) / 2^⌊5/2⌋`, from detached values
    ///   (no gradient flows through it; `β = 1` if every sample is identical);
    /// - `k(a, b) = Σ_{q=0}^{4} exp(−||a − b||² / (β·2^q))` (summed, not averaged);
    /// - `MMD² = (1/n) Σ_j [k(s_j, s_{j+1}) + k(t_j, t_{j+1}) − k(s_j, t_{j+1}) − k(s_{j+1}, t_j)]`,
    ///   indices mod `n`.
    /// Returns a scalar; 0 (a constant) when `V` is 0.
    public static func linearTimeMMD(source: Tensor, target: Tensor) -> Tensor {
        precondition(source.rank == 3 && source.shape == target.shape && source.shape[1] > 1,
                     "linearTimeMMD: source \(source.shape) and target \(target.shape) must be equal [V, n > 1, D]")
        let (count, samples) = (source.shape[0], source.shape[1])
        guard count > 0 else { return Tensor(0) }
        let inverseBandwidths = bandwidths(source: source, target: target).map { 1 / $0 }
        let next = Array(1..<samples) + [0]
        let sourceNext = source.indexSelected(axis: 1, indices: next)
        let targetNext = target.indexSelected(axis: 1, indices: next)
        func kernel(_ a: Tensor, _ b: Tensor) -> Tensor {
            let distances = (a - b) * (a - b)
            return gaussianKernels(distances.sum(axes: [2]), inverseBandwidths: inverseBandwidths)
        }
        let terms = kernel(source, sourceNext) + kernel(target, targetNext)
            - kernel(source, targetNext) - kernel(sourceNext, target)
        return terms.mean()
    }

    /// `Σ_q exp(−d / (β_v·2^q))` for squared distances `d` `[V, n]` and one `1/β_v` per image.
    static func gaussianKernels(_ distances: Tensor, inverseBandwidths: [Float]) -> Tensor {
        let count = distances.shape[0]
        var total: Tensor? = nil
        for power in 0..<kernelCount {
            let scale = Float(pow(Double(kernelMultiplier), Double(power)))
            let factors = Tensor(shape: [count, 1], scalars: inverseBandwidths.map { -$0 / scale })
            let term = exp(distances * factors)
            total = total.map { $0 + term } ?? term
        }
        return total!
    }

    /// The detached bandwidth `β` of each image (see ``linearTimeMMD(source:target:)``), from the
    /// closed form `Σ_{a,b} ||a − b||² = 2m·Σ_a ||a||² − 2·||Σ_a a||²` over the `m = 2n` rows.
    static func bandwidths(source: Tensor, target: Tensor) -> [Float] {
        let (count, samples, depth) = (source.shape[0], source.shape[1], source.shape[2])
        let (sourceValues, targetValues) = (source.detached().scalars, target.detached().scalars)
        let rows = 2 * samples
        return (0..<count).map { image in
            var squares = 0.0
            var column = [Double](repeating: 0, count: depth)
            for values in [sourceValues, targetValues] {
                for index in image * samples * depth..<(image + 1) * samples * depth {
                    let value = Double(values[index])
                    squares += value * value
                    column[index % depth] += value
                }
            }
            let pairSum = 2 * Double(rows) * squares - 2 * column.reduce(0) { $0 + $1 * $1 }
            let mean = max(pairSum, 0) / Double(rows * rows - rows)
            let bandwidth = mean / pow(Double(kernelMultiplier), Double(kernelCount / 2))
            return bandwidth > 0 ? Float(bandwidth) : 1
        }
    }

    /// The gradient reversal layer: the identity forward, `−coefficient ×` the gradient backward.
    /// Written as `(1 + λ)·stop(x) − λ·x`, so it needs no op of its own.
    public static func reversingGradient(_ x: Tensor, coefficient: Float) -> Tensor {
        (1 + coefficient) * x.detached() - coefficient * x
    }

    /// DANN's reversal coefficient at training progress `p` in [0, 1): `2/(1 + e^−p) − 1` (the
    /// official code has no ×10 in the exponent, so it stays below 0.47).
    public static func reversalCoefficient(progress: Double) -> Float {
        Float(2 / (1 + exp(-progress)) - 1)
    }

    /// DANN's domain loss `½[BCE(D(S), 1) + BCE(D(T), 0)]` from the discriminator's logits
    /// (`D` includes the sigmoid), each BCE a mean over its samples.
    public static func adversarialLoss(sourceLogits: Tensor, targetLogits: Tensor) -> Tensor {
        let sourceLoss = binaryCrossEntropyWithLogits(sourceLogits, targets: .ones(shape: sourceLogits.shape))
        let targetLoss = binaryCrossEntropyWithLogits(targetLogits, targets: .zeros(shape: targetLogits.shape))
        return 0.5 * (sourceLoss + targetLoss)
    }
}
