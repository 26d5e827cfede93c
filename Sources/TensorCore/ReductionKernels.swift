//! Summation loops with explicit SIMD accumulators (float sums are never auto-vectorized).

extension Tensor {
    /// Sums over the sorted, resolved `axes` and returns storage for the keep-dims shape.
    /// Runs of adjacent axes are merged and reduced in one pass, innermost run first.
    func sumKernel(reducing axes: [Int]) -> TensorStorage {
        var groups: [ClosedRange<Int>] = []
        for axis in axes {
            if let last = groups.last, last.upperBound + 1 == axis {
                groups[groups.count - 1] = last.lowerBound...axis
            } else {
                groups.append(axis...axis)
            }
        }
        var currentShape = shape
        var current = storage
        for group in groups.reversed() {
            let outer = ShapeMath.count(Array(currentShape[..<group.lowerBound]))
            let extent = ShapeMath.count(Array(currentShape[group]))
            let inner = ShapeMath.count(Array(currentShape[(group.upperBound + 1)...]))
            let reduced = TensorStorage(uninitializedCount: outer * inner)
            sumMiddleAxis(current.buffer.baseAddress!, outer: outer, extent: extent, inner: inner,
                          into: reduced.buffer.baseAddress!)
            for axis in group { currentShape[axis] = 1 }
            current = reduced
        }
        if groups.isEmpty {
            current = TensorStorage(copying: UnsafeBufferPointer(start: storage.buffer.baseAddress, count: count))
        }
        return current
    }
}

/// `out[o, i] = sum_k x[o, k, i]` for `x` laid out `[outer, extent, inner]`.
func sumMiddleAxis(_ x: UnsafePointer<Float>, outer: Int, extent: Int, inner: Int,
                   into out: UnsafeMutablePointer<Float>) {
    if inner == 1 {
        for o in 0..<outer { out[o] = sumContiguous(x + o &* extent, count: extent) }
        return
    }
    for o in 0..<outer {
        let row = out + o &* inner
        row.update(repeating: 0, count: inner)
        for k in 0..<extent {
            let source = x + (o &* extent &+ k) &* inner
            // Independent per-element sums: this loop vectorizes without reassociation.
            for i in 0..<inner { row[i] += source[i] }
        }
    }
}

/// Sum of `count` contiguous floats with four `SIMD16` accumulators.
func sumContiguous(_ x: UnsafePointer<Float>, count: Int) -> Float {
    var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>(), acc2 = SIMD16<Float>(), acc3 = SIMD16<Float>()
    var index = 0
    let raw = UnsafeRawPointer(x)
    while index + 64 <= count {
        acc0 += raw.loadUnaligned(fromByteOffset: index &* 4, as: SIMD16<Float>.self)
        acc1 += raw.loadUnaligned(fromByteOffset: (index &+ 16) &* 4, as: SIMD16<Float>.self)
        acc2 += raw.loadUnaligned(fromByteOffset: (index &+ 32) &* 4, as: SIMD16<Float>.self)
        acc3 += raw.loadUnaligned(fromByteOffset: (index &+ 48) &* 4, as: SIMD16<Float>.self)
        index &+= 64
    }
    while index + 16 <= count {
        acc0 += raw.loadUnaligned(fromByteOffset: index &* 4, as: SIMD16<Float>.self)
        index &+= 16
    }
    var total = ((acc0 + acc1) + (acc2 + acc3)).sum()
    while index < count {
        total += x[index]
        index &+= 1
    }
    return total
}

/// `sum_i a[i] * b[i]` over `count` contiguous floats with `SIMD16` accumulators.
func dotContiguous(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
    var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
    var index = 0
    let rawA = UnsafeRawPointer(a), rawB = UnsafeRawPointer(b)
    while index + 32 <= count {
        acc0 += rawA.loadUnaligned(fromByteOffset: index &* 4, as: SIMD16<Float>.self)
            * rawB.loadUnaligned(fromByteOffset: index &* 4, as: SIMD16<Float>.self)
        acc1 += rawA.loadUnaligned(fromByteOffset: (index &+ 16) &* 4, as: SIMD16<Float>.self)
            * rawB.loadUnaligned(fromByteOffset: (index &+ 16) &* 4, as: SIMD16<Float>.self)
        index &+= 32
    }
    var total = (acc0 + acc1).sum()
    while index < count {
        total += a[index] * b[index]
        index &+= 1
    }
    return total
}
