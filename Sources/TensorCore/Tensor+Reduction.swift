//! Reductions: sum, mean, variance, max, min, argmax, argmin.
import Foundation

extension Tensor {
    /// Sum over `axes` (negative axes count from the end). With `keepDims` the reduced axes stay
    /// with extent 1 (so the result broadcasts against `self`), otherwise they are removed.
    ///
    /// `x` of shape `[2, 3]`: `x.sum(axes: [1])` is `[2]`, `x.sum(axes: [1], keepDims: true)` is `[2, 1]`.
    public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
        let resolved = ShapeMath.axes(axes, rank: rank, op: "sum")
        let kept = Self.keptShape(shape, reducing: resolved)
        let resultShape = keepDims ? kept : Self.droppedShape(shape, reducing: resolved)
        let storage = withNoGrad { sumKernel(reducing: resolved) }
        return Tensor(shape: resultShape, storage: storage,
                      op: GradientRecording.isEnabled ? .sum(self, axes: resolved) : nil)
    }

    /// Sum of all elements, shape `[]`.
    public func sum() -> Tensor { sum(axes: Array(0..<rank)) }

    /// Mean over `axes`; see `sum(axes:keepDims:)` for shapes.
    public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
        let resolved = ShapeMath.axes(axes, rank: rank, op: "mean")
        let reducedCount = resolved.reduce(1) { $0 * shape[$1] }
        return sum(axes: resolved, keepDims: keepDims) * (1 / Float(Swift.max(reducedCount, 1)))
    }

    /// Mean of all elements, shape `[]`.
    public func mean() -> Tensor { mean(axes: Array(0..<rank)) }

    /// Variance over `axes`: `sum((x - mean)^2) / (n - (unbiased ? 1 : 0))`.
    /// The default is the biased (population) variance, as batch norm uses; note that
    /// `torch.var` defaults to `unbiased: true`.
    public func variance(axes: [Int], keepDims: Bool = false, unbiased: Bool = false) -> Tensor {
        let resolved = ShapeMath.axes(axes, rank: rank, op: "variance")
        let reducedCount = resolved.reduce(1) { $0 * shape[$1] }
        let centered = self - mean(axes: resolved, keepDims: true)
        let divisor = Float(Swift.max(reducedCount - (unbiased ? 1 : 0), 1))
        return pow(centered, 2).sum(axes: resolved, keepDims: keepDims) * (1 / divisor)
    }

    /// Maximum along `axis`. The gradient flows to the first maximal element (PyTorch's rule).
    public func max(axis: Int, keepDims: Bool = false) -> Tensor {
        extremum(axis: axis, keepDims: keepDims, largest: true).values
    }

    /// Minimum along `axis`. The gradient flows to the first minimal element.
    public func min(axis: Int, keepDims: Bool = false) -> Tensor {
        extremum(axis: axis, keepDims: keepDims, largest: false).values
    }

    /// Maximum of all elements, shape `[]`.
    public func max() -> Tensor { reshaped(to: [count]).max(axis: 0) }

    /// Minimum of all elements, shape `[]`.
    public func min() -> Tensor { reshaped(to: [count]).min(axis: 0) }

    /// Maximum over several axes: the axes are moved last, flattened, and reduced as one.
    public func max(axes: [Int], keepDims: Bool = false) -> Tensor {
        flattenedForReduction(axes: axes, keepDims: keepDims) { $0.max(axis: -1) }
    }

    /// Minimum over several axes (see `max(axes:keepDims:)`).
    public func min(axes: [Int], keepDims: Bool = false) -> Tensor {
        flattenedForReduction(axes: axes, keepDims: keepDims) { $0.min(axis: -1) }
    }

    /// Positions of the (first) maximum along `axis`, row-major over the other axes.
    /// `x` of shape `[N, K]`: `x.argmax(axis: 1)` has `N` entries in `0..<K`.
    public func argmax(axis: Int) -> [Int] {
        withNoGrad { extremum(axis: axis, keepDims: false, largest: true).indices }
    }

    /// Positions of the (first) minimum along `axis` (see `argmax(axis:)`).
    public func argmin(axis: Int) -> [Int] {
        withNoGrad { extremum(axis: axis, keepDims: false, largest: false).indices }
    }

    private func extremum(axis: Int, keepDims: Bool, largest: Bool) -> (values: Tensor, indices: [Int]) {
        let resolved = ShapeMath.axis(axis, rank: rank, op: largest ? "max" : "min")
        let (outer, extent, inner) = ShapeMath.split(shape, around: resolved)
        precondition(extent > 0, "\(largest ? "max" : "min"): empty axis \(axis) in shape \(shape)")
        var indices = [Int](repeating: 0, count: outer * inner)
        var values = [Float](repeating: 0, count: outer * inner)
        let source = basePointer
        // Row-wise over `inner` (contiguous) rather than line-wise with a stride: cache friendly
        // for NCHW channel reductions. NaN wins, as in PyTorch: once best is NaN it stays.
        values.withUnsafeMutableBufferPointer { best in
            indices.withUnsafeMutableBufferPointer { chosen in
                for o in 0..<outer {
                    let block = source + o * extent * inner, bestRow = best.baseAddress! + o * inner
                    let chosenRow = chosen.baseAddress! + o * inner
                    bestRow.update(from: block, count: inner)
                    for k in 1..<Swift.max(extent, 1) {
                        let row = block + k * inner
                        for i in 0..<inner {
                            let value = row[i], current = bestRow[i]
                            let better = largest ? value > current : value < current
                            if better || (value.isNaN && !current.isNaN) {
                                bestRow[i] = value
                                chosenRow[i] = k
                            }
                        }
                    }
                }
            }
        }
        var resultShape = shape
        if keepDims { resultShape[resolved] = 1 } else { resultShape.remove(at: resolved) }
        let storage = values.withUnsafeBufferPointer { TensorStorage(copying: $0) }
        let op: Op? = GradientRecording.isEnabled ? .extremum(self, axis: resolved, indices: indices) : nil
        return (Tensor(shape: resultShape, storage: storage, op: op), indices)
    }

    private func flattenedForReduction(axes: [Int], keepDims: Bool, _ reduce: (Tensor) -> Tensor) -> Tensor {
        let resolved = ShapeMath.axes(axes, rank: rank, op: "max/min")
        let others = (0..<rank).filter { !resolved.contains($0) }
        let moved = resolved == Array((rank - resolved.count)..<rank) ? self : permuted(others + resolved)
        let flat = moved.reshaped(to: others.map { shape[$0] } + [resolved.reduce(1) { $0 * shape[$1] }])
        let reduced = reduce(flat)
        return reduced.reshaped(to: keepDims ? Self.keptShape(shape, reducing: resolved)
                                             : Self.droppedShape(shape, reducing: resolved))
    }

    static func keptShape(_ shape: [Int], reducing axes: [Int]) -> [Int] {
        var kept = shape
        for axis in axes { kept[axis] = 1 }
        return kept
    }

    static func droppedShape(_ shape: [Int], reducing axes: [Int]) -> [Int] {
        shape.indices.filter { !axes.contains($0) }.map { shape[$0] }
    }
}
