//! The class-agnostic box regressor of C²AM's WSOL pipeline (the PSOL step, methods.md §7.5): a
//! backbone and a small head that predict one box per image, trained on pseudo boxes.
import TensorCore
import TensorNN

/// The regression head: `Conv1x1(C → hidden) → ReLU → adaptive average pool to grid x grid →
/// Linear(hidden·grid² → 4) → sigmoid`, giving `(cx, cy, w, h)` as fractions of the input side.
///
/// Why not PSOL's global pooling: a global average forgets where things are, and a deep
/// ImageNet ResNet recovers position from its padding, a small network trained from scratch
/// hardly does. The coarse grid keeps the layout at a cost independent of the input size.
public final class BoxRegressorHead: Module {
    public let reduce: Conv2d
    public let fc: Linear
    public let grid: Int
    public var isTraining = true

    public init(channels: Int, hidden: Int = 32, grid: Int = 4, seed: UInt64) {
        precondition(channels > 0 && hidden > 0 && grid > 0, "BoxRegressorHead: sizes must be positive")
        var generator = RandomGenerator(seed: seed ^ 0xB0C5_0000)
        reduce = Conv2d(channels, hidden, kernelSize: 1, using: &generator)
        fc = Linear(inFeatures: hidden * grid * grid, outFeatures: 4, using: &generator)
        self.grid = grid
    }

    public var children: [(String, any Module)] { [("reduce", reduce), ("fc", fc)] }

    /// `(cx, cy, w, h)` in `(0, 1)`, `[N, 4]`, of features `[N, C, h, w]`.
    public func callAsFunction(_ features: Tensor) -> Tensor {
        let pooled = adaptiveAvgPool2d(relu(reduce(features)), outputHeight: grid, outputWidth: grid)
        return sigmoid(fc(pooled.flattened(startAxis: 1)))
    }
}

/// Backbone + ``BoxRegressorHead`` on the backbone's CAM layer. Its native map is the indicator
/// of the predicted box at input resolution (``BoxGeometry/indicator(of:width:height:)``), so
/// every consumer of maps (per-epoch evaluation, `wsol localize --run`, `wsol evaluate` with a
/// classifier's `--predictions` for Top-1 Loc) handles a regressor without a special case: the
/// standard box extraction of that map returns the predicted box at every threshold.
///
/// Class-agnostic and label-free: the logits are the untouched backbone classifier's.
public final class BoxRegressorModel: NativeMapClassifier, LabelFreeModel, LearningRateGrouped {
    public let backbone: any FeatureMapClassifier
    public let head: BoxRegressorHead
    /// The backbone layer the head reads.
    public let layer: String
    public var isTraining = true

    public init(backbone: any FeatureMapClassifier, layer: String? = nil, seed: UInt64 = 0) throws {
        let chosen = layer ?? backbone.defaultCAMLayer
        guard backbone.featureLayerNames.contains(chosen) else {
            throw BoxRegressorError.unknownLayer(chosen, known: backbone.featureLayerNames)
        }
        self.backbone = backbone
        self.layer = chosen
        head = BoxRegressorHead(channels: backbone.featureShapes(of: [chosen], height: 96, width: 96)[chosen]![1], seed: seed)
    }

    public var children: [(String, any Module)] { [("backbone", backbone), ("head", head)] }
    public var featureLayerNames: [String] { backbone.featureLayerNames }
    public var defaultCAMLayer: String { backbone.defaultCAMLayer }
    public var classCount: Int { backbone.classCount }

    public func forward(_ input: Tensor, capture: Set<String>, replacing: (layer: String, value: Tensor)?) -> ClassifierOutput {
        backbone.forward(input, capture: capture, replacing: replacing)
    }

    /// `(cx, cy, w, h)` fractions `[N, 4]` and the backbone's logits for `images` `[N, 3, H, W]`.
    public func regress(_ images: Tensor) -> (boxes: Tensor, logits: Tensor) {
        let output = backbone.forward(images, capture: [layer])
        return (head(output.features[layer]!), output.logits)
    }

    /// The predicted boxes as indicator maps `[N, 1, H, W]` at the input's resolution.
    public func nativeMaps(_ images: Tensor, classes: [Int]) -> Tensor {
        let (height, width) = (images.shape[2], images.shape[3])
        let fractions = regress(images).boxes.scalars
        let count = images.shape[0]
        var maps = [Float]()
        maps.reserveCapacity(count * height * width)
        for image in 0..<count {
            let box = BoxGeometry.box(fromFractions: Array(fractions[image * 4..<(image + 1) * 4]), width: width, height: height)
            maps += BoxGeometry.indicator(of: box, width: width, height: height)
        }
        return Tensor(shape: [count, 1, height, width], scalars: maps)
    }

    /// The head trains at the multiplied rate, the backbone at the base rate.
    public func isFastParameter(named name: String) -> Bool { name.hasPrefix("head.") }
}

/// Box regressor set-up errors.
public enum BoxRegressorError: Error, CustomStringConvertible, Equatable {
    case unknownLayer(String, known: [String])

    public var description: String {
        switch self {
        case let .unknownLayer(name, known):
            return "box regressor: the backbone has no layer '\(name)' (known: \(known.joined(separator: ", ")))"
        }
    }
}
