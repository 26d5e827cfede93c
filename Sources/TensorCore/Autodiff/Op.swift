//! `Op`: the record each op result keeps of how it was computed (its inputs and saved values).
import TensorKernels

/// How a tensor was computed. Each case holds the input tensors (the parents in the autodiff
/// graph) and whatever the backward rule needs besides the output and its gradient.
/// `Backward.swift` has one exhaustive `switch` over this enum: a new case without a backward
/// rule does not compile. Composite ops (mean, variance, losses, …) are built from these and need
/// no case of their own.
indirect enum Op: Sendable {
    // Elementwise, broadcasting (numpy rules).
    case add(Tensor, Tensor)
    case subtract(Tensor, Tensor)
    case multiply(Tensor, Tensor)
    case divide(Tensor, Tensor)
    /// `a ^ b` elementwise.
    case power(Tensor, Tensor)
    /// `condition != 0 ? a : b`; the condition is a constant.
    case select(condition: Tensor, Tensor, Tensor)

    // Elementwise, unary.
    case negate(Tensor)
    case powerScalar(Tensor, exponent: Float)
    case exp(Tensor)
    case log(Tensor)
    case sqrt(Tensor)
    case abs(Tensor)
    case clamp(Tensor, lower: Float, upper: Float)
    case relu(Tensor)
    case relu6(Tensor)
    case leakyRelu(Tensor, negativeSlope: Float)
    case sigmoid(Tensor)
    case tanh(Tensor)
    case softmax(Tensor, axis: Int)
    case logSoftmax(Tensor, axis: Int)

    // Reductions.
    /// Sum over `axes` (sorted, resolved); the output may or may not keep the reduced axes.
    case sum(Tensor, axes: [Int])
    /// Max or min along `axis`; `indices[i]` is the position along `axis` chosen for output `i`.
    case extremum(Tensor, axis: Int, indices: [Int])

    // Shape and indexing.
    case reshape(Tensor)
    case permute(Tensor, axes: [Int])
    case broadcast(Tensor)
    case concat([Tensor], axis: Int)
    /// The output is the block of the input starting at `origin` (slices, splits).
    case crop(Tensor, origin: [Int])
    /// The input sits at `origin` inside the output; the rest is a constant (padding).
    case pad(Tensor, origin: [Int])
    /// `output[..., j, ...] = input[..., indices[flat j], ...]` along `axis` (torch.gather).
    case gather(Tensor, axis: Int, indices: [Int])
    /// `output[..., j, ...] = input[..., indices[j], ...]` along `axis` (torch.index_select).
    case indexSelect(Tensor, axis: Int, indices: [Int])

    // Linear algebra and fused kernels.
    case matmul(Tensor, Tensor, transposeA: Bool, transposeB: Bool)
    case conv2d(input: Tensor, weight: Tensor, bias: Tensor?, geometry: Conv2dGeometry)
    case pool2d(Tensor, geometry: Pool2dGeometry)
    case adaptiveAveragePool(Tensor)
    /// Training-mode batch norm; `mean`/`variance` are the batch statistics the forward computed.
    case batchNormTraining(input: Tensor, scale: Tensor, shift: Tensor, mean: Tensor, variance: Tensor,
                           geometry: BatchNormGeometry)
    /// Batch norm with given (running) statistics, which are treated as constants.
    case batchNormInference(input: Tensor, scale: Tensor, shift: Tensor, mean: Tensor, variance: Tensor,
                            geometry: BatchNormGeometry)
    case resize(Tensor, rows: ResizeTaps, columns: ResizeTaps)
    /// `activation(batchNormTraining(input) + residual)` as one node, so the normalised values
    /// before the add and activation are never kept for backward (`batchNormEpilogue`).
    case batchNormTrainingEpilogue(input: Tensor, scale: Tensor, shift: Tensor, mean: Tensor, variance: Tensor,
                                   geometry: BatchNormGeometry, residual: Tensor?, activation: FusedActivation)
    /// An op whose backward rule lives outside TensorCore (cross-process sums: `customGradient`).
    case custom([Tensor], rule: any CustomGradientRule)

    /// The input tensors, in the order backward rules return their gradients.
    var parents: [Tensor] {
        switch self {
        case let .add(a, b), let .subtract(a, b), let .multiply(a, b), let .divide(a, b),
             let .power(a, b), let .select(_, a, b), let .matmul(a, b, _, _):
            return [a, b]
        case let .negate(x), let .powerScalar(x, _), let .exp(x), let .log(x), let .sqrt(x),
             let .abs(x), let .clamp(x, _, _), let .relu(x), let .relu6(x), let .leakyRelu(x, _),
             let .sigmoid(x), let .tanh(x), let .softmax(x, _), let .logSoftmax(x, _),
             let .sum(x, _), let .extremum(x, _, _), let .reshape(x), let .permute(x, _),
             let .broadcast(x), let .crop(x, _), let .pad(x, _), let .gather(x, _, _),
             let .indexSelect(x, _, _), let .pool2d(x, _), let .adaptiveAveragePool(x),
             let .resize(x, _, _):
            return [x]
        case let .concat(parts, _), let .custom(parts, _):
            return parts
        case let .conv2d(input, weight, bias, _):
            return bias.map { [input, weight, $0] } ?? [input, weight]
        case let .batchNormTraining(input, scale, shift, _, _, _),
             let .batchNormInference(input, scale, shift, _, _, _):
            return [input, scale, shift]
        case let .batchNormTrainingEpilogue(input, scale, shift, _, _, _, residual, _):
            return [input, scale, shift] + (residual.map { [$0] } ?? [])
        }
    }
}

extension Op {
    /// The case name, for precondition messages.
    var name: String { String(String(describing: self).prefix { $0 != "(" }) }
}
