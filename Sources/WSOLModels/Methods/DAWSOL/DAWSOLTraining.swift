//! DA-WSOL (Zhu et al., CVPR 2022): WSOL as domain adaptation between the image-level features the
//! classifier is trained on (source) and the pixel-level features its CAM is read from (target).
import TensorCore
import TensorNN
import TensorDistributed

/// DA-WSOL on top of a base method (CAM, HaS, CutMix, ADL): the base method's input transform,
/// forward pass and loss run unchanged; from the epoch after `startEpoch` (0-based, as the
/// official `epoch > start_epoch`) the loss gains `beta·L_d + univer·L_u` (methods.md §6.4):
/// - the Target Sample Assigner splits each image's CAM-layer pixels into `T^u`, `T^f`, `T^t`;
/// - `L_d`: ``DomainAlignmentLoss/linearTimeMMD(source:target:)`` between the source sets
///   `[z_i; n − 1 pixels of T^f]` and the target sets (`n` pixels of `T^t`) of the valid images
///   (0 when no image of the batch is valid), or DANN's discriminator loss behind a gradient
///   reversal layer;
/// - `L_u`: the mean of all entries of the `T^u` pixel features (as the official code; the paper
///   motivates it as a Universum regulariser that makes the estimator see the background of the
///   target domain, and post-ReLU this is an L1 shrinkage of those features toward 0).
/// With CutMix (mixed labels) both terms are computed for each label set and mixed by its share.
/// The TSA memory is method state, saved in every checkpoint.
public final class DAWSOLTraining: WSOLTrainingMethod {
    /// How `L_d` aligns the two domains.
    public enum Alignment: String, Sendable, CaseIterable {
        case mmd, dann
    }

    public let base: any WSOLTrainingMethod
    public let alignment: Alignment
    /// λ1, the weight of `L_d` (official `--beta`).
    public let beta: Float
    /// λ2, the weight of `L_u` (official `--univer`).
    public let univer: Float
    /// The domain terms start after this epoch (0-based).
    public let startEpoch: Int
    /// `n`, the size of each source and target set.
    public let sampleCount: Int
    /// Seed of the DANN discriminator's initial weights.
    public let seed: UInt64
    /// The TSA, created by ``prepareModel(_:)`` (it needs K and D).
    public private(set) var assigner: TargetSampleAssigner?
    /// The memory when the current step began (for ``synchronize(using:)``).
    private var memoryBeforeStep: TargetSampleAssigner.Snapshot?
    /// What the last step measured (for tests and diagnostics).
    public private(set) var lastStatistics = Statistics()
    var position = TrainingPosition(epoch: 0, epochs: 1, globalStep: 0, totalSteps: 1)

    public var name: String { "dawsol" }

    /// The domain terms of the last step.
    public struct Statistics: Sendable, Equatable {
        public var validImages = 0
        public var alignmentLoss: Float = 0
        public var universumLoss: Float = 0
        public var universumPixels = 0
    }

    public init(base: any WSOLTrainingMethod, alignment: Alignment = .mmd, beta: Float = 0.3, univer: Float = 0.3,
                startEpoch: Int = 0, sampleCount: Int = 32, seed: UInt64 = 0) {
        precondition(beta >= 0 && univer >= 0 && startEpoch >= 0 && sampleCount > 1,
                     "DA-WSOL: beta, univer, startEpoch >= 0 and sampleCount > 1")
        (self.base, self.alignment, self.beta, self.univer) = (base, alignment, beta, univer)
        (self.startEpoch, self.sampleCount, self.seed) = (startEpoch, sampleCount, seed)
    }

    /// Whether the domain terms are on for the current step.
    public var isAdapting: Bool { position.epoch > startEpoch }

    public func prepareModel(_ backbone: any FeatureMapClassifier) throws -> any FeatureMapClassifier {
        guard let classifier = try base.prepareModel(backbone) as? any GAPLinearClassifier else {
            throw StateDictError(reason: "DA-WSOL needs a GAP-linear (CAM) architecture; this model has no GAP + linear head")
        }
        let model = DomainAdaptiveClassifier(backbone: classifier, discriminatorSeed: alignment == .dann ? seed &+ 0xDA : nil)
        assigner = TargetSampleAssigner(classCount: model.classCount, featureCount: model.featureCount, sampleCount: sampleCount)
        return model
    }

    public func prepareStep(at position: TrainingPosition) {
        self.position = position
        memoryBeforeStep = assigner?.snapshot()
        base.prepareStep(at: position)
    }

    /// Data-parallel training: merges the ranks' memory updates of this step
    /// (``TargetSampleAssigner/synchronize(since:using:)``), then the base method's state.
    public func synchronize(using communicator: any Communicator) {
        if let assigner, let memoryBeforeStep { assigner.synchronize(since: memoryBeforeStep, using: communicator) }
        base.synchronize(using: communicator)
    }

