//! Score-CAM (Wang et al., CVPRW 2020).
import TensorCore

/// Score-CAM: each channel, upsampled to the input size and min-max normalised (`H_k`), masks
/// the input; the masked image's target logit is the channel's score `s_k`; `w = softmax_k(s)`,
/// `M = Σ_k w_k A_k`; ReLU by default. No gradients; `C` forward passes per image, run in
/// batches of ``batchSize`` masked images.
///
/// Choices (pytorch-grad-cam's variant): scores are pre-softmax logits of the target class and the
/// softmax runs over channels. Upsampling is OpenCV-style bilinear (half-pixel centres), not
/// PyTorch's align-corners one. A constant channel gives an all-zero mask (the reference divides
/// by zero there).
public struct ScoreCAM: LocalizationMethod {
    /// Masked images per forward pass.
    public var batchSize: Int

    public init(batchSize: Int = 32) {
        self.batchSize = Swift.max(1, batchSize)
    }

    public var name: String { "scorecam" }
    public var appliesReLU: Bool { true }
    public var needsGradients: Bool { false }

    public func rawMaps(_ capture: ForwardCapture, classes: [Int]) throws -> Tensor {
        try withNoGrad {
            let maps = (0..<capture.batchSize).map { n in
                let activation = MapMath.image(capture.activation, n)
                let scores = channelScores(capture, image: n, target: classes[n])
                let weights = softmax(scores.reshaped(to: [1, scores.count]), axis: 1)
                return MapMath.weightedChannelSum(activation, weights: weights)
            }
            guard !maps.isEmpty else { throw LocalizationError.invalidOption("empty batch") }
            return concat(maps, axis: 0)
        }
    }

    /// `s_k` for every channel of image `n`, `[C]`.
    private func channelScores(_ capture: ForwardCapture, image n: Int, target: Int) -> Tensor {
        let image = MapMath.image(capture.images, n)                   // [1, 3, H, W]
        let (height, width) = (image.shape[2], image.shape[3])
        let channels = MapMath.image(capture.activation, n).reshaped(to: [capture.channelCount, 1,
                                                                         capture.activation.shape[2],
                                                                         capture.activation.shape[3]])
        var scores: [Float] = []
        scores.reserveCapacity(capture.channelCount)
        var start = 0
        while start < capture.channelCount {
            // Masks are made per chunk so that C input-sized masks never coexist.
            let end = Swift.min(start + batchSize, capture.channelCount)
            let chunk = channels.sliced(axis: 0, range: start..<end)
            let masks = Self.minMaxPerPlane(upsample(chunk, height: height, width: width, method: .bilinear))
            let logits = capture.model(image * masks)   // [b, 3, H, W] -> [b, K]
            scores += logits.sliced(axis: 1, range: target..<(target + 1)).scalars
            start = end
        }
        return Tensor(shape: [scores.count], scalars: scores)
    }

    /// `(x - min) / (max - min)` per plane of `[P, 1, H, W]`; constant planes become zeros.
    static func minMaxPerPlane(_ planes: Tensor) -> Tensor {
        let lows = planes.min(axes: [2, 3], keepDims: true), highs = planes.max(axes: [2, 3], keepDims: true)
        let range = highs - lows
        let safeRange = select(range .> 0, range, Tensor(1))
        return select(range .> 0, (planes - lows) / safeRange, Tensor(0))
    }
}
