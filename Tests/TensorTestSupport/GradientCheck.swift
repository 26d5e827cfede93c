//! A finite-difference gradient checker for TensorCore ops.
import Testing
import TensorCore

/// Checks the autodiff gradients of `function` at `inputs` against central finite differences.
///
/// The scalar checked is `L = Σ w ⊙ function(inputs)` with fixed pseudo-random weights `w` in
/// ±[0.5, 1.5] (so every output element matters and sums do not cancel). The analytic gradient is
/// `gradients(of: output, wrt: inputs, seed: w)`; the numeric one perturbs each element of each
/// checked input by ±`epsilon` and evaluates `L` in Double. A mismatch, where
/// `|analytic − numeric| > atol + rtol · max(|analytic|, |numeric|)`, is reported with `Issue.record`
/// at the caller's source location, naming the input, element and both values.
///
/// ```swift
/// checkGradients({ relu($0[0]) * $0[1] }, at: [x, y])
/// ```
/// - Parameters:
///   - checking: indices of the inputs to check (default all); others are held constant.
///   - epsilon: the finite-difference step. Float32 forward passes need a step around 1e-2; pick
///     inputs at least `epsilon` away from kinks (relu at 0, max ties, clamp bounds).
public func checkGradients(
    _ function: ([Tensor]) -> Tensor, at inputs: [Tensor], checking: [Int]? = nil,
    epsilon: Float = 1e-2, rtol: Double = 2e-2, atol: Double = 2e-3,
    _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation
) {
    let output = function(inputs)
    let weights = checkWeights(count: output.count)
    let seed = Tensor(shape: output.shape, scalars: weights)
    let analytic = gradients(of: output, wrt: inputs, seed: seed)
    let objective: ([Tensor]) -> Double = { perturbed in
        let values = withNoGrad { function(perturbed) }.scalars
        return zip(values, weights).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }
    for inputIndex in checking ?? Array(inputs.indices) {
        guard analytic[inputIndex].shape == inputs[inputIndex].shape else {
            Issue.record("input \(inputIndex): gradient shape \(analytic[inputIndex].shape) != \(inputs[inputIndex].shape)",
                         sourceLocation: sourceLocation)
            continue
        }
        let numeric = numericGradient(objective, inputs: inputs, index: inputIndex, epsilon: epsilon)
        report(analytic: analytic[inputIndex].scalars, numeric: numeric, input: inputIndex,
               rtol: rtol, atol: atol, comment: comment, sourceLocation: sourceLocation)
    }
}

/// Central differences of `objective` with respect to every element of `inputs[index]`.
private func numericGradient(_ objective: ([Tensor]) -> Double, inputs: [Tensor], index: Int,
                             epsilon: Float) -> [Double] {
    let base = inputs[index].scalars
    var result = [Double](repeating: 0, count: base.count)
    var perturbed = inputs
    for element in base.indices {
        var plus = base, minus = base
        plus[element] += epsilon
        minus[element] -= epsilon
        perturbed[index] = Tensor(shape: inputs[index].shape, scalars: plus)
        let high = objective(perturbed)
        perturbed[index] = Tensor(shape: inputs[index].shape, scalars: minus)
        let low = objective(perturbed)
        // Divide by the step actually taken in Float32, not the nominal one.
        result[element] = (high - low) / (Double(plus[element]) - Double(minus[element]))
    }
    return result
}

private func report(analytic: [Float], numeric: [Double], input: Int, rtol: Double, atol: Double,
                    comment: Comment?, sourceLocation: SourceLocation) {
    var failures = 0
    var first: (Int, Float, Double)? = nil
    for (element, (a, n)) in zip(analytic, numeric).enumerated() {
        let difference = Swift.abs(Double(a) - n)
        if !(difference <= atol + rtol * Swift.max(Swift.abs(Double(a)), Swift.abs(n))) {
            failures += 1
            if first == nil { first = (element, a, n) }
        }
    }
    if let (element, a, n) = first {
        Issue.record("""
            gradient check failed for input \(input): \(failures) of \(analytic.count) elements; \
            first at \(element): analytic \(a) vs numeric \(n). \(comment?.rawValue ?? "")
            """, sourceLocation: sourceLocation)
    }
}

/// Deterministic weights in ±[0.5, 1.5] (a small LCG, independent of TensorCore's generator).
private func checkWeights(count: Int) -> [Float] {
    var state: UInt32 = 12345
    return (0..<count).map { _ in
        state = state &* 1_664_525 &+ 1_013_904_223
        let unit = Float(state >> 8) / Float(1 << 24)
        return (state & 1 == 0 ? 1 : -1) * (0.5 + unit)
    }
}
