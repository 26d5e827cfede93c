//! The CI-CAM network (methods.md §5.2): a GAP-linear backbone with self-attention blocks, the
//! causal context pool and the causal ("down") branch sharing the backbone's classifier.
import TensorCore
import TensorNN

/// One forward pass of both branches.
public struct CICAMBranches {
    /// Up (ordinary) branch: `FC(GAP(F))` `[N, K]` and `W·F` for every class `[N, K, h, w]`.
    public var upLogits: Tensor, upCAMs: Tensor
    /// Down (causal) branch on `F + Att ⊙ F`: logits `[N, K]` and class maps `[N, K, h, w]`.
    public var downLogits: Tensor, downCAMs: Tensor
    /// Captured backbone layers (the CAM layer's entry is `F`, after the attention blocks).
    public var features: [String: Tensor]
}

/// CI-CAM around a ``GAPLinearClassifier`` backbone (`tiny`, `small`, `mobilenetv2`, `vgg16-cam`,
/// `inceptionv3-cam`, `resnet50-cam`).
///
/// - `attention.i`: a ``SelfAttentionBlock`` applied to the output of `attentionLayers[i]`
///   through a ``LayerIntervention`` (same forward pass).
/// - `context_pool`: the pool `M` `[K, h, w]`, a buffer (saved in every checkpoint with the
///   weights, so `wsol localize --run` restores it; never optimised).
/// - `mask2attention`: 1x1 conv K -> D turning the context into an attention `Att` `[N, D, h, w]`.
///
/// Down branch: the context of image n is zero except channel `ĉ = argmax z_up` = `M[ĉ]`;
/// `F_down = F + Att ⊙ F`; logits and maps use the backbone's classifier (shared). The model's
/// logits (classification accuracy) are the down branch's, as in the official test.
/// Up logits are computed as `W·GAP(F) + b` from `F` itself (InceptionV3-CAM's and MobileNetV2's
/// dropout before their classifier is not applied to this branch).
public final class CICAMModel: NativeMapClassifier, GAPLinearClassifier, LearningRateGrouped {
    public let backbone: any GAPLinearClassifier
    public let attentionLayers: [String]
    public let attentionBlocks: [SelfAttentionBlock]
    public let contextToAttention: Conv2d
    public let contextPool: Parameter
    /// The native map: the combinational CAM of the down branch, or (`.none`) its class map.
    public var combination: RankCombination
    /// m of `sum_1`/`sum_2`.
    public var lowestCount: Int
    public var isTraining = true

    /// - Parameters:
    ///   - attentionChannels: channels of each attention layer's output, in order.
    ///   - mapSize: `(h, w)` of the CAM layer at the training input size (the pool's extent).
    public init(backbone: any GAPLinearClassifier, attentionLayers: [String], attentionChannels: [Int],
                mapSize: (Int, Int), combination: RankCombination = .quadratic, lowestCount: Int = 20, seed: UInt64 = 0) {
        precondition(attentionLayers.count == attentionChannels.count, "CICAMModel: one channel count per attention layer")
        var generator = RandomGenerator(seed: seed &+ 0xC1CA)
        self.backbone = backbone
        self.attentionLayers = attentionLayers
        attentionBlocks = attentionChannels.map { SelfAttentionBlock(channels: $0, using: &generator) }
        let depth = backbone.classifierWeight.shape[1]
        contextToAttention = Conv2d(backbone.classCount, depth, kernelSize: 1, using: &generator)
        contextPool = Parameter(Tensor.zeros(shape: [backbone.classCount, mapSize.0, mapSize.1]), trainable: false)
        self.combination = combination
        self.lowestCount = lowestCount
    }

    public var ownParameters: [(String, Parameter)] { [("context_pool", contextPool)] }
    public var children: [(String, any Module)] {
        [("backbone", backbone as any Module)] + attentionBlocks.enumerated().map { ("attention.\($0.offset)", $0.element as any Module) }
            + [("mask2attention", contextToAttention)]
    }

    public var classCount: Int { backbone.classCount }
    public var featureLayerNames: [String] { backbone.featureLayerNames }
    public var defaultCAMLayer: String { backbone.camLayer }
    public var camLayer: String { backbone.camLayer }
    public var classifierWeight: Tensor { backbone.classifierWeight }
    public var classifierBias: Tensor? { backbone.classifierBias }
    /// `(h, w)` of the pool.
    public var mapSize: (Int, Int) { (contextPool.value.shape[1], contextPool.value.shape[2]) }

    /// The attention blocks as interventions on their layers.
    public var attentionInterventions: [LayerIntervention] {
        zip(attentionLayers, attentionBlocks).map { layer, block in LayerIntervention(layer: layer) { block($0) } }
    }

    public func forward(_ input: Tensor, capture: Set<String>, replacing: (layer: String, value: Tensor)?) -> ClassifierOutput {
        forward(input, capture: capture, interventions: LayerIntervention.replacement(replacing))
    }

    public func forward(_ input: Tensor, capture: Set<String>, interventions: [LayerIntervention]) -> ClassifierOutput {
        let result = branches(input, capture: capture, interventions: interventions)
        return ClassifierOutput(logits: result.downLogits, features: result.features.filter { capture.contains($0.key) })
    }

