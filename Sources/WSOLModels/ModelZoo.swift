//! Building a backbone by name: `ModelKind` (the names the CLI accepts) and `ModelZoo.build`.
import Foundation
import TensorNN

/// Everything the toolkit needs from a backbone: named feature maps, lr groups, pretrained loading.
public typealias WSOLBackbone = FeatureMapClassifier & LearningRateGrouped & PretrainedLoadable

/// The architectures, by the name users type (`--arch resnet50-cam`).
public enum ModelKind: String, CaseIterable, Sendable {
    case mobileNetV2 = "mobilenetv2"
    case resNet50 = "resnet50"
    case resNet50CAM = "resnet50-cam"
    case vgg16 = "vgg16"
    case vgg16CAM = "vgg16-cam"
    /// `vgg16-cam` with LeakyReLU(0.2) activations: CI-CAM's VGG16 (methods.md §5.2).
    case vgg16CAMLeaky = "vgg16-cam-leaky"
    case inceptionV3 = "inceptionv3"
    case inceptionV3CAM = "inceptionv3-cam"
    case smallResNet = "small"

    /// Parses a user-typed name (case-insensitive; `_` accepted for `-`).
    /// - Throws: ``UnknownModelError`` listing the valid names.
    public init(name: String) throws {
        let normalized = name.lowercased().replacingOccurrences(of: "_", with: "-")
        guard let kind = ModelKind(rawValue: normalized) else { throw UnknownModelError(name: name) }
        self = kind
    }

    /// The input side the architecture is meant for (ImageNet weights; SynthWSOL for `small`).
    public var nativeInputSize: Int {
        switch self {
        case .inceptionV3: return 299
        case .smallResNet: return 64
        default: return 224
        }
    }

    /// True for the wsolevaluation variants, whose `largeFeatureMap` option is meaningful.
    public var hasLargeFeatureMapOption: Bool { [.resNet50CAM, .vgg16CAM, .vgg16CAMLeaky, .inceptionV3CAM].contains(self) }
}

/// A model name that ``ModelKind`` does not know.
public struct UnknownModelError: Error, CustomStringConvertible, Sendable {
    public var name: String
    public var description: String {
        "unknown model '\(name)'; expected one of: \(ModelKind.allCases.map(\.rawValue).joined(separator: ", "))"
    }
}

/// Options common to every architecture.
public struct ModelOptions: Sendable {
    /// K, the number of classes.
    public var classCount: Int
    /// wsolevaluation's `large_feature_map` (CAM variants only; stride 8 instead of 16).
    public var largeFeatureMap: Bool
    /// Seed of the initial weights and dropout masks.
    public var seed: UInt64
    /// False skips drawing initial weights (conv and linear weights stay zero): for a checkpoint
    /// loaded right after building, which saves seconds on the big backbones.
    public var randomInit: Bool

    public init(classCount: Int = 1000, largeFeatureMap: Bool = false, seed: UInt64 = 0, randomInit: Bool = true) {
        self.classCount = classCount
        self.largeFeatureMap = largeFeatureMap
        self.seed = seed
        self.randomInit = randomInit
    }
}

/// Builds backbones by kind.
public enum ModelZoo {
    /// A freshly initialised model of `kind` (load weights with `loadPretrained(_:strict:)`).
    public static func build(_ kind: ModelKind, options: ModelOptions = ModelOptions()) -> any WSOLBackbone {
        let (classes, large, seed, random) = (options.classCount, options.largeFeatureMap, options.seed, options.randomInit)
        switch kind {
        case .mobileNetV2: return MobileNetV2(classCount: classes, seed: seed, randomInit: random)
        case .resNet50: return ResNet50(classCount: classes, seed: seed, randomInit: random)
        case .resNet50CAM: return ResNet50(classCount: classes, camVariant: true, largeFeatureMap: large, seed: seed, randomInit: random)
        case .vgg16: return VGG16(classCount: classes, seed: seed, randomInit: random)
        case .vgg16CAM: return VGG16CAM(classCount: classes, largeFeatureMap: large, seed: seed, randomInit: random)
        case .vgg16CAMLeaky:
            return VGG16CAM(classCount: classes, largeFeatureMap: large, leakySlope: 0.2, seed: seed, randomInit: random)
        case .inceptionV3: return InceptionV3(classCount: classes, seed: seed, randomInit: random)
        case .inceptionV3CAM: return InceptionV3CAM(classCount: classes, largeFeatureMap: large, seed: seed, randomInit: random)
        case .smallResNet: return SmallResNet(classCount: classes, seed: seed, randomInit: random)
        }
    }
}
