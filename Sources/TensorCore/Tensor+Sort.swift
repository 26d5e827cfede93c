//! Sorting along an axis: sort and top-k (values are differentiable through a gather).

extension Tensor {
    /// Sorts along `axis` (stable: ties keep their order). Returns the sorted values (same shape,
    /// differentiable) and, for every output element, its position along `axis` in `self`.
    public func sorted(axis: Int = -1, descending: Bool = false) -> (values: Tensor, indices: [Int]) {
        let resolved = ShapeMath.axis(axis, rank: rank, op: "sorted")
        return topK(shape[resolved], axis: resolved, largest: descending)
    }

    /// The `k` largest (or smallest) elements along `axis`, in order (largest first when
    /// `largest`). Values have extent `k` on `axis`; indices are positions along `axis`, row-major.
    public func topK(_ k: Int, axis: Int = -1, largest: Bool = true) -> (values: Tensor, indices: [Int]) {
        let resolved = ShapeMath.axis(axis, rank: rank, op: "topK")
        let (outer, extent, inner) = ShapeMath.split(shape, around: resolved)
        precondition(k >= 0 && k <= extent, "topK: k = \(k) outside 0...\(extent) for shape \(shape)")
        var indices = [Int](repeating: 0, count: outer * k * inner)
        let source = basePointer
        var line = [Int](repeating: 0, count: extent)
        for o in 0..<outer {
            for i in 0..<inner {
                let start = o * extent * inner + i
                for position in 0..<extent { line[position] = position }
                // NaN sorts as the largest value (PyTorch); a total order keeps the sort stable.
                func key(_ position: Int) -> Float { source[start + position * inner] }
                func before(_ p: Int, _ q: Int) -> Bool {
                    let (a, b) = (key(p), key(q))
                    if a.isNaN || b.isNaN { return largest ? (a.isNaN && !b.isNaN) : (!a.isNaN && b.isNaN) }
                    return largest ? a > b : a < b
                }
                line = stableSorted(line, by: before)
                for j in 0..<k { indices[(o * k + j) * inner + i] = line[j] }
            }
        }
        return (gathered(alongAxis: resolved, indices: indices, count: k), indices)
    }
}

/// Merge-free stable sort: sorting (key, position) pairs with the position as tie-breaker.
private func stableSorted(_ positions: [Int], by before: (Int, Int) -> Bool) -> [Int] {
    positions.sorted { p, q in before(p, q) || (!before(q, p) && p < q) }
}
