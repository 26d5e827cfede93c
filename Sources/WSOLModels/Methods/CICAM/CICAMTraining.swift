//! CI-CAM training (methods.md §5.3-5.4, teacher losses of §5.6): CE(up) + CE(down), the
//! context-pool update every step, and the optional auxiliary losses of KD-CI-CAM's teachers.
import TensorCore
import TensorDistributed
import TensorNN

/// The teachers' extra classification of the masked image (methods.md §5.6).
public enum CICAMAuxiliaryLoss: String, CaseIterable, Sendable, Codable {
    case none
    /// `+ rate·CE(z_fg, y)`.
    case fore
    /// `+ rate·CE(z_fg − z_bg, y)`.
    case diff
    /// `+ rate·CE((z_fg − z_bg + z_down)/2, y)`.
    case aux
}

/// The settings of a CI-CAM network and its training.
public struct CICAMOptions: Sendable, Equatable {
    /// Pool update rate λ_u (0.01 in CI-CAM).
    public var updateRate: Float = 0.01
    /// Layers followed by a self-attention block; empty = ``CICAMTraining/defaultAttentionLayers(for:)``.
    public var attentionLayers: [String] = []
    public var combination: RankCombination = .quadratic
    /// m of `sum_1`/`sum_2`.
    public var lowestCount = 20
    public var auxiliary: CICAMAuxiliaryLoss = .none
    public var auxiliaryRate: Float = 1
    /// The mask of the auxiliary losses: combinational map `> segThreshold·max` (after bilinear upsampling).
    public var segThreshold: Float = 0.08
    /// 0: none; 1: `rate·mean(M)` of the combinational map at `h x w`; 2: after upsampling.
    public var sparsity = 0
    public var sparsityRate: Float = 0.04
    /// Input side used to size the pool (the training crop).
    public var inputSize = 224
    public init() {}
}

/// CI-CAM (Shao et al., ACM MM 2021) as a ``WSOLTrainingMethod``: wraps the backbone in a
/// ``CICAMModel`` and trains it with `CE(z_up, y) + CE(z_down, y)` (+ auxiliary terms), updating
/// the context pool from the up branch of every training batch.
public final class CICAMTraining: WSOLTrainingMethod {
    /// This step's pool update, applied after the optimizer step (``synchronize(using:)``).
    let poolUpdate = PendingPoolUpdate()
    public let options: CICAMOptions
    public var name: String { "ci-cam" }

    public init(options: CICAMOptions = CICAMOptions()) { self.options = options }

    public func prepareModel(_ backbone: any FeatureMapClassifier) throws -> any FeatureMapClassifier {
        try Self.makeModel(backbone, options: options)
    }

    /// Wraps `backbone` (must be GAP-linear) with attention blocks after `options.attentionLayers`.
    /// - Throws: ``CICAMSetupError`` for an unsupported backbone or an unknown layer.
    public static func makeModel(_ backbone: any FeatureMapClassifier, options: CICAMOptions, seed: UInt64 = 0) throws -> CICAMModel {
        guard let classifier = backbone as? any GAPLinearClassifier else {
            throw CICAMSetupError(reason: "\(type(of: backbone)) has no GAP-linear head (use tiny, small, mobilenetv2, vgg16-cam, inceptionv3-cam or resnet50-cam)")
        }
        let layers = options.attentionLayers.isEmpty ? defaultAttentionLayers(for: classifier) : options.attentionLayers
        if let unknown = layers.first(where: { !classifier.featureLayerNames.contains($0) }) {
            throw CICAMSetupError(reason: "attention layer '\(unknown)' is not one of \(classifier.featureLayerNames.joined(separator: ", "))")
        }
        // One probe pass tells the attention blocks' channels and the pool's extent.
        let probe = classifier.featureShapes(of: Set(layers + [classifier.camLayer]),
                                             height: options.inputSize, width: options.inputSize)
        let map = probe[classifier.camLayer]!
        return CICAMModel(backbone: classifier, attentionLayers: layers, attentionChannels: layers.map { probe[$0]![1] },
                          mapSize: (map[2], map[3]), combination: options.combination,
                          lowestCount: options.lowestCount, seed: seed)
    }

