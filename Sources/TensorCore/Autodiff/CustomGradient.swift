//! Ops defined outside TensorCore: a forward computed by the caller and a backward rule object.
//! Used by WSOLDistributed for sums across processes, whose backward is itself a collective.

/// The backward rule of an op made with ``customGradient(_:inputs:rule:)``.
public protocol CustomGradientRule: Sendable {
    /// Gradients of the op's inputs (aligned with `inputs`, same shapes) given the op's `output`
    /// and `gradient` = d(loss)/d(output). Entries whose `needs` flag is false may be nil.
    /// Runs with gradient recording off.
    func inputGradients(inputs: [Tensor], output: Tensor, gradient: Tensor, needs: [Bool]) -> [Tensor?]
}

/// Records `value` (computed by the caller from `inputs`, e.g. under `withNoGrad`) as the result
/// of an op over `inputs` whose backward is `rule`. Outside a no-grad scope the result joins the
/// autodiff graph; inside one it is `value` unchanged.
///
/// ```swift
/// let total = customGradient(sumAcrossProcesses(x), inputs: [x], rule: SumAcrossProcessesRule())
/// ```
public func customGradient(_ value: Tensor, inputs: [Tensor], rule: any CustomGradientRule) -> Tensor {
    guard GradientRecording.isEnabled else { return value.detached() }
    return Tensor(shape: value.shape, storage: value.storage, op: .custom(inputs, rule: rule))
}

extension Gradients {
    /// Gradients keyed by the given tensors (e.g. averaged across processes before a step).
    public init(_ pairs: [(tensor: Tensor, gradient: Tensor)]) {
        self.init()
        for pair in pairs { byID[pair.tensor.id] = pair.gradient }
    }
}
