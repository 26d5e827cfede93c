//! A tiny deterministic GAP + linear CNN for the localization tests:
//! conv1 -> relu1 [-> pool1] -> conv2 -> relu2 -> GAP -> fc.
import TensorCore
import TensorNN
import WSOLModels

/// `[N, 3, H, W]` -> conv1 (3x3, pad 1) -> relu1 -> optional 2x2 max pool -> conv2 (3x3, pad 1)
/// -> relu2 -> GAP -> fc. Layers `conv1, relu1, (pool1,) conv2, relu2`; `relu2` is the CAM layer.
/// Parameter names `conv1.weight`, ... `fc.bias` (the golden fixture's safetensors keys).
final class TinyClassifier: GAPLinearClassifier {
    let conv1: Conv2d
    let conv2: Conv2d
    let fc: Linear
    let pooled: Bool
    var isTraining = false

    init(hidden: Int = 6, features: Int = 8, classes: Int = 5, pooled: Bool = false, seed: UInt64 = 7) {
        var generator = RandomGenerator(seed: seed)
        conv1 = Conv2d(3, hidden, kernelSize: 3, padding: 1, using: &generator)
        conv2 = Conv2d(hidden, features, kernelSize: 3, padding: 1, using: &generator)
        fc = Linear(inFeatures: features, outFeatures: classes, using: &generator)
        self.pooled = pooled
    }

    var children: [(String, any Module)] { [("conv1", conv1), ("conv2", conv2), ("fc", fc)] }
    var featureLayerNames: [String] { pooled ? ["conv1", "relu1", "pool1", "conv2", "relu2"] : ["conv1", "relu1", "conv2", "relu2"] }
    var defaultCAMLayer: String { "relu2" }
    var camLayer: String { "relu2" }
    var classCount: Int { fc.weight.value.shape[0] }
    var classifierWeight: Tensor { fc.weight.value }
    var classifierBias: Tensor? { fc.bias?.value }

    func forward(_ input: Tensor, capture: Set<String>, replacing: (layer: String, value: Tensor)?) -> ClassifierOutput {
        var features: [String: Tensor] = [:]
        var x = input
        func stage(_ name: String, _ body: (Tensor) -> Tensor) {
            x = body(x)
            if let replacing, replacing.layer == name { x = replacing.value }
            if capture.contains(name) { features[name] = x }
        }
        stage("conv1") { conv1($0) }
        stage("relu1") { relu($0) }
        if pooled { stage("pool1") { maxPool2d($0, kernelSize: 2) } }
        stage("conv2") { conv2($0) }
        stage("relu2") { relu($0) }
        let logits = fc(globalAvgPool2d(x).flattened(startAxis: 1))
        return ClassifierOutput(logits: logits, features: features)
    }
}

/// A classifier that is not GAP + linear (flatten + linear head): CAM must refuse it.
final class FlattenHeadClassifier: FeatureMapClassifier {
    let conv: Conv2d
    let fc: Linear
    var isTraining = false

    init(seed: UInt64 = 3) {
        var generator = RandomGenerator(seed: seed)
        conv = Conv2d(3, 4, kernelSize: 3, padding: 1, using: &generator)
        fc = Linear(inFeatures: 4 * 4 * 4, outFeatures: 3, using: &generator)
    }

    var children: [(String, any Module)] { [("conv", conv), ("fc", fc)] }
    var featureLayerNames: [String] { ["conv"] }
    var defaultCAMLayer: String { "conv" }
    var classCount: Int { 3 }

    func forward(_ input: Tensor, capture: Set<String>, replacing: (layer: String, value: Tensor)?) -> ClassifierOutput {
        var x = relu(conv(input))
        if let replacing, replacing.layer == "conv" { x = replacing.value }
        let features = capture.contains("conv") ? ["conv": x] : [:]
        return ClassifierOutput(logits: fc(x.flattened(startAxis: 1)), features: features)
    }
}

/// Deterministic test images `[n, 3, size, size]` in [-1, 1].
func tinyImages(_ n: Int = 2, size: Int = 8, seed: UInt64 = 11) -> Tensor {
    Tensor.randomUniform(shape: [n, 3, size, size], lower: -1, upper: 1, seed: seed)
}
