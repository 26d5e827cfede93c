//! Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay.
import TensorCore

/// PyTorch's `torch.optim.SGD`: `d = g + wd·p`; with momentum, `buf = d` on the first step and
/// `buf = μ·buf + (1 − dampening)·d` after; `d = d + μ·buf` (Nesterov) or `d = buf`; `p -= lr·d`.
public final class SGD: Optimizer {
    public var groups: [ParameterGroup]
    public let momentum: Float
    public let dampening: Float
    public let nesterov: Bool
    private var buffers: [ObjectIdentifier: [Float]] = [:]

    public init(groups: [ParameterGroup], momentum: Float = 0, dampening: Float = 0, nesterov: Bool = false) {
        precondition(!nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov needs momentum > 0 and no dampening")
        self.groups = groups
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
    }

    public func step(_ gradients: Gradients) {
        forEachGradient(gradients) { update($0, $1, learningRate: $2.learningRate, weightDecay: $2.weightDecay) }
    }

    private func update(_ parameter: Parameter, _ gradient: Tensor, learningRate: Float, weightDecay: Float) {
        let key = ObjectIdentifier(parameter)
        let isFirstStep = buffers[key] == nil
        var buffer = buffers[key] ?? [Float](repeating: 0, count: parameter.value.count)
        let (mu, damp, nesterov) = (momentum, dampening, self.nesterov)
        UpdateLoop.run(&parameter.value, gradient, &buffer) { value, grad, state, count in
            for i in 0..<count {
                var direction = grad[i] + weightDecay * value[i]
                if mu != 0 {
                    state[i] = isFirstStep ? direction : mu * state[i] + (1 - damp) * direction
                    direction = nesterov ? direction + mu * state[i] : state[i]
                }
                value[i] -= learningRate * direction
            }
        }
        if momentum != 0 { buffers[key] = buffer }
    }

    public func stateArrays() -> [(String, NamedArray)] {
        keyedParameters().compactMap { key, parameter in
            buffers[ObjectIdentifier(parameter)].map { ("momentum.\(key)", NamedArray(shape: parameter.value.shape, values: $0)) }
        }
    }

    public func loadStateArrays(_ arrays: [String: NamedArray]) throws {
        buffers = [:]
        for (key, parameter) in keyedParameters() {
            guard let array = arrays["momentum.\(key)"] else { continue }
            guard array.values.count == parameter.value.count else {
                throw StateDictError(reason: "SGD state 'momentum.\(key)' has \(array.values.count) values, the parameter \(parameter.value.count)")
            }
            buffers[ObjectIdentifier(parameter)] = array.values
        }
    }
}