    /// Both branches on `images` `[N, 3, H, W]` (`H, W` giving the pool's `h x w` at the CAM layer).
    public func branches(_ images: Tensor, capture: Set<String> = [], interventions: [LayerIntervention] = []) -> CICAMBranches {
        let output = backbone.forward(images, capture: capture.union([camLayer]),
                                      interventions: attentionInterventions + interventions)
        let features = output.features[camLayer]!
        precondition(features.shape[2] == mapSize.0 && features.shape[3] == mapSize.1,
                     "CI-CAM: the CAM layer is \(features.shape[2])x\(features.shape[3]), the context pool \(mapSize.0)x\(mapSize.1); use the training input size")
        let upLogits = classify(features)
        let topClasses = withNoGrad { upLogits.argmax(axis: 1) }
        let attention = contextToAttention(context(topClasses: topClasses))
        let down = features + attention * features
        return CICAMBranches(upLogits: upLogits, upCAMs: classMaps(features), downLogits: classify(down),
                             downCAMs: classMaps(down), features: output.features)
    }

    /// Logits of the shared classifier on `F` `[N, D, h, w]`: `W·GAP(F) + b` `[N, K]`.
    public func classify(_ features: Tensor) -> Tensor {
        let product = matmul(globalAvgPool2d(features).flattened(startAxis: 1), classifierWeight, transposeB: true)
        return classifierBias.map { product + $0 } ?? product
    }

    /// Class maps `W·F` for all K classes, `[N, K, h, w]` (no bias).
    public func classMaps(_ features: Tensor) -> Tensor {
        conv2d(features, weight: classifierWeight.reshaped(to: [classCount, -1, 1, 1]))
    }

    /// `[N, K, h, w]`, zero except channel `topClasses[n]` of image n, which holds `M[topClasses[n]]`.
    func context(topClasses: [Int]) -> Tensor {
        let (rows, columns) = mapSize
        let plane = rows * columns
        let pool = contextPool.value.scalars
        var values = [Float](repeating: 0, count: topClasses.count * classCount * plane)
        for (image, top) in topClasses.enumerated() {
            let target = (image * classCount + top) * plane
            values.replaceSubrange(target..<target + plane, with: pool[top * plane..<(top + 1) * plane])
        }
        return Tensor(shape: [topClasses.count, classCount, rows, columns], scalars: values)
    }

    /// One pool update (methods.md §5.3) from a training batch's up branch.
    public func updatePool(upCAMs: Tensor, upLogits: Tensor, labels: [Int], rate: Float) {
        applyPoolUpdate(batchSum: poolBatchSum(upCAMs: upCAMs, upLogits: upLogits, labels: labels), rate: rate)
    }

    /// The batch's contribution to the pool: per class, the sum of the up-branch CAMs of the
    /// correctly classified images, `K · h · w` values (summable over ranks).
    public func poolBatchSum(upCAMs: Tensor, upLogits: Tensor, labels: [Int]) -> [Float] {
        ContextPool.correctClassSum(cams: upCAMs.scalars, classCount: classCount, plane: mapSize.0 * mapSize.1,
                                    predictions: upLogits.argmax(axis: 1), labels: labels)
    }

    /// `M ← standardise(M + rate · standardise(batchSum))` (``ContextPool/updated(pool:batchSum:rate:classCount:plane:)``).
    public func applyPoolUpdate(batchSum: [Float], rate: Float) {
        let (rows, columns) = mapSize
        let next = ContextPool.updated(pool: contextPool.value.scalars, batchSum: batchSum, rate: rate,
                                       classCount: classCount, plane: rows * columns)
        contextPool.value = Tensor(shape: [classCount, rows, columns], scalars: next)
    }

    /// The combinational maps `[N, 1, h, w]` of `maps` `[N, K, h, w]` under the ranking of
    /// `logits` `[N, K]` (descending; ties by class index), differentiable in `maps`.
    public func combinedMaps(_ maps: Tensor, rankedBy logits: Tensor) -> Tensor {
        let weights = combination.rankWeights(classCount: classCount, lowestCount: lowestCount)
        let scores = logits.scalars
        var perClass = [Float](repeating: 0, count: logits.shape[0] * classCount)
        for image in 0..<logits.shape[0] {
            let row = Array(scores[image * classCount..<(image + 1) * classCount])
            for (rank, classIndex) in Self.ranking(row).enumerated() { perClass[image * classCount + classIndex] = weights[rank] }
        }
        let weighted = (maps * Tensor(shape: [logits.shape[0], classCount, 1, 1], scalars: perClass)).sum(axes: [1], keepDims: true)
        return weighted - weighted.min(axes: [2, 3], keepDims: true)
    }

    /// Class indices by descending score, ties by index.
    public static func ranking(_ scores: [Float]) -> [Int] {
        scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
    }

    /// The combinational CAM of the down branch (ranking by the down logits), or with
    /// `combination == .none` the down map of `classes[n]`. `[N, 1, h, w]`.
    public func nativeMaps(_ images: Tensor, classes: [Int]) -> Tensor {
        withNoGrad {
            let result = branches(images)
            guard combination != .none else {
                let plane = mapSize.0 * mapSize.1
                let all = result.downCAMs.scalars
                let picked = classes.enumerated().flatMap { image, label in
                    all[(image * classCount + label) * plane..<(image * classCount + label + 1) * plane]
                }
                return Tensor(shape: [classes.count, 1, mapSize.0, mapSize.1], scalars: Array(picked))
            }
            return combinedMaps(result.downCAMs, rankedBy: result.downLogits)
        }
    }

    /// The backbone's own groups for `backbone.*`; the new modules (attention, context) join the
    /// fast group when the backbone has one (fine-tuning), else everything trains at one rate.
    public func isFastParameter(named name: String) -> Bool {
        guard let grouped = backbone as? any LearningRateGrouped else { return false }
        if name.hasPrefix("backbone.") { return grouped.isFastParameter(named: String(name.dropFirst("backbone.".count))) }
        return backbone.namedParameters().contains { grouped.isFastParameter(named: $0.0) }
    }
}
