//! Modules, parameters and state dicts: the bookkeeping every layer and model shares.
import TensorCore

/// A tensor owned by a module: trainable weights, or a buffer such as BN's running statistics.
///
/// A class so that optimizers and modules share one value: an optimizer step replaces `value`
/// and the module sees the new weights. Names come from the owning module tree, torchvision-style.
public final class Parameter {
    /// The current value. Trainable values are marked `requiringGradient()` whenever they are set,
    /// so `loss.backward()` differentiates the weights only (not, e.g., the input images, whose
    /// gradient would cost the first convolution's slowest pass).
    public var value: Tensor {
        didSet { if isTrainable && !value.requiresGradient { value = value.requiringGradient() } }
    }
    /// False for buffers (running statistics, counters): saved and loaded, never optimized.
    public let isTrainable: Bool

    public init(_ value: Tensor, trainable: Bool = true) {
        self.value = trainable ? value.requiringGradient() : value
        self.isTrainable = trainable
    }
}

/// A node of a model: its own parameters and named children, torchvision `state_dict` style.
///
/// Names are explicit (no reflection): a module lists its parameters (`"weight"`, `"bias"`) and
/// its children (`"0"`, `"conv1"`, `"layer1"`); ``namedParameters()`` joins them with dots, which
/// gives exactly torchvision's keys (`features.0.0.weight`).
public protocol Module: AnyObject {
    /// This module's own parameters and buffers (not its children's), in state-dict order.
    var ownParameters: [(String, Parameter)] { get }
    /// Direct sub-modules, in state-dict order.
    var children: [(String, any Module)] { get }
    /// Training mode (batch statistics, dropout) or evaluation mode. Set it with ``train(_:)``.
    var isTraining: Bool { get set }
}

extension Module {
    public var ownParameters: [(String, Parameter)] { [] }
    public var children: [(String, any Module)] { [] }

    /// Every parameter and buffer of the tree with its dotted name, depth first, in state-dict order.
    public func namedParameters() -> [(String, Parameter)] {
        var result = ownParameters
        for (childName, child) in children {
            result += child.namedParameters().map { ("\(childName).\($0.0)", $0.1) }
        }
        return result
    }

    /// The trainable parameters (what an optimizer updates).
    public func trainableParameters() -> [Parameter] {
        namedParameters().map(\.1).filter(\.isTrainable)
    }

    /// Number of trainable scalars.
    public var trainableParameterCount: Int {
        trainableParameters().reduce(0) { $0 + $1.value.count }
    }

    /// Sets training (`true`) or evaluation (`false`) mode on the whole tree.
    public func train(_ training: Bool = true) {
        isTraining = training
        for (_, child) in children { child.train(training) }
    }

    /// Evaluation mode for the whole tree (BN uses running statistics, dropout is the identity).
    public func eval() { train(false) }
}

/// A module with one input and one output.
public protocol Layer: Module {
    /// The forward pass; shapes are documented by each layer.
    func callAsFunction(_ input: Tensor) -> Tensor
}
