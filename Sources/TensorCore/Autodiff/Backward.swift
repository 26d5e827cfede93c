//! Every backward rule, in one exhaustive switch over `Op`: a new op without a rule won't compile.

/// Gradients of `op`'s inputs (aligned with `op.parents`) given the op's `output` `y` and the
/// upstream gradient `g = d(loss)/dy`. Entries whose `needs` flag is false may be nil (skipped
/// work). Runs under `withNoGrad` (gradients are not differentiated again).
func backward(_ op: Op, output y: Tensor, gradient g: Tensor, needs: [Bool]) -> [Tensor?] {
    switch op {
    case let .add(a, b):
        // d(a + b) = da + db; broadcast axes are summed back to each operand's shape.
        return [needs[0] ? g.summed(toShape: a.shape) : nil, needs[1] ? g.summed(toShape: b.shape) : nil]
    case let .subtract(a, b):
        return [needs[0] ? g.summed(toShape: a.shape) : nil, needs[1] ? (-g).summed(toShape: b.shape) : nil]
    case let .multiply(a, b):
        // d(a·b) = b·da + a·db.
        return [needs[0] ? (g * b).summed(toShape: a.shape) : nil, needs[1] ? (g * a).summed(toShape: b.shape) : nil]
    case let .divide(a, b):
        // d(a/b) = da/b − a/b²·db = da/b − y/b·db.
        return [needs[0] ? (g / b).summed(toShape: a.shape) : nil,
                needs[1] ? (-(g * y) / b).summed(toShape: b.shape) : nil]
    case let .power(a, b):
        // d(a^b) = b·a^(b−1)·da + a^b·ln(a)·db.
        return [needs[0] ? (g * b * pow(a, b - 1)).summed(toShape: a.shape) : nil,
                needs[1] ? (g * y * log(a)).summed(toShape: b.shape) : nil]
    case let .select(condition, _, _):
        // Each branch receives g where it was chosen (operands were broadcast to y's shape).
        return [needs[0] ? mapGradient(g, condition) { $1 != 0 ? $0 : 0 } : nil,
                needs[1] ? mapGradient(g, condition) { $1 != 0 ? 0 : $0 } : nil]
    case .negate:
        return [-g]
    case let .powerScalar(x, exponent):
        // d(x^p) = p·x^(p−1)·dx.
        return [exponent == 2 ? mapGradient(g, x) { $0 * 2 * $1 } : g * (exponent * pow(x, exponent - 1))]
    case .exp:
        return [g * y]                                   // d(e^x) = e^x·dx
    case let .log(x):
        return [g / x]                                   // d(ln x) = dx / x
    case .sqrt:
        return [mapGradient(g, y) { $0 * 0.5 / $1 }]     // d√x = dx / (2√x)
    case let .abs(x):
        return [mapGradient(g, x) { $1 > 0 ? $0 : ($1 < 0 ? -$0 : 0) }]   // sign(x)·dx, 0 at 0
    case let .clamp(x, lower, upper):
        return [mapGradient(g, x) { $1 >= lower && $1 <= upper ? $0 : 0 }]
    case let .relu(x):
        return [mapGradient(g, x) { $1 > 0 ? $0 : 0 }]
    case let .relu6(x):
        return [mapGradient(g, x) { $1 > 0 && $1 < 6 ? $0 : 0 }]
    case let .leakyRelu(x, slope):
        return [mapGradient(g, x) { $1 > 0 ? $0 : slope * $0 }]
    case .sigmoid:
        return [mapGradient(g, y) { $0 * $1 * (1 - $1) }]   // σ' = σ(1 − σ)
    case .tanh:
        return [mapGradient(g, y) { $0 * (1 - $1 * $1) }]   // tanh' = 1 − tanh²
    case let .softmax(_, axis):
        return [softmaxBackward(output: y, gradient: g, axis: axis)]
    case let .logSoftmax(_, axis):
        return [logSoftmaxBackward(output: y, gradient: g, axis: axis)]
    case let .sum(x, axes):
        // Every summed element receives the gradient of its sum.
        return [g.reshaped(to: Tensor.keptShape(x.shape, reducing: axes)).broadcast(to: x.shape)]
    case let .extremum(x, axis, indices):
        // Only the chosen (first extreme) element of each line receives the gradient.
        return [scatterAdd(g, into: x.shape, axis: axis, indices: indices)]
    case let .reshape(x):
        return [g.reshaped(to: x.shape)]
    case let .permute(_, axes):
        var inverse = [Int](repeating: 0, count: axes.count)
        for (position, axis) in axes.enumerated() { inverse[axis] = position }
        return [g.permuted(inverse)]
    case let .broadcast(x):
        return [g.summed(toShape: x.shape)]
    case let .concat(parts, axis):
        var start = 0
        return parts.enumerated().map { index, part in
            defer { start += part.shape[axis] }
            return needs[index] ? g.sliced(axis: axis, range: start..<(start + part.shape[axis])) : nil
        }
    case let .crop(x, origin):
        return [placed(g, into: x.shape, at: origin)]
    case let .pad(x, origin):
        return [g.cropped(origin: origin, shape: x.shape)]
    case let .gather(x, axis, indices):
        return [scatterAdd(g, into: x.shape, axis: axis, indices: indices)]
    case let .indexSelect(x, axis, indices):
        return [indexAdd(g, into: x.shape, axis: axis, indices: indices)]
    case let .matmul(a, b, transposeA, transposeB):
        return matmulBackward(a, b, transposeA: transposeA, transposeB: transposeB, gradient: g, needs: needs)
    case let .conv2d(input, weight, bias, geometry):
        return conv2dBackward(input: input, weight: weight, hasBias: bias != nil, geometry: geometry,
                              gradient: g, needs: needs)
    case let .pool2d(x, geometry):
        return [pool2dBackward(input: x, geometry: geometry, gradient: g)]
    case let .adaptiveAveragePool(x):
        return [adaptiveAvgPool2dBackward(input: x, gradient: g)]
    case let .batchNormTraining(input, scale, _, mean, variance, geometry):
        return batchNormTrainingBackward(input: input, scale: scale, mean: mean, variance: variance,
                                         geometry: geometry, gradient: g)
    case let .batchNormInference(input, scale, _, mean, variance, geometry):
        return batchNormInferenceBackward(input: input, scale: scale, mean: mean, variance: variance,
                                          geometry: geometry, gradient: g, needs: needs)
    case let .resize(x, rows, columns):
        return [resizeBackward(gradient: g, inputShape: x.shape, rows: rows, columns: columns)]
    case let .batchNormTrainingEpilogue(input, scale, _, mean, variance, geometry, residual, activation):
        return batchNormEpilogueBackward(input: input, scale: scale, mean: mean, variance: variance,
                                         geometry: geometry, hasResidual: residual != nil, activation: activation,
                                         output: y, gradient: g)
    case let .custom(inputs, rule):
        return rule.inputGradients(inputs: inputs, output: y, gradient: g, needs: needs)
    }
}

