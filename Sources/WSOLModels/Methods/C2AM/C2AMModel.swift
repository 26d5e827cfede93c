//! The C²AM model: a backbone plus the disentangler head on concatenated multi-level features
//! (methods.md §7.2), whose foreground map is the model's native, class-agnostic map.
import Foundation
import TensorCore
import TensorNN

/// A model trained without labels: its logits are not a trained classifier, so training and
/// evaluation report no classification accuracy for it.
public protocol LabelFreeModel: FeatureMapClassifier {}

/// A model some of whose trainable parameters must not be optimised (the official C²AM code
/// leaves every BatchNorm affine at its initial value; `quirkCompat` reproduces it).
public protocol FrozenParameterModel: Module {
    /// True if the trainable parameter named `name` (state-dict key) stays out of the optimizer.
    func isFrozenParameter(named name: String) -> Bool
}

/// The C²AM disentangler: `P = σ(BN(Conv3x3(C → 1, no bias)(F)))` `[N, 1, h, w]`.
public final class C2AMDisentangler: Module {
    public let conv: Conv2d
    public let bn: BatchNorm2d
    public var isTraining = true

    public init(channels: Int, seed: UInt64) {
        var generator = RandomGenerator(seed: seed ^ 0xC2A4_0000)
        conv = Conv2d(channels, 1, kernelSize: 3, padding: 1, bias: false, using: &generator)
        bn = BatchNorm2d(1)
    }

    public var children: [(String, any Module)] { [("conv", conv), ("bn", bn)] }

    /// Foreground probabilities `[N, 1, h, w]` of features `[N, C, h, w]`.
    public func callAsFunction(_ features: Tensor) -> Tensor { sigmoid(bn(conv(features))) }
}

/// What one C²AM forward pass gives the loss.
public struct C2AMForward {
    /// Foreground probabilities `P` `[N, 1, h, w]` (before any polarity flip).
    public var foreground: Tensor
    /// `v_fg = (1/hw) Σ P·F` and `v_bg = (1/hw) Σ (1 − P)·F`, `[N, C]` each (divided by `h·w`,
    /// not by the mass of `P`, as the paper's code).
    public var foregroundVectors: Tensor
    public var backgroundVectors: Tensor
    /// The untouched backbone's logits `[N, K]` (not trained by C²AM).
    public var logits: Tensor
}

/// Backbone + disentangler. Features: the two configured layers (deepest first, as the paper's
/// `cat([layer4, layer3])`), the shallower-resolution one bilinearly resized to the larger map when
/// they differ. Its native map is `P`, or `1 − P` when the polarity check found it inverted; the
/// flag is the buffer `polarity` (0 unchecked, 1 as is, −1 inverted), saved in every checkpoint.
public final class C2AMModel: NativeMapClassifier, LabelFreeModel, LearningRateGrouped, FrozenParameterModel {
    public let backbone: any FeatureMapClassifier
    public let disentangler: C2AMDisentangler
    /// The backbone layers whose outputs are concatenated, deepest first.
    public let layers: [String]
    public let polarity: Parameter
    /// Keep BatchNorm affines at their initial values (official-code quirk).
    public let freezesBatchNormAffine: Bool
    public var isTraining = true

    /// - Parameters:
    ///   - layers: backbone layer names; empty = ``defaultLayers(for:)``.
    ///   - seed: the head's initial weights.
    public init(backbone: any FeatureMapClassifier, layers: [String] = [], seed: UInt64 = 0,
                freezesBatchNormAffine: Bool = false) throws {
        let chosen = layers.isEmpty ? try Self.defaultLayers(for: backbone) : layers
        for name in chosen where !backbone.featureLayerNames.contains(name) {
            throw C2AMError.unknownLayer(name, known: backbone.featureLayerNames)
        }
        self.backbone = backbone
        self.layers = chosen
        disentangler = C2AMDisentangler(channels: Self.probeChannels(backbone, layers: chosen), seed: seed)
        polarity = Parameter(Tensor(shape: [1], scalars: [0]), trainable: false)
        self.freezesBatchNormAffine = freezesBatchNormAffine
    }

