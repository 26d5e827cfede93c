//! Adam and AdamW.
import Foundation
import TensorCore

/// PyTorch's `torch.optim.Adam` (L2 decay added to the gradient) and, with `decoupled`,
/// `torch.optim.AdamW` (`p *= 1 − lr·wd` before the update):
/// `m = β1·m + (1−β1)·g`, `v = β2·v + (1−β2)·g²`,
/// `p -= lr / (1−β1ᵗ) · m / (√v / √(1−β2ᵗ) + ε)`.
public final class Adam: Optimizer {
    public var groups: [ParameterGroup]
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    /// AdamW's decoupled weight decay instead of Adam's L2 term.
    public let decoupled: Bool
    private var moments: [ObjectIdentifier: (first: [Float], second: [Float], step: Int)] = [:]

    public init(groups: [ParameterGroup], beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                decoupledWeightDecay decoupled: Bool = false) {
        self.groups = groups
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.decoupled = decoupled
    }

    /// AdamW with PyTorch's default weight decay of 0.01 unless the groups say otherwise.
    public static func adamW(groups: [ParameterGroup], beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) -> Adam {
        Adam(groups: groups, beta1: beta1, beta2: beta2, epsilon: epsilon, decoupledWeightDecay: true)
    }

    public func step(_ gradients: Gradients) {
        forEachGradient(gradients) { update($0, $1, learningRate: $2.learningRate, weightDecay: $2.weightDecay) }
    }

    private func update(_ parameter: Parameter, _ gradient: Tensor, learningRate: Float, weightDecay: Float) {
        let key = ObjectIdentifier(parameter)
        let zeros = [Float](repeating: 0, count: parameter.value.count)
        var (first, second, step) = moments[key] ?? (zeros, zeros, 0)
        step += 1
        let (b1, b2, eps, decoupled) = (beta1, beta2, epsilon, self.decoupled)
        let stepSize = learningRate / (1 - Foundation.pow(b1, Float(step)))
        let secondCorrection = (1 - Foundation.pow(b2, Float(step))).squareRoot()
        second.withUnsafeMutableBufferPointer { secondBuffer in
            UpdateLoop.run(&parameter.value, gradient, &first) { value, grad, m, count in
                let v = secondBuffer.baseAddress!
                for i in 0..<count {
                    var g = grad[i]
                    if decoupled { value[i] *= 1 - learningRate * weightDecay } else { g += weightDecay * value[i] }
                    m[i] = b1 * m[i] + (1 - b1) * g
                    v[i] = b2 * v[i] + (1 - b2) * g * g
                    value[i] -= stepSize * m[i] / (v[i].squareRoot() / secondCorrection + eps)
                }
            }
        }
        moments[key] = (first, second, step)
    }

    public func stateArrays() -> [(String, NamedArray)] {
        keyedParameters().flatMap { key, parameter -> [(String, NamedArray)] in
            guard let state = moments[ObjectIdentifier(parameter)] else { return [] }
            let shape = parameter.value.shape
            return [("exp_avg.\(key)", NamedArray(shape: shape, values: state.first)),
                    ("exp_avg_sq.\(key)", NamedArray(shape: shape, values: state.second)),
                    ("step.\(key)", NamedArray(shape: [], values: [Float(state.step)], storedDType: .int64))]
        }
    }

    public func loadStateArrays(_ arrays: [String: NamedArray]) throws {
        moments = [:]
        for (key, parameter) in keyedParameters() {
            guard let first = arrays["exp_avg.\(key)"], let second = arrays["exp_avg_sq.\(key)"],
                  let step = arrays["step.\(key)"] else { continue }
            guard first.values.count == parameter.value.count, second.values.count == parameter.value.count else {
                throw StateDictError(reason: "Adam state for parameter \(key) does not match its \(parameter.value.count) values")
            }
            moments[ObjectIdentifier(parameter)] = (first.values, second.values, Int(step.values[0]))
        }
    }
}
