//! Arithmetic operators (broadcasting) and elementwise math: exp, log, sqrt, abs, pow, clamp.
import Foundation
import TensorKernels

extension Tensor {
    /// Elementwise sum with numpy broadcasting; the result has the broadcast shape.
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        mapBinary(a, b, name: "add", recording: .add(a, b)) { $0 + $1 }
    }
    /// Elementwise difference with numpy broadcasting.
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        mapBinary(a, b, name: "subtract", recording: .subtract(a, b)) { $0 - $1 }
    }
    /// Elementwise product with numpy broadcasting.
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        mapBinary(a, b, name: "multiply", recording: .multiply(a, b)) { $0 * $1 }
    }
    /// Elementwise quotient with numpy broadcasting.
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        mapBinary(a, b, name: "divide", recording: .divide(a, b)) { $0 / $1 }
    }
    /// Elementwise negation.
    public static prefix func - (x: Tensor) -> Tensor {
        mapUnary(x, recording: .negate(x)) { -$0 }
    }

    /// `a + b` with a scalar operand (a constant: it gets no gradient). Likewise `-`, `*`, `/`.
    public static func + (a: Tensor, b: Float) -> Tensor { a + .constant(b) }
    public static func + (a: Float, b: Tensor) -> Tensor { .constant(a) + b }
    public static func - (a: Tensor, b: Float) -> Tensor { a - .constant(b) }
    public static func - (a: Float, b: Tensor) -> Tensor { .constant(a) - b }
    public static func * (a: Tensor, b: Float) -> Tensor { a * .constant(b) }
    public static func * (a: Float, b: Tensor) -> Tensor { .constant(a) * b }
    public static func / (a: Tensor, b: Float) -> Tensor { a / .constant(b) }
    public static func / (a: Float, b: Tensor) -> Tensor { .constant(a) / b }
}

/// `e^x` elementwise (a vectorized polynomial, within ~2 ulp of libm; +inf above ~88.72).
public func exp(_ x: Tensor) -> Tensor {
    let source = SendablePointer(UnsafePointer(x.basePointer))
    return Tensor.makeResult(shape: x.shape, recording: .exp(x)) { out in
        let target = SendableMutablePointer(out.baseAddress!)
        forEachChunk(out.count) { range in
            for index in range { target[index] = fastExp(source[index]) }
        }
    }
}

/// Natural logarithm elementwise (`-inf` at 0, NaN below).
public func log(_ x: Tensor) -> Tensor {
    mapUnary(x, recording: .log(x)) { Foundation.log($0) }
}

/// Square root elementwise.
public func sqrt(_ x: Tensor) -> Tensor {
    mapUnary(x, recording: .sqrt(x)) { $0.squareRoot() }
}

/// Absolute value elementwise; its gradient at 0 is 0 (as PyTorch).
public func abs(_ x: Tensor) -> Tensor {
    mapUnary(x, recording: .abs(x)) { Swift.abs($0) }
}

/// `x ^ exponent` elementwise.
public func pow(_ x: Tensor, _ exponent: Float) -> Tensor {
    if exponent == 2 { return mapUnary(x, recording: .powerScalar(x, exponent: 2)) { $0 * $0 } }
    return mapUnary(x, recording: .powerScalar(x, exponent: exponent)) { Foundation.pow($0, exponent) }
}

/// `base ^ exponent` elementwise with broadcasting. The gradient with respect to `exponent`
/// needs `base > 0`.
public func pow(_ base: Tensor, _ exponent: Tensor) -> Tensor {
    mapBinary(base, exponent, name: "pow", recording: .power(base, exponent)) { Foundation.pow($0, $1) }
}

/// Clamps every element into `[lower, upper]`. The gradient passes where
/// `lower <= x <= upper` (inclusive, as PyTorch) and is 0 elsewhere.
public func clamp(_ x: Tensor, min lower: Float = -.infinity, max upper: Float = .infinity) -> Tensor {
    precondition(!(lower > upper), "clamp: lower bound \(lower) above upper bound \(upper)")
    return mapUnary(x, recording: .clamp(x, lower: lower, upper: upper)) { value in
        value < lower ? lower : (value > upper ? upper : value)
    }
}

/// `condition != 0 ? onTrue : onFalse` elementwise; all three broadcast to a common shape.
/// The condition is a constant (no gradient); each branch gets the gradient where it was chosen.
public func select(_ condition: Tensor, _ onTrue: Tensor, _ onFalse: Tensor) -> Tensor {
    let shape = ShapeMath.broadcast(ShapeMath.broadcast(condition.shape, onTrue.shape, op: "select"),
                                    onFalse.shape, op: "select")
    let mask = withNoGrad { condition.broadcast(to: shape) }
    let left = onTrue.broadcastIfNeeded(to: shape), right = onFalse.broadcastIfNeeded(to: shape)
    let pm = mask.basePointer, pl = left.basePointer, pr = right.basePointer
    return Tensor.makeResult(shape: shape, recording: .select(condition: mask, left, right)) { out in
        for index in 0..<out.count { out[index] = pm[index] != 0 ? pl[index] : pr[index] }
    }
}

// MARK: - Comparisons (constant masks: 1 where true, 0 where false; no gradient)

extension Tensor {
    /// `1` where `a > b` elementwise (broadcasting), else `0`; likewise `.<`, `.>=`, `.<=`, `.==`.
    public static func .> (a: Tensor, b: Tensor) -> Tensor { compare(a, b) { $0 > $1 } }
    public static func .< (a: Tensor, b: Tensor) -> Tensor { compare(a, b) { $0 < $1 } }
    public static func .>= (a: Tensor, b: Tensor) -> Tensor { compare(a, b) { $0 >= $1 } }
    public static func .<= (a: Tensor, b: Tensor) -> Tensor { compare(a, b) { $0 <= $1 } }
    public static func .== (a: Tensor, b: Tensor) -> Tensor { compare(a, b) { $0 == $1 } }
    public static func .> (a: Tensor, b: Float) -> Tensor { a .> .constant(b) }
    public static func .< (a: Tensor, b: Float) -> Tensor { a .< .constant(b) }
    public static func .>= (a: Tensor, b: Float) -> Tensor { a .>= .constant(b) }
    public static func .<= (a: Tensor, b: Float) -> Tensor { a .<= .constant(b) }
    public static func .== (a: Tensor, b: Float) -> Tensor { a .== .constant(b) }

    private static func compare(_ a: Tensor, _ b: Tensor, _ test: (Float, Float) -> Bool) -> Tensor {
        withNoGrad {
            // Under withNoGrad the recording autoclosure is never evaluated: masks have no op.
            mapBinary(a, b, name: "compare", recording: .add(a, b)) { test($0, $1) ? 1 : 0 }.markedConstant()
        }
    }

    /// `self` broadcast to `shape`, without a copy when the shape already matches.
    func broadcastIfNeeded(to shape: [Int]) -> Tensor {
        self.shape == shape ? self : broadcast(to: shape)
    }
}

/// Elementwise maximum with broadcasting; on ties the gradient goes to `a`.
public func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
    select(withNoGrad { a .>= b }, a, b)
}

/// Elementwise minimum with broadcasting; on ties the gradient goes to `a`.
public func minimum(_ a: Tensor, _ b: Tensor) -> Tensor {
    select(withNoGrad { a .<= b }, a, b)
}
