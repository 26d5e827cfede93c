//! Loops used only by backward rules: masked gradients and scatters (the transposes of gathers).

/// `f(g[i], x[i])` for same-shape `g` and `x`, never recorded.
@inline(__always)
func mapGradient(_ g: Tensor, _ x: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
    precondition(g.shape == x.shape, "backward: gradient \(g.shape) and saved value \(x.shape) differ")
    let pg = g.basePointer, px = x.basePointer
    return Tensor.makeConstant(shape: g.shape) { out in
        for index in 0..<out.count { out[index] = f(pg[index], px[index]) }
    }
}

/// Zeros of `shape` with `g` added along `axis` at `indices` (one index per element of `g`, row
/// major): the transpose of `gathered(alongAxis:indices:count:)` and of max/min along an axis.
func scatterAdd(_ g: Tensor, into shape: [Int], axis: Int, indices: [Int]) -> Tensor {
    let (outer, extent, inner) = ShapeMath.split(shape, around: axis)
    let gathered = indices.count / Swift.max(outer * inner, 1)
    let source = g.basePointer
    return Tensor.makeConstant(shape: shape) { out in
        out.initialize(repeating: 0)
        for o in 0..<outer {
            for j in 0..<gathered {
                for i in 0..<inner {
                    let from = (o * gathered + j) * inner + i
                    out[(o * extent + indices[from]) * inner + i] += source[from]
                }
            }
        }
    }
}

/// Zeros of `shape` with the slices of `g` along `axis` added at `indices` (index_add): the
/// transpose of `indexSelected(axis:indices:)`.
func indexAdd(_ g: Tensor, into shape: [Int], axis: Int, indices: [Int]) -> Tensor {
    let (outer, extent, inner) = ShapeMath.split(shape, around: axis)
    let source = g.basePointer
    return Tensor.makeConstant(shape: shape) { out in
        out.initialize(repeating: 0)
        for o in 0..<outer {
            for (j, index) in indices.enumerated() {
                let from = source + (o * indices.count + j) * inner
                let to = out.baseAddress! + (o * extent + index) * inner
                for i in 0..<inner { to[i] += from[i] }
            }
        }
    }
}

/// Zeros of `shape` with `g` placed at `origin`: the transpose of a crop.
func placed(_ g: Tensor, into shape: [Int], at origin: [Int]) -> Tensor {
    let source = g.basePointer
    return Tensor.makeConstant(shape: shape) { out in
        out.initialize(repeating: 0)
        copyBlock(from: source, shape: g.shape, origin: [Int](repeating: 0, count: shape.count),
                  to: out.baseAddress!, shape: shape, origin: origin, extent: g.shape)
    }
}
