//! WSOL training methods plug into one training loop through three hooks: input transformation
//! (HaS, CutMix), the forward pass (feature transformation: ADL) and the loss (label mixing, extra terms).
import TensorCore
import TensorDistributed
import TensorNN

/// One training batch as a method sees it.
public struct TrainingBatch {
    /// Normalised images `[N, 3, H, W]`.
    public var images: Tensor
    /// Class labels, `N` values in `0..<K`.
    public var labels: [Int]
    /// Set by label-mixing methods (CutMix): image `i` also shows `mixedLabels[i]`, whose share of
    /// the loss is `1 - mixingWeight`.
    public var mixedLabels: [Int]?
    /// The share of `labels` in the loss when `mixedLabels` is set (CutMix's λ).
    public var mixingWeight: Float
    /// Each image's boxes from the training split's metadata, in the `H x W` input frame after
    /// augmentation (empty lists when the split has none). Read only by box-supervised methods
    /// (the class-agnostic box regressor trained on pseudo boxes).
    public var boxes: [[TrainingBox]]

    public init(images: Tensor, labels: [Int], mixedLabels: [Int]? = nil, mixingWeight: Float = 1,
                boxes: [[TrainingBox]]? = nil) {
        precondition(images.rank == 4 && images.shape[0] == labels.count,
                     "TrainingBatch: images \(images.shape) for \(labels.count) labels")
        precondition(boxes == nil || boxes!.count == labels.count, "TrainingBatch: box lists for \(boxes!.count) images")
        self.images = images
        self.labels = labels
        self.mixedLabels = mixedLabels
        self.mixingWeight = mixingWeight
        self.boxes = boxes ?? Array(repeating: [], count: labels.count)
    }
}

/// A box in an input frame's pixels: `(x0, y0)` the top-left, `(x1, y1)` the bottom-right corner,
/// in the coordinates the metadata uses (`x` a column, `y` a row).
public struct TrainingBox: Sendable, Equatable {
    public var x0: Float, y0: Float, x1: Float, y1: Float

    public init(x0: Float, y0: Float, x1: Float, y1: Float) {
        (self.x0, self.y0, self.x1, self.y1) = (x0, y0, x1, y1)
    }

    /// `(x1 − x0)·(y1 − y0)`, 0 when inverted.
    public var area: Float { max(x1 - x0, 0) * max(y1 - y0, 0) }
}

/// What one training step of a method produces.
public struct MethodStepOutput {
    /// The scalar loss to minimise (recorded for autodiff).
    public var loss: Tensor
    /// Logits `[N, K]`, for running classification accuracy.
    public var logits: Tensor

    public init(loss: Tensor, logits: Tensor) {
        self.loss = loss
        self.logits = logits
    }
}

/// A weakly-supervised training method: vanilla CAM, HaS, CutMix, ADL, and later DA-WSOL, C²AM,
/// CI-CAM as one new file each.
///
/// The loop calls ``step(model:batch:random:)`` once per batch; its default runs the three hooks
/// in order, so most methods override one hook only. `random` is derived by the loop from
/// `(seed, global step)`, so a resumed run draws the same numbers as an uninterrupted one without
/// any generator state in the checkpoint. Methods with learned state (memories, context pools)
/// save it through ``stateArrays()``/``loadStateArrays(_:)``.
public protocol WSOLTrainingMethod: AnyObject {
    /// The name used in configs and logs (`cam`, `has`, `cutmix`, `adl`).
    var name: String { get }
    /// Changes the input before the forward pass (erasing, mixing). Default: unchanged.
    func transformInput(_ batch: TrainingBatch, random: inout RandomGenerator) -> TrainingBatch
    /// The training-mode forward pass. Default: `model(batch.images)`.
    func logits(model: any FeatureMapClassifier, batch: TrainingBatch, random: inout RandomGenerator) -> Tensor
    /// The loss of `logits`. Default: cross-entropy, mixed by `mixingWeight` when labels are mixed.
    func loss(logits: Tensor, batch: TrainingBatch) -> Tensor
    /// A whole step; override only to change the hook order (e.g. two forward passes).
    func step(model: any FeatureMapClassifier, batch: TrainingBatch, random: inout RandomGenerator) -> MethodStepOutput
    /// The model the method trains, built around the configured backbone (called once, before
    /// the optimizer is made and any checkpoint is restored). Methods with their own heads (C²AM's
    /// disentangler, CI-CAM's context branch, a DANN discriminator) return a wrapping module whose
    /// parameters include them; checkpoints save and `wsol localize --run` rebuilds whatever this
    /// returns. Default: the backbone itself.
    func prepareModel(_ backbone: any FeatureMapClassifier) throws -> any FeatureMapClassifier
    /// Method state for checkpoints. Default: none.
    func stateArrays() -> [(String, NamedArray)]
    /// Restores ``stateArrays()``. Default: nothing to restore.
    func loadStateArrays(_ arrays: [String: NamedArray]) throws
    /// Called by the loop after the last batch of `epoch` (0-based), before that epoch's
    /// evaluation and checkpoint (C²AM's polarity check after epoch 0). Default: nothing.
    func epochFinished(_ epoch: Int, model: any FeatureMapClassifier)
    /// Data-parallel training (docs/distributed.md): called by the loop on every rank after each
    /// optimizer step, with the job's communicator (also with a single process: then rank 0 of 1).
    /// A method with global state that its steps update from the local batch (memories, context
    /// pools, running prototypes) reduces that state here, e.g. with `communicator.sum(_:)` or
    /// `allreduceSum` of the batch's contributions, so that every rank holds the same state as a
    /// single process that saw the whole global batch. Every rank must make the same calls in the
    /// same order. Default: nothing to synchronise.
    func synchronize(using communicator: any Communicator)
    /// Called by the loop before every step with the run's position (methods with a start epoch
    /// or a progress-dependent coefficient read it here). Default: nothing.
    func prepareStep(at position: TrainingPosition)
}

extension WSOLTrainingMethod {
    public func transformInput(_ batch: TrainingBatch, random: inout RandomGenerator) -> TrainingBatch { batch }

    public func logits(model: any FeatureMapClassifier, batch: TrainingBatch, random: inout RandomGenerator) -> Tensor {
        model(batch.images)
    }

    public func loss(logits: Tensor, batch: TrainingBatch) -> Tensor {
        let primary = crossEntropy(logits, labels: batch.labels)
        guard let mixed = batch.mixedLabels else { return primary }
        let weight = batch.mixingWeight
        return primary * weight + crossEntropy(logits, labels: mixed) * (1 - weight)
    }

    public func step(model: any FeatureMapClassifier, batch: TrainingBatch, random: inout RandomGenerator) -> MethodStepOutput {
        let transformed = transformInput(batch, random: &random)
        let logits = logits(model: model, batch: transformed, random: &random)
        return MethodStepOutput(loss: loss(logits: logits, batch: transformed), logits: logits)
    }

    public func prepareModel(_ backbone: any FeatureMapClassifier) throws -> any FeatureMapClassifier { backbone }

    public func stateArrays() -> [(String, NamedArray)] { [] }
    public func loadStateArrays(_ arrays: [String: NamedArray]) throws {}
    public func epochFinished(_ epoch: Int, model: any FeatureMapClassifier) {}
    public func synchronize(using communicator: any Communicator) {}
    public func prepareStep(at position: TrainingPosition) {}
}

/// Vanilla CAM training (wsolevaluation's baseline): plain cross-entropy on the logits.
public final class VanillaCAMTraining: WSOLTrainingMethod {
    public var name: String { "cam" }
    public init() {}
}
