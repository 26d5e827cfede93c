//! Ablation-CAM (Desai & Ramaswamy, WACV 2020).
import TensorCore

/// Ablation-CAM: `w_k = (y^c − y^c_{A_k := 0}) / y^c`, the relative drop of the target logit when
/// channel `k` of the layer is zeroed, `M = Σ_k w_k A_k`; ReLU by default. No gradients;
/// `C` forward passes per image (through ``FeatureMapClassifier``'s `replacing:`), in batches of
/// ``batchSize`` ablated copies. A logit of exactly 0 is replaced by `1e-7` in the division.
public struct AblationCAM: LocalizationMethod {
    /// Ablated copies per forward pass.
    public var batchSize: Int

    public init(batchSize: Int = 32) {
        self.batchSize = Swift.max(1, batchSize)
    }

    public var name: String { "ablationcam" }
    public var appliesReLU: Bool { true }
    public var needsGradients: Bool { false }

    public func rawMaps(_ capture: ForwardCapture, classes: [Int]) throws -> Tensor {
        withNoGrad {
            let maps = (0..<capture.batchSize).map { n in
                let activation = MapMath.image(capture.activation, n)
                let score = capture.logits[n, classes[n]]
                let divisor = score == 0 ? Float(1e-7) : score
                let ablated = ablatedScores(capture, image: n, target: classes[n])
                let weights = Tensor(shape: [1, ablated.count], scalars: ablated.map { (score - $0) / divisor })
                return MapMath.weightedChannelSum(activation, weights: weights)
            }
            return concat(maps, axis: 0)
        }
    }

    /// The target logit with each channel of image `n`'s activation zeroed in turn, `C` values.
    private func ablatedScores(_ capture: ForwardCapture, image n: Int, target: Int) -> [Float] {
        let image = MapMath.image(capture.images, n)
        let activation = MapMath.image(capture.activation, n)
        let (channels, plane) = (capture.channelCount, activation.shape[2] * activation.shape[3])
        var scores: [Float] = []
        scores.reserveCapacity(channels)
        var start = 0
        while start < channels {
            let count = Swift.min(batchSize, channels - start)
            var copies = activation.broadcast(to: [count] + Array(activation.shape.dropFirst())).detached()
            copies.withUnsafeMutableBufferPointer { values in
                for copy in 0..<count {
                    let offset = (copy * channels + start + copy) * plane
                    for i in 0..<plane { values[offset + i] = 0 }
                }
            }
            let inputs = image.broadcast(to: [count] + Array(image.shape.dropFirst()))
            let output = capture.model.forward(inputs, capture: [], replacing: (capture.layer, copies))
            scores += output.logits.sliced(axis: 1, range: target..<(target + 1)).scalars
            start += count
        }
        return scores
    }
}
