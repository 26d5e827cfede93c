//! Parameter-free layers: activations, dropout, pooling, flatten, identity.
import TensorCore

/// An activation or other stateless function as a layer (e.g. `Activation.relu` in a ``Sequential``).
public final class Activation: Layer {
    public let name: String
    private let function: (Tensor) -> Tensor
    public var isTraining = true

    public init(name: String, _ function: @escaping (Tensor) -> Tensor) {
        self.name = name
        self.function = function
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { function(input) }

    public static var relu: Activation { Activation(name: "ReLU", TensorCore.relu) }
    public static var relu6: Activation { Activation(name: "ReLU6", TensorCore.relu6) }
    public static var sigmoid: Activation { Activation(name: "Sigmoid", TensorCore.sigmoid) }
    public static var tanh: Activation { Activation(name: "Tanh", TensorCore.tanh) }
    public static func leakyRelu(negativeSlope: Float = 0.01) -> Activation {
        Activation(name: "LeakyReLU") { TensorCore.leakyRelu($0, negativeSlope: negativeSlope) }
    }
    public static var identity: Activation { Activation(name: "Identity") { $0 } }
    /// `[N, ...] -> [N, prod(...)]`.
    public static var flatten: Activation { Activation(name: "Flatten") { $0.flattened(startAxis: 1) } }
    public static func maxPool(kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false) -> Activation {
        Activation(name: "MaxPool2d") { maxPool2d($0, kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode) }
    }
    public static func avgPool(kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false) -> Activation {
        Activation(name: "AvgPool2d") { avgPool2d($0, kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode) }
    }
    /// `[N, C, H, W] -> [N, C, 1, 1]`.
    public static var globalAveragePool: Activation { Activation(name: "AdaptiveAvgPool2d") { globalAvgPool2d($0) } }
}

/// The training step that random layers key their draws to (set by a training loop with
/// `DropoutContext.$step.withValue(step) { ... }`).
///
/// Why: a resumed run must draw exactly the masks the uninterrupted run drew. Keying each mask to
/// (layer seed, step, call within the step) makes dropout a pure function of counters the
/// training checkpoint already holds, so no layer's generator state has to be saved — including
/// dropouts a model applies without listing them as children.
public enum DropoutContext {
    @TaskLocal public static var step: UInt64? = nil
}

/// Inverted dropout in training mode, the identity in evaluation mode. Masks come from the
/// layer's seed: inside ``DropoutContext`` a mask is a function of (seed, step, call index within
/// the step); outside it, the layer draws from its own seeded stream, call after call.
public final class Dropout: Layer {
    public let probability: Float
    private let seed: UInt64
    private var generator: RandomGenerator
    private var currentStep: UInt64?
    private var callsInStep: UInt64 = 0
    public var isTraining = true

    public init(probability: Float = 0.5, seed: UInt64) {
        precondition(probability >= 0 && probability < 1, "Dropout: probability \(probability) not in [0, 1)")
        self.probability = probability
        self.seed = seed
        generator = RandomGenerator(seed: seed)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        guard isTraining, probability > 0 else { return input }
        guard let step = DropoutContext.step else {
            return dropout(input, probability: probability, using: &generator)
        }
        if step != currentStep {
            currentStep = step
            callsInStep = 0
        }
        defer { callsInStep += 1 }
        var keyed = RandomGenerator(seed: Self.mix(seed, step, callsInStep))
        return dropout(input, probability: probability, using: &keyed)
    }

    /// The three counters mixed into one seed.
    private static func mix(_ seed: UInt64, _ step: UInt64, _ call: UInt64) -> UInt64 {
        SplitMix64.mix(seed ^ (step &* 0x9E37_79B9_7F4A_7C15) ^ (call &* 0xD1B5_4A32_D192_ED03))
    }
}

/// Layers applied in order; children are named "0", "1", ... as in torchvision's `nn.Sequential`.
public final class Sequential: Layer {
    public let layers: [any Layer]
    public var isTraining = true

    public init(_ layers: [any Layer]) { self.layers = layers }
    public convenience init(_ layers: any Layer...) { self.init(layers) }

    public var children: [(String, any Module)] {
        layers.enumerated().map { (String($0.offset), $0.element as any Module) }
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        layers.reduce(input) { $1($0) }
    }
}
