//! The model DA-WSOL trains: a GAP-linear backbone whose classifier doubles as the 1x1-conv CAM
//! head, its map normalised per class before upsampling, and an optional domain discriminator.
import TensorCore
import TensorNN

/// A GAP-linear backbone wrapped for DA-WSOL (methods.md §6.2, §6.6).
///
/// The classifier: DA-WSOL applies a 1x1 convolution with bias (`W` `[K, D]`, `b`) to the pooled
/// feature for the logits and to the feature map for the CAM. GAP and a linear map commute, so the
/// backbone's own GAP + linear head *is* that classifier: `logits = mean_{ij}(W·F_ij + b)`; no new
/// layer is needed, and the parameter names stay the backbone's (checkpoints and `wsol localize`
/// read them as before). The backbone's initialisation is kept (the official head uses Xavier).
///
/// The map (``nativeMaps(_:classes:)``): `W_c·F + b_c` on the CAM layer (`[h, w]`), min-max
/// normalised per class **before** upsampling (with the bias, though a per-class shift cancels
/// in the min-max); a constant map becomes all zeros (the official code produces NaN there, which
/// its evaluation turns into a zero map). The evaluator then upsamples and min-maxes again.
///
/// With the DANN variant the model also owns the domain discriminator `domain_discriminator`
/// (a linear `D → 1`, i.e. DANN's 1x1 conv on one feature vector), trained at the fast rate.
public final class DomainAdaptiveClassifier: NativeMapClassifier, GAPLinearClassifier, LearningRateGrouped {
    public let backbone: any GAPLinearClassifier
    /// DANN's discriminator (logits; the sigmoid is in the loss), nil for the MMD variant.
    public let discriminator: Linear?
    static let discriminatorName = "domain_discriminator"

    /// - Parameter discriminatorSeed: if given, a discriminator `D → 1` is added (DANN).
    public init(backbone: any GAPLinearClassifier, discriminatorSeed: UInt64? = nil) {
        self.backbone = backbone
        discriminator = discriminatorSeed.map { seed in
            var generator = RandomGenerator(seed: seed)
            return Linear(inFeatures: backbone.classifierWeight.shape[1], outFeatures: 1, using: &generator)
        }
    }

    /// Feature dimension D of the CAM layer.
    public var featureCount: Int { backbone.classifierWeight.shape[1] }

    public var children: [(String, any Module)] {
        backbone.children + (discriminator.map { [(Self.discriminatorName, $0 as any Module)] } ?? [])
    }
    public var isTraining: Bool {
        get { backbone.isTraining }
        set { backbone.isTraining = newValue }
    }
    public var featureLayerNames: [String] { backbone.featureLayerNames }
    public var defaultCAMLayer: String { backbone.defaultCAMLayer }
    public var classCount: Int { backbone.classCount }
    public var camLayer: String { backbone.camLayer }
    public var classifierWeight: Tensor { backbone.classifierWeight }
    public var classifierBias: Tensor? { backbone.classifierBias }

    public func forward(_ input: Tensor, capture: Set<String>, replacing: (layer: String, value: Tensor)?) -> ClassifierOutput {
        backbone.forward(input, capture: capture, replacing: replacing)
    }

    /// The backbone's fast group (or, for a backbone without one, its `fc.` head), plus the discriminator.
    public func isFastParameter(named name: String) -> Bool {
        if name.hasPrefix(Self.discriminatorName + ".") { return true }
        if let grouped = backbone as? any LearningRateGrouped { return grouped.isFastParameter(named: name) }
        return name.hasPrefix("fc.")
    }

    /// Per-class-normalised CAMs `[N, 1, h, w]` of `classes[n]`, with the bias.
    public func nativeMaps(_ images: Tensor, classes: [Int]) -> Tensor {
        let features = backbone.forward(images, capture: [camLayer]).features[camLayer]!
        return Self.normalizedClassMaps(features: features, weight: classifierWeight, bias: classifierBias, classes: classes)
    }

    /// `minmax(W_c·F + b_c)` over `h × w` for each image's class: `[N, 1, h, w]` (zeros if constant).
    public static func normalizedClassMaps(features: Tensor, weight: Tensor, bias: Tensor?, classes: [Int]) -> Tensor {
        let (count, depth, rows, columns) = (features.shape[0], features.shape[1], features.shape[2], features.shape[3])
        let plane = rows * columns
        let (values, weights, biases) = (features.scalars, weight.scalars, bias?.scalars)
        var maps = [Float](repeating: 0, count: count * plane)
        for image in 0..<count {
            let offset = biases?[classes[image]] ?? 0
            var map = [Float](repeating: offset, count: plane)
            for channel in 0..<depth {
                let w = weights[classes[image] * depth + channel]
                let source = (image * depth + channel) * plane
                for index in 0..<plane { map[index] += w * values[source + index] }
            }
            let (low, high) = (map.min() ?? 0, map.max() ?? 0)
            guard high > low, low.isFinite, high.isFinite else { continue }
            for index in 0..<plane { maps[image * plane + index] = (map[index] - low) / (high - low) }
        }
        return Tensor(shape: [count, 1, rows, columns], scalars: maps)
    }
}
