//! CutMix (Yun et al., ICCV 2019) as used by wsolevaluation: a box of another image of the batch is
//! pasted in, and the loss mixes both labels by the pasted area.
import Foundation
import TensorCore

/// CutMix: with probability `probability`, draw λ ~ Beta(β, β), a partner for every image (a
/// permutation of the batch) and one box per batch of area `(1 − λ)·H·W` (side `√(1 − λ)` of each
/// dimension, centre uniform, clipped to the image); paste the partners' box contents; λ is then
/// corrected to the kept area `1 − boxArea / (H·W)`, and the loss is
/// `λ·CE(labels) + (1 − λ)·CE(partner labels)`. Defaults β 1, probability 1 (methods.md §3.6).
public final class CutMixTraining: WSOLTrainingMethod {
    public let beta: Double
    public let probability: Float
    public var name: String { "cutmix" }

    public init(beta: Double = 1, probability: Float = 1) {
        precondition(beta > 0 && (0...1).contains(probability), "CutMix: beta \(beta) > 0, probability in [0, 1]")
        self.beta = beta
        self.probability = probability
    }

    public func transformInput(_ batch: TrainingBatch, random: inout RandomGenerator) -> TrainingBatch {
        guard random.nextUnitFloat() < probability else { return batch }
        let shape = batch.images.shape
        let (height, width) = (shape[2], shape[3])
        let lambda = BetaSampler.sample(alpha: beta, beta: beta, random: &random)
        var partners = Array(0..<shape[0])
        partners.shuffle(using: &random)
        let box = Self.cutBox(height: height, width: width, lambda: lambda, random: &random)
        // Read from the untouched batch: a partner may itself have been pasted into already.
        let original = batch.images.scalars
        var pixels = original
        let plane = height * width
        for (image, partner) in partners.enumerated() where partner != image {
            for channel in 0..<shape[1] {
                let target = (image * shape[1] + channel) * plane
                let source = (partner * shape[1] + channel) * plane
                for y in box.y0..<box.y1 {
                    for x in box.x0..<box.x1 { pixels[target + y * width + x] = original[source + y * width + x] }
                }
            }
        }
        // The pasted area decides the label share (not the drawn λ, which clipping changes).
        let keptShare = 1 - Float((box.x1 - box.x0) * (box.y1 - box.y0)) / Float(plane)
        return TrainingBatch(images: Tensor(shape: shape, scalars: pixels), labels: batch.labels,
                             mixedLabels: partners.map { batch.labels[$0] }, mixingWeight: keptShare)
    }

    /// The pasted box, half-open: columns `x0..<x1`, rows `y0..<y1`.
    static func cutBox(height: Int, width: Int, lambda: Double, random: inout RandomGenerator)
        -> (x0: Int, y0: Int, x1: Int, y1: Int)
    {
        let ratio = (1 - lambda).squareRoot()
        let (cutWidth, cutHeight) = (Int(Double(width) * ratio), Int(Double(height) * ratio))
        let centreX = Int(random.next() % UInt64(width))
        let centreY = Int(random.next() % UInt64(height))
        return (x0: max(centreX - cutWidth / 2, 0), y0: max(centreY - cutHeight / 2, 0),
                x1: min(centreX + cutWidth / 2, width), y1: min(centreY + cutHeight / 2, height))
    }
}

/// Beta(α, β) draws from two Gamma draws (Marsaglia & Tsang), reproducible from the generator.
enum BetaSampler {
    static func sample(alpha: Double, beta: Double, random: inout RandomGenerator) -> Double {
        let x = gamma(shape: alpha, random: &random)
        let y = gamma(shape: beta, random: &random)
        return x + y > 0 ? x / (x + y) : 0.5
    }

    /// Gamma(shape, 1). For shape < 1, Gamma(shape + 1)·U^(1/shape).
    static func gamma(shape: Double, random: inout RandomGenerator) -> Double {
        if shape < 1 {
            let u = max(Double(random.next() >> 11) * 0x1p-53, .leastNonzeroMagnitude)
            return gamma(shape: shape + 1, random: &random) * pow(u, 1 / shape)
        }
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            let z = Double(random.nextNormal())
            let v = pow(1 + c * z, 3)
            guard v > 0 else { continue }
            let u = Double(random.next() >> 11) * 0x1p-53
            if log(max(u, .leastNonzeroMagnitude)) < 0.5 * z * z + d - d * v + d * log(v) { return d * v }
        }
    }
}
