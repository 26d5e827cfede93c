//! Activations: relu, relu6, leaky relu, sigmoid, tanh, softmax, log-softmax.
import Foundation

/// `max(x, 0)` elementwise; gradient 1 where `x > 0`, else 0.
public func relu(_ x: Tensor) -> Tensor {
    mapUnary(x, recording: .relu(x)) { $0 > 0 ? $0 : 0 }
}

/// `min(max(x, 0), 6)` elementwise (MobileNet); gradient 1 where `0 < x < 6`.
public func relu6(_ x: Tensor) -> Tensor {
    mapUnary(x, recording: .relu6(x)) { $0 > 0 ? ($0 < 6 ? $0 : 6) : 0 }
}

/// `x > 0 ? x : negativeSlope * x` elementwise (PyTorch default slope 0.01).
public func leakyRelu(_ x: Tensor, negativeSlope: Float = 0.01) -> Tensor {
    mapUnary(x, recording: .leakyRelu(x, negativeSlope: negativeSlope)) { $0 > 0 ? $0 : negativeSlope * $0 }
}

/// `1 / (1 + e^-x)` elementwise, evaluated without overflow for large `|x|`.
public func sigmoid(_ x: Tensor) -> Tensor {
    mapUnary(x, recording: .sigmoid(x)) { value in
        if value >= 0 { return 1 / (1 + Foundation.exp(-value)) }
        let e = Foundation.exp(value)
        return e / (1 + e)
    }
}

/// Hyperbolic tangent elementwise.
public func tanh(_ x: Tensor) -> Tensor {
    mapUnary(x, recording: .tanh(x)) { Foundation.tanh($0) }
}

/// `e^x / sum(e^x)` along `axis` (max-subtracted for stability). Same shape as `x`.
public func softmax(_ x: Tensor, axis: Int = -1) -> Tensor {
    let resolved = ShapeMath.axis(axis, rank: x.rank, op: "softmax")
    let (outer, extent, inner) = ShapeMath.split(x.shape, around: resolved)
    let source = x.basePointer
    return Tensor.makeResult(shape: x.shape, recording: .softmax(x, axis: resolved)) { out in
        forEachLine(outer: outer, extent: extent, inner: inner) { start, step in
            var maximum = -Float.infinity
            for k in 0..<extent { let v = source[start + k &* step]; if v > maximum { maximum = v } }
            var total: Float = 0
            for k in 0..<extent {
                let e = Foundation.exp(source[start + k &* step] - maximum)
                out[start + k &* step] = e
                total += e
            }
            let scale = 1 / total
            for k in 0..<extent { out[start + k &* step] *= scale }
        }
    }
}

/// `x - log(sum(e^x))` along `axis` (log-sum-exp with the max subtracted). Same shape as `x`.
public func logSoftmax(_ x: Tensor, axis: Int = -1) -> Tensor {
    let resolved = ShapeMath.axis(axis, rank: x.rank, op: "logSoftmax")
    let (outer, extent, inner) = ShapeMath.split(x.shape, around: resolved)
    let source = x.basePointer
    return Tensor.makeResult(shape: x.shape, recording: .logSoftmax(x, axis: resolved)) { out in
        forEachLine(outer: outer, extent: extent, inner: inner) { start, step in
            var maximum = -Float.infinity
            for k in 0..<extent { let v = source[start + k &* step]; if v > maximum { maximum = v } }
            var total: Float = 0
            for k in 0..<extent { total += Foundation.exp(source[start + k &* step] - maximum) }
            let logTotal = maximum + Foundation.log(total)
            for k in 0..<extent { out[start + k &* step] = source[start + k &* step] - logTotal }
        }
    }
}

/// Calls `body(start, step)` for every line along the middle axis of an `[outer, extent, inner]`
/// layout: elements `start + k * step` for `k` in `0..<extent`.
@inline(__always)
func forEachLine(outer: Int, extent: Int, inner: Int, _ body: (Int, Int) -> Void) {
    for o in 0..<outer {
        for i in 0..<inner { body(o &* extent &* inner &+ i, inner) }
    }
}

/// Backward of softmax along the middle axis: `dx = y * (g - sum_k(g * y))`.
func softmaxBackward(output y: Tensor, gradient g: Tensor, axis: Int) -> Tensor {
    let (outer, extent, inner) = ShapeMath.split(y.shape, around: axis)
    let py = y.basePointer, pg = g.basePointer
    return Tensor.makeConstant(shape: y.shape) { out in
        forEachLine(outer: outer, extent: extent, inner: inner) { start, step in
            var dot: Float = 0
            for k in 0..<extent { dot += pg[start + k &* step] * py[start + k &* step] }
            for k in 0..<extent {
                let index = start + k &* step
                out[index] = py[index] * (pg[index] - dot)
            }
        }
    }
}

/// Backward of log-softmax along the middle axis: `dx = g - e^y * sum_k(g)`.
func logSoftmaxBackward(output y: Tensor, gradient g: Tensor, axis: Int) -> Tensor {
    let (outer, extent, inner) = ShapeMath.split(y.shape, around: axis)
    let py = y.basePointer, pg = g.basePointer
    return Tensor.makeConstant(shape: y.shape) { out in
        forEachLine(outer: outer, extent: extent, inner: inner) { start, step in
            var total: Float = 0
            for k in 0..<extent { total += pg[start + k &* step] }
            for k in 0..<extent {
                let index = start + k &* step
                out[index] = pg[index] - Foundation.exp(py[index]) * total
            }
        }
    }
}