    /// The paper's choice per backbone: the two last stages (`layer4` + `layer3` for the ResNets,
    /// `block3` + `block2` for `tiny`, the last 1x1 conv `features.18` + the end of the stride-16
    /// stage `features.13` for MobileNetV2).
    public static func defaultLayers(for backbone: any FeatureMapClassifier) throws -> [String] {
        switch backbone {
        case is TinyCAMNet: return ["block3", "block2"]
        case is SmallResNet, is ResNet50: return ["layer4", "layer3"]
        case is MobileNetV2: return ["features.18", "features.13"]
        default: throw C2AMError.noDefaultLayers(String(describing: type(of: backbone)))
        }
    }

    /// Channels of the concatenated features (a 96 x 96 probe, ``FeatureMapClassifier/featureShapes(of:height:width:)``).
    static func probeChannels(_ backbone: any FeatureMapClassifier, layers: [String]) -> Int {
        let shapes = backbone.featureShapes(of: Set(layers), height: 96, width: 96)
        return layers.reduce(0) { $0 + shapes[$1]![1] }
    }

    public var children: [(String, any Module)] { [("backbone", backbone), ("disentangler", disentangler)] }
    public var ownParameters: [(String, Parameter)] { [("polarity", polarity)] }
    public var featureLayerNames: [String] { backbone.featureLayerNames }
    public var defaultCAMLayer: String { backbone.defaultCAMLayer }
    public var classCount: Int { backbone.classCount }

    public func forward(_ input: Tensor, capture: Set<String>, replacing: (layer: String, value: Tensor)?) -> ClassifierOutput {
        backbone.forward(input, capture: capture, replacing: replacing)
    }

    /// `P`, the pooled vectors and the backbone's logits for `images` `[N, 3, H, W]`.
    public func disentangle(_ images: Tensor) -> C2AMForward {
        let output = backbone.forward(images, capture: Set(layers))
        let features = Self.concatenated(layers.map { output.features[$0]! })
        let foreground = disentangler(features)
        let background = 1 - foreground
        return C2AMForward(foreground: foreground,
                           foregroundVectors: (features * foreground).mean(axes: [2, 3]),
                           backgroundVectors: (features * background).mean(axes: [2, 3]),
                           logits: output.logits)
    }

    /// Channel concatenation, every map resized (bilinear) to the largest spatial size.
    static func concatenated(_ maps: [Tensor]) -> Tensor {
        let height = maps.map { $0.shape[2] }.max()!, width = maps.map { $0.shape[3] }.max()!
        let aligned = maps.map { map in
            map.shape[2] == height && map.shape[3] == width ? map : upsample(map, height: height, width: width, method: .bilinear)
        }
        return aligned.count == 1 ? aligned[0] : concat(aligned, axis: 1)
    }

    /// True when the polarity check found `P` inverted (background high).
    public var isInverted: Bool { polarity.value.scalars[0] < 0 }

    /// The class-agnostic foreground map `[N, 1, h, w]`: `P`, or `1 − P` when inverted.
    public func nativeMaps(_ images: Tensor, classes: [Int]) -> Tensor {
        let foreground = disentangle(images).foreground
        return isInverted ? 1 - foreground : foreground
    }

    /// The head trains at the multiplied rate (the official 10x), the backbone at the base rate.
    public func isFastParameter(named name: String) -> Bool { name.hasPrefix("disentangler.") }

    public func isFrozenParameter(named name: String) -> Bool {
        freezesBatchNormAffine && batchNormAffineNames.contains(name)
    }

    /// `<bn>.weight` and `<bn>.bias` of every module that has a `<bn>.running_mean`.
    private lazy var batchNormAffineNames: Set<String> = {
        let names = namedParameters().map(\.0)
        let owners = Set(names.filter { $0.hasSuffix(".running_mean") }.map { String($0.dropLast(".running_mean".count)) })
        return Set(owners.flatMap { [$0 + ".weight", $0 + ".bias"] })
    }()
}

/// C²AM set-up errors.
public enum C2AMError: Error, CustomStringConvertible, Equatable {
    case unknownLayer(String, known: [String])
    case noDefaultLayers(String)

    public var description: String {
        switch self {
        case let .unknownLayer(name, known):
            return "C2AM: the backbone has no layer '\(name)' (known: \(known.joined(separator: ", ")))"
        case let .noDefaultLayers(type):
            return "C2AM: no default feature layers for \(type); set method.c2am.layers (two layer names)"
        }
    }
}
