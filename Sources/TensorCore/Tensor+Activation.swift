//! Activations: relu, relu6, leaky relu, sigmoid, tanh, softmax, log-softmax.
import Foundation
import TensorKernels

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

/// `1 / (1 + e^-x)` elementwise (saturates to exactly 0 and 1 for large `|x|`, no NaN).
public func sigmoid(_ x: Tensor) -> Tensor {
    // One branch-free formula: e^-x overflows to +inf for x < -88.7 and 1 / inf = 0 is right.
    let source = SendablePointer(UnsafePointer(x.basePointer))
    return Tensor.makeResult(shape: x.shape, recording: .sigmoid(x)) { out in
        let target = SendableMutablePointer(out.baseAddress!)
        forEachChunk(out.count) { range in
            for index in range { target[index] = 1 / (1 + fastExp(-source[index])) }
        }
    }
}

/// Hyperbolic tangent elementwise.
public func tanh(_ x: Tensor) -> Tensor {
    mapUnary(x, recording: .tanh(x)) { Foundation.tanh($0) }
}

/// `e^x / sum(e^x)` along `axis` (max-subtracted for stability). Same shape as `x`.
public func softmax(_ x: Tensor, axis: Int = -1) -> Tensor {
    let resolved = ShapeMath.axis(axis, rank: x.rank, op: "softmax")
    return Tensor.makeResult(shape: x.shape, recording: .softmax(x, axis: resolved)) { out in
        softmaxKernel(x, axis: resolved, logarithm: false, into: out.baseAddress!)
    }
}

/// `x - log(sum(e^x))` along `axis` (log-sum-exp with the max subtracted). Same shape as `x`.
public func logSoftmax(_ x: Tensor, axis: Int = -1) -> Tensor {
    let resolved = ShapeMath.axis(axis, rank: x.rank, op: "logSoftmax")
    return Tensor.makeResult(shape: x.shape, recording: .logSoftmax(x, axis: resolved)) { out in
        softmaxKernel(x, axis: resolved, logarithm: true, into: out.baseAddress!)
    }
}

/// Softmax or log-softmax along `axis`, viewing `x` as `[outer, extent, inner]`. Each outer block
/// is processed as `extent` rows of `inner` elements, so every loop runs over contiguous memory
/// (vectorizable) whether the axis is innermost (`inner == 1`) or not (channels of NCHW).
/// Outer blocks are split over the cores.
private func softmaxKernel(_ x: Tensor, axis: Int, logarithm: Bool, into out: UnsafeMutablePointer<Float>) {
    let (outer, extent, inner) = ShapeMath.split(x.shape, around: axis)
    let source = SendablePointer(UnsafePointer(x.basePointer)), target = SendableMutablePointer(out)
    parallelChunks(count: outer, minimumChunk: Swift.max(1, parallelGrain / Swift.max(extent * inner, 1))) { blocks in
        let maxima = UnsafeMutablePointer<Float>.allocate(capacity: inner)
        let totals = UnsafeMutablePointer<Float>.allocate(capacity: inner)
        defer { maxima.deallocate(); totals.deallocate() }
        for block in blocks {
            let input = source.base + block * extent * inner, output = target.base + block * extent * inner
            if inner == 1 {
                softmaxLine(input, extent: extent, logarithm: logarithm, into: output)
                continue
            }
            maxima.update(from: input, count: inner)
            for k in 1..<Swift.max(extent, 1) {
                let row = input + k * inner
                for i in 0..<inner { maxima[i] = row[i] > maxima[i] ? row[i] : maxima[i] }
            }
            totals.update(repeating: 0, count: inner)
            for k in 0..<extent {
                let row = input + k * inner, exponentials = output + k * inner
                for i in 0..<inner {
                    exponentials[i] = fastExp(row[i] - maxima[i])
                    totals[i] += exponentials[i]
                }
            }
            if logarithm {
                for i in 0..<inner { totals[i] = maxima[i] + Foundation.log(totals[i]) }
                for k in 0..<extent {
                    let row = input + k * inner, result = output + k * inner
                    for i in 0..<inner { result[i] = row[i] - totals[i] }
                }
            } else {
                for i in 0..<inner { totals[i] = 1 / totals[i] }
                for k in 0..<extent {
                    let result = output + k * inner
                    for i in 0..<inner { result[i] *= totals[i] }
                }
            }
        }
    }
}

/// Softmax of one contiguous line: the exponentials are written in one vectorizable pass and
/// summed with SIMD accumulators (a running float sum inside the loop would not vectorize).
private func softmaxLine(_ input: UnsafePointer<Float>, extent: Int, logarithm: Bool,
                         into output: UnsafeMutablePointer<Float>) {
    var maximum = -Float.infinity
    for k in 0..<extent where input[k] > maximum || input[k].isNaN { maximum = input[k] }
    for k in 0..<extent { output[k] = fastExp(input[k] - maximum) }
    let total = sumContiguous(output, count: extent)
    if logarithm {
        let logTotal = maximum + Foundation.log(total)
        for k in 0..<extent { output[k] = input[k] - logTotal }
    } else {
        let scale = 1 / total
        for k in 0..<extent { output[k] *= scale }
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
