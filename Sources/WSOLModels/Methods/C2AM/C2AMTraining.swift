//! C²AM training (Xie et al., CVPR 2022): contrastive class-agnostic activation maps, learned
//! without any label (methods.md §7).
import TensorCore
import TensorNN

/// C²AM as a ``WSOLTrainingMethod``. The model is a ``C2AMModel`` around the configured backbone;
/// every step minimises ``C2AMLoss/total(foreground:background:alpha:)`` of the batch. The batch's
/// labels are never read (the loop still loads them; `logits` are the untouched backbone
/// classifier's, and the model is a ``LabelFreeModel`` so no accuracy is reported).
///
/// Polarity (methods.md §7.4, `check_positive`): the training-mode `P` of the first image of the
/// last batch of epoch 0 is binarised at 0.5; if the mean of its border rows and columns exceeds
/// 0.5 the map is deemed inverted and the model's `polarity` buffer is set to −1 (else 1), which
/// flips the native map everywhere it is used later (evaluation, `wsol localize --run`).
public final class C2AMTraining: WSOLTrainingMethod {
    /// α of the rank weights `exp(−α (rank − 1))`.
    public let alpha: Float
    /// Backbone layers to concatenate (empty = the model's defaults).
    public let layers: [String]
    /// Freeze every BatchNorm affine (the official code never optimises them).
    public let freezesBatchNormAffine: Bool
    /// The last step's `P` of its first image `[h, w]` row-major, for the polarity check.
    private(set) var lastFirstMap: (height: Int, width: Int, values: [Float])?
    public var name: String { "c2am" }

    /// Seed of the disentangler's initial weights.
    public let seed: UInt64

    public init(alpha: Float = 0.05, layers: [String] = [], freezesBatchNormAffine: Bool = false, seed: UInt64 = 0) {
        precondition(alpha >= 0 && alpha.isFinite, "C2AM: alpha must be >= 0")
        self.alpha = alpha
        self.layers = layers
        self.freezesBatchNormAffine = freezesBatchNormAffine
        self.seed = seed
    }

    public func prepareModel(_ backbone: any FeatureMapClassifier) throws -> any FeatureMapClassifier {
        try C2AMModel(backbone: backbone, layers: layers, seed: seed, freezesBatchNormAffine: freezesBatchNormAffine)
    }

    public func step(model: any FeatureMapClassifier, batch: TrainingBatch, random: inout RandomGenerator) -> MethodStepOutput {
        guard let c2am = model as? C2AMModel else { preconditionFailure("C2AM: the model was not prepared by C2AMTraining") }
        let forward = c2am.disentangle(batch.images)
        let shape = forward.foreground.shape
        let plane = shape[2] * shape[3]
        lastFirstMap = (shape[2], shape[3], Array(forward.foreground.scalars[0..<plane]))
        let loss = C2AMLoss.total(foreground: forward.foregroundVectors, background: forward.backgroundVectors, alpha: alpha)
        return MethodStepOutput(loss: loss, logits: forward.logits)
    }

    public func epochFinished(_ epoch: Int, model: any FeatureMapClassifier) {
        guard epoch == 0, let c2am = model as? C2AMModel, let map = lastFirstMap else { return }
        let inverted = Self.borderSaysInverted(map.values, height: map.height, width: map.width)
        c2am.polarity.value = Tensor(shape: [1], scalars: [inverted ? -1 : 1])
    }

    /// `check_positive`: binarise the map (`> 0.5` → 1, else 0), average each of its four border
    /// strips (top row, left column, bottom row, right column; corners belong to two strips), and
    /// call it inverted when the mean of the four strip means exceeds 0.5.
    public static func borderSaysInverted(_ map: [Float], height: Int, width: Int) -> Bool {
        precondition(map.count == height * width && height > 0 && width > 0, "C2AM: map of \(map.count) values for \(height) x \(width)")
        func binary(_ y: Int, _ x: Int) -> Float { map[y * width + x] > 0.5 ? 1 : 0 }
        let top = (0..<width).reduce(0) { $0 + binary(0, $1) } / Float(width)
        let bottom = (0..<width).reduce(0) { $0 + binary(height - 1, $1) } / Float(width)
        let left = (0..<height).reduce(0) { $0 + binary($1, 0) } / Float(height)
        let right = (0..<height).reduce(0) { $0 + binary($1, width - 1) } / Float(height)
        return (top + bottom + left + right) / 4 > 0.5
    }

    public func stateArrays() -> [(String, NamedArray)] {
        guard let map = lastFirstMap else { return [] }
        return [("lastFirstMap", NamedArray(shape: [map.height, map.width], values: map.values))]
    }

    public func loadStateArrays(_ arrays: [String: NamedArray]) throws {
        guard let array = arrays["lastFirstMap"], array.shape.count == 2 else { return }
        lastFirstMap = (array.shape[0], array.shape[1], array.values)
    }
}
