//! Optimizers: parameter groups, the step contract, and state for checkpoints.
import TensorCore

/// Parameters that share a learning rate and weight decay (WSOL recipes train new layers at 10x).
public struct ParameterGroup {
    public var parameters: [Parameter]
    /// The group's current learning rate (schedules overwrite it each epoch/step).
    public var learningRate: Float
    /// The rate a schedule scales (fixed at construction).
    public let baseLearningRate: Float
    public var weightDecay: Float

    public init(parameters: [Parameter], learningRate: Float, weightDecay: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.baseLearningRate = learningRate
        self.weightDecay = weightDecay
    }
}

/// An optimizer updates its groups' parameters from gradients keyed by the parameters' values.
public protocol Optimizer: AnyObject {
    var groups: [ParameterGroup] { get set }
    /// Applies one update. `gradients` maps each parameter's current value to d(loss)/d(value);
    /// parameters without a gradient are left unchanged (their state is not advanced either).
    func step(_ gradients: Gradients)
    /// Internal state (momentum buffers, moments, step counts) as named arrays, for checkpoints.
    func stateArrays() -> [(String, NamedArray)]
    /// Restores what ``stateArrays()`` produced. Throws ``StateDictError`` on a mismatch.
    func loadStateArrays(_ arrays: [String: NamedArray]) throws
}

extension Optimizer {
    /// Sets every group's learning rate to `factor` times its base rate (used by schedules).
    public func scaleLearningRates(by factor: Float) {
        for index in groups.indices { groups[index].learningRate = groups[index].baseLearningRate * factor }
    }

    /// Calls `body(parameter, gradient, group)` for every parameter that has a gradient, in group
    /// order; parameters without one are skipped (their state is not advanced either).
    func forEachGradient(_ gradients: Gradients, _ body: (Parameter, Tensor, ParameterGroup) -> Void) {
        for group in groups {
            for parameter in group.parameters {
                guard let gradient = gradients[parameter.value] else { continue }
                body(parameter, gradient, group)
            }
        }
    }

    /// Every parameter in group order, with a stable key "g.i" for state arrays.
    func keyedParameters() -> [(String, Parameter)] {
        groups.enumerated().flatMap { groupIndex, group in
            group.parameters.enumerated().map { ("\(groupIndex).\($0.offset)", $0.element) }
        }
    }
}

/// Element-wise update loops shared by the optimizers (contiguous buffers, no temporaries).
enum UpdateLoop {
    /// Calls `body(i)` over `0..<count` with the three buffers; all are `count` long.
    static func run(_ parameter: inout Tensor, _ gradient: Tensor, _ state: inout [Float],
                    _ body: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) {
        precondition(parameter.shape == gradient.shape, "optimizer: gradient \(gradient.shape) for parameter \(parameter.shape)")
        guard parameter.count > 0 else { return }
        gradient.withUnsafeBufferPointer { grad in
            state.withUnsafeMutableBufferPointer { stateBuffer in
                parameter.withUnsafeMutableBufferPointer { value in
                    body(value.baseAddress!, grad.baseAddress!, stateBuffer.baseAddress!, value.count)
                }
            }
        }
    }
}