    /// Where the official code puts its blocks, mapped to each backbone: VGG16 after pool2, pool3,
    /// pool4 and conv5_3; InceptionV3 after maxpool2, Mixed_5d, Mixed_6e; the small networks after
    /// their last stages (a block on a 32x32 map costs a 1024x1024 attention per image).
    public static func defaultAttentionLayers(for model: any GAPLinearClassifier) -> [String] {
        switch model {
        case is TinyCAMNet: return ["block2", "block3"]
        case is SmallResNet: return ["layer3", "layer4"]
        case let vgg as VGG16CAM: return vgg.largeFeatureMap ? ["features.9", "features.16", "features.28"]
                                                             : ["features.9", "features.16", "features.23", "features.29"]
        case is InceptionV3CAM: return ["maxpool2", "Mixed_5d", "Mixed_6e"]
        case is MobileNetV2: return ["features.13", "features.18"]
        default: return [model.camLayer]
        }
    }

    /// Applies the step's context-pool update, summed over ranks under data-parallel training.
    public func synchronize(using communicator: any Communicator) {
        poolUpdate.apply(using: communicator)
    }

    public func step(model: any FeatureMapClassifier, batch: TrainingBatch, random: inout RandomGenerator) -> MethodStepOutput {
        let network = model as! CICAMModel
        let branches = network.branches(batch.images)
        var loss = crossEntropy(branches.upLogits, labels: batch.labels) + crossEntropy(branches.downLogits, labels: batch.labels)
        loss = loss + Self.teacherLosses(network, branches: branches, batch: batch, options: options)
        if network.isTraining {
            // Applied in synchronize(using:), after the ranks' sums are added (PendingPoolUpdate).
            let batchSum = withNoGrad { network.poolBatchSum(upCAMs: branches.upCAMs, upLogits: branches.upLogits, labels: batch.labels) }
            poolUpdate.record(model: network, batchSum: batchSum, rate: options.updateRate)
        }
        return MethodStepOutput(loss: loss, logits: branches.downLogits)
    }

    /// The auxiliary and sparsity terms (zero when both are off).
    static func teacherLosses(_ network: CICAMModel, branches: CICAMBranches, batch: TrainingBatch, options: CICAMOptions) -> Tensor {
        var loss = Tensor(0)
        let (height, width) = (batch.images.shape[2], batch.images.shape[3])
        if options.sparsity > 0 {
            let combined = network.combinedMaps(branches.downCAMs, rankedBy: branches.downLogits)
            let measured = options.sparsity == 1 ? combined : upsample(combined, height: height, width: width, method: .bilinear)
            loss = loss + measured.mean() * options.sparsityRate
        }
        guard options.auxiliary != .none else { return loss }
        let mask = withNoGrad {
            let combined = network.combinedMaps(branches.downCAMs, rankedBy: branches.downLogits)
            return foregroundMask(upsample(combined, height: height, width: width, method: .bilinear), threshold: options.segThreshold)
        }
        let foreground = maskedLogits(network, batch.images * mask)
        let target: Tensor
        switch options.auxiliary {
        case .fore: target = foreground
        case .diff: target = foreground - maskedLogits(network, batch.images * (1 - mask))
        default: target = (foreground - maskedLogits(network, batch.images * (1 - mask)) + branches.downLogits) * 0.5
        }
        return loss + crossEntropy(target, labels: batch.labels) * options.auxiliaryRate
    }

    /// `FC(GAP(backbone(x)))`: the up branch on a masked image.
    static func maskedLogits(_ network: CICAMModel, _ images: Tensor) -> Tensor {
        let features = network.backbone.forward(images, capture: [network.camLayer], interventions: network.attentionInterventions)
        return network.classify(features.features[network.camLayer]!)
    }

    /// `[N, 1, H, W]` of 1 where `map > threshold·max(map)` per image, else 0.
    static func foregroundMask(_ maps: Tensor, threshold: Float) -> Tensor {
        let cut = maps.max(axes: [2, 3], keepDims: true) * threshold
        return maps .> cut
    }
}

/// A CI-CAM model that cannot be built as asked.
public struct CICAMSetupError: Error, CustomStringConvertible, Sendable {
    public var reason: String
    public var description: String { "CI-CAM: \(reason)" }
}