/// Gradients of `C = op(A)·op(B)`:
/// `A·B`: dA = G·Bᵀ, dB = Aᵀ·G.   `A·Bᵀ`: dA = G·B, dB = Gᵀ·A.
/// `Aᵀ·B`: dA = B·Gᵀ, dB = A·G.   `Aᵀ·Bᵀ`: dA = Bᵀ·Gᵀ, dB = Gᵀ·Aᵀ.
private func matmulBackward(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool,
                            gradient g: Tensor, needs: [Bool]) -> [Tensor?] {
    var gradientA: Tensor? = nil, gradientB: Tensor? = nil
    switch (transposeA, transposeB) {
    case (false, false):
        if needs[0] { gradientA = gemmProduct(g, transposeA: false, b, transposeB: true) }
        if needs[1] { gradientB = gemmProduct(a, transposeA: true, g, transposeB: false) }
    case (false, true):
        if needs[0] { gradientA = gemmProduct(g, transposeA: false, b, transposeB: false) }
        if needs[1] { gradientB = gemmProduct(g, transposeA: true, a, transposeB: false) }
    case (true, false):
        if needs[0] { gradientA = gemmProduct(b, transposeA: false, g, transposeB: true) }
        if needs[1] { gradientB = gemmProduct(a, transposeA: false, g, transposeB: false) }
    case (true, true):
        if needs[0] { gradientA = gemmProduct(b, transposeA: true, g, transposeB: true) }
        if needs[1] { gradientB = gemmProduct(g, transposeA: true, a, transposeB: true) }
    }
    return [gradientA, gradientB]
}
