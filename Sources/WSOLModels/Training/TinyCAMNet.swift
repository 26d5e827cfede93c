//! A very small CAM network for tests and quick runs on SynthWSOL at 32-96 px.
import TensorCore
import TensorNN

/// Three conv-BN-ReLU blocks (the first two end with a 2x2 max-pool), GAP and a linear head:
/// `block1` `[N, w, H/2, W/2]`, `block2` `[N, 2w, H/4, W/4]`, `block3` `[N, 4w, H/4, W/4]` (the
/// CAM layer), `fc` `4w -> K`. With width w = 16 at 64 px it costs ~12 MMAC per image, so a
/// SynthWSOL `tiny` epoch trains in about a second. Trained from scratch (one learning-rate group).
public final class TinyCAMNet: GAPLinearClassifier {
    public let blocks: [Sequential]
    public let fc: Linear
    public let classCount: Int
    public var isTraining = true

    /// - Parameters:
    ///   - width: channels of `block1` (then 2x, 4x).
    ///   - seed: initial weights (He fan-out for convs, PyTorch default for `fc`).
    public init(classCount: Int, width: Int = 16, seed: UInt64 = 0) {
        precondition(classCount > 0 && width > 0, "TinyCAMNet: classCount and width must be positive")
        var generator = RandomGenerator(seed: seed)
        let channels = [3, width, 2 * width, 4 * width]
        blocks = (0..<3).map { index in
            var layers: [any Layer] = [
                Conv2d(channels[index], channels[index + 1], kernelSize: 3, padding: 1, bias: false,
                       initializer: .kaimingNormalFanOut, using: &generator),
                BatchNorm2d(channels[index + 1]), Activation.relu,
            ]
            if index < 2 { layers.append(Activation.maxPool(kernelSize: 2)) }
            return Sequential(layers)
        }
        fc = Linear(inFeatures: channels[3], outFeatures: classCount, using: &generator)
        self.classCount = classCount
    }

    public var children: [(String, any Module)] {
        blocks.enumerated().map { ("block\($0.offset + 1)", $0.element as any Module) } + [("fc", fc)]
    }

    public var featureLayerNames: [String] { ["block1", "block2", "block3"] }
    public var defaultCAMLayer: String { camLayer }
    public var camLayer: String { "block3" }
    public var classifierWeight: Tensor { fc.weight.value }
    public var classifierBias: Tensor? { fc.bias?.value }

    public func forward(_ input: Tensor, capture: Set<String>, replacing: (layer: String, value: Tensor)?) -> ClassifierOutput {
        forward(input, capture: capture, interventions: LayerIntervention.replacement(replacing))
    }

    public func forward(_ input: Tensor, capture: Set<String>, interventions: [LayerIntervention]) -> ClassifierOutput {
        var tap = FeatureTap(capture: capture, interventions: interventions)
        var x = input
        for (index, block) in blocks.enumerated() {
            x = tap.pass("block\(index + 1)", block(x))
        }
        let pooled = globalAvgPool2d(x).flattened(startAxis: 1)
        return tap.output(logits: fc(pooled))
    }
}