    public func step(model: any FeatureMapClassifier, batch: TrainingBatch, random: inout RandomGenerator) -> MethodStepOutput {
        let transformed = base.transformInput(batch, random: &random)
        guard isAdapting, let assigner, let adaptive = model as? DomainAdaptiveClassifier else {
            let logits = base.logits(model: model, batch: transformed, random: &random)
            return MethodStepOutput(loss: base.loss(logits: logits, batch: transformed), logits: logits)
        }
        let recorder = FeatureRecordingModel(model: model, layer: adaptive.camLayer)
        let logits = base.logits(model: recorder, batch: transformed, random: &random)
        guard let features = recorder.recorded else { preconditionFailure("DA-WSOL: the base method ran no forward pass") }
        var terms = domainTerms(features: features, labels: transformed.labels, assigner: assigner, model: adaptive, random: &random)
        if let mixed = transformed.mixedLabels {
            let other = domainTerms(features: features, labels: mixed, assigner: assigner, model: adaptive, random: &random)
            let share = transformed.mixingWeight
            terms = (terms.alignment * share + other.alignment * (1 - share), terms.universum * share + other.universum * (1 - share))
        }
        lastStatistics.alignmentLoss = terms.alignment.scalar
        lastStatistics.universumLoss = terms.universum.scalar
        let loss = base.loss(logits: logits, batch: transformed) + beta * terms.alignment + univer * terms.universum
        return MethodStepOutput(loss: loss, logits: logits)
    }

    /// `(L_d, L_u)` for `features` `[N, D, h, w]` (with gradients) and one label per image.
    func domainTerms(features: Tensor, labels: [Int], assigner: TargetSampleAssigner, model: DomainAdaptiveClassifier,
                     random: inout RandomGenerator) -> (alignment: Tensor, universum: Tensor) {
        let imageFeatures = features.mean(axes: [2, 3])
        let assignment = assigner.assign(pixelFeatures: features, imageFeatures: imageFeatures, labels: labels, random: &random)
        lastStatistics.validImages = assignment.samples.count
        let universum = universumLoss(features: features, clusters: assignment.labels)
        guard !assignment.samples.isEmpty else { return (Tensor(0), universum) }
        let (source, target) = sampleSets(features: features, imageFeatures: imageFeatures, assignment: assignment)
        switch alignment {
        case .mmd:
            return (DomainAlignmentLoss.linearTimeMMD(source: source, target: target), universum)
        case .dann:
            guard let discriminator = model.discriminator else { preconditionFailure("DA-WSOL DANN: the model has no discriminator") }
            let coefficient = DomainAlignmentLoss.reversalCoefficient(progress: position.progress)
            let depth = source.shape[2]
            func logits(_ samples: Tensor) -> Tensor {
                discriminator(DomainAlignmentLoss.reversingGradient(samples.reshaped(to: [-1, depth]), coefficient: coefficient))
            }
            return (DomainAlignmentLoss.adversarialLoss(sourceLogits: logits(source), targetLogits: logits(target)), universum)
        }
    }

    /// The source `[V, n, D]` and target `[V, n, D]` sets of the valid images, with gradients.
    func sampleSets(features: Tensor, imageFeatures: Tensor, assignment: TargetSampleAssigner.Assignment) -> (Tensor, Tensor) {
        let (count, depth) = (features.shape[0], features.shape[1])
        let pointCount = features.shape[2] * features.shape[3]
        let pixels = features.reshaped(to: [count, depth, pointCount]).permuted([0, 2, 1]).reshaped(to: [count * pointCount, depth])
        // Rows 0..<N are the image features z_i, then the N·P pixel features.
        let rows = concat([imageFeatures, pixels], axis: 0)
        let sourceRows = assignment.samples.flatMap { sample in
            [sample.image] + sample.source.map { count + sample.image * pointCount + $0 }
        }
        let targetRows = assignment.samples.flatMap { sample in sample.target.map { count + sample.image * pointCount + $0 } }
        let shape = [assignment.samples.count, sampleCount, depth]
        return (rows.indexSelected(axis: 0, indices: sourceRows).reshaped(to: shape),
                rows.indexSelected(axis: 0, indices: targetRows).reshaped(to: shape))
    }

    /// `L_u`: the mean of every entry of the `T^u` pixel features (0 when there are none).
    func universumLoss(features: Tensor, clusters: [Int]) -> Tensor {
        let (count, depth, rows, columns) = (features.shape[0], features.shape[1], features.shape[2], features.shape[3])
        let mask = clusters.map { $0 == 0 ? Float(1) : 0 }
        let pixels = Int(mask.reduce(0, +))
        lastStatistics.universumPixels = pixels
        guard pixels > 0 else { return Tensor(0) }
        let selected = features * Tensor(shape: [count, 1, rows, columns], scalars: mask)
        return selected.sum() / Float(pixels * depth)
    }

    public func stateArrays() -> [(String, NamedArray)] {
        (assigner?.stateArrays() ?? []) + base.stateArrays().map { ("base." + $0.0, $0.1) }
    }

    public func loadStateArrays(_ arrays: [String: NamedArray]) throws {
        try assigner?.loadStateArrays(arrays)
        var baseArrays: [String: NamedArray] = [:]
        for (key, value) in arrays where key.hasPrefix("base.") { baseArrays[String(key.dropFirst(5))] = value }
        try base.loadStateArrays(baseArrays)
    }

    /// The TSA clusters (0 = `T^u`, 1 = `T^f`, 2 = `T^t`) of every CAM-layer pixel of `images`
    /// `[N, 3, H, W]` for `labels`, under the current memory (unchanged): `N × h × w` values and
    /// the map size. For visualisation; run the model in evaluation mode.
    public func assignmentClusters(model: any GAPLinearClassifier, images: Tensor, labels: [Int]) -> (clusters: [Int], height: Int, width: Int) {
        guard let assigner else { preconditionFailure("DA-WSOL: prepareModel was not called") }
        return withNoGrad {
            let features = model.forward(images, capture: [model.camLayer]).features[model.camLayer]!
            let clusters = assigner.clusters(pixelFeatures: features, imageFeatures: features.mean(axes: [2, 3]), labels: labels)
            return (clusters, features.shape[2], features.shape[3])
        }
    }
}
