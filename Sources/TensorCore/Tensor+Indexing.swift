//! Indexing: slice, split, concat, pad, gather (torch.gather), index-select.

extension Tensor {
    /// Elements `range` along `axis` (a copy). `x` of shape `[n, 10]`:
    /// `x.sliced(axis: 1, range: 2..<5)` has shape `[n, 3]`.
    public func sliced(axis: Int, range: Range<Int>) -> Tensor {
        let resolved = ShapeMath.axis(axis, rank: rank, op: "sliced")
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[resolved],
                     "sliced: range \(range) out of bounds for axis \(axis) of shape \(shape)")
        var origin = [Int](repeating: 0, count: rank)
        origin[resolved] = range.lowerBound
        var extent = shape
        extent[resolved] = range.count
        return cropped(origin: origin, shape: extent)
    }

    /// The block of `shape` starting at `origin` (one entry per axis). A copy.
    public func cropped(origin: [Int], shape blockShape: [Int]) -> Tensor {
        precondition(origin.count == rank && blockShape.count == rank
                     && (0..<rank).allSatisfy { origin[$0] >= 0 && origin[$0] + blockShape[$0] <= shape[$0] },
                     "cropped: block at \(origin) of shape \(blockShape) exceeds shape \(shape)")
        if blockShape == shape { return self }
        let source = basePointer, sourceShape = shape
        return Tensor.makeResult(shape: blockShape, recording: .crop(self, origin: origin)) { out in
            copyBlock(from: source, shape: sourceShape, origin: origin,
                      to: out.baseAddress!, shape: blockShape, origin: [Int](repeating: 0, count: origin.count),
                      extent: blockShape)
        }
    }

    /// Consecutive pieces along `axis` with the given extents (they must add up to the axis).
    public func split(sizes: [Int], axis: Int) -> [Tensor] {
        let resolved = ShapeMath.axis(axis, rank: rank, op: "split")
        precondition(sizes.reduce(0, +) == shape[resolved] && sizes.allSatisfy { $0 >= 0 },
                     "split: sizes \(sizes) do not add up to axis \(axis) of shape \(shape)")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return sliced(axis: resolved, range: start..<(start + size))
        }
    }

    /// Pads each axis with `padding[axis].before` and `.after` elements of `value`
    /// (one pair per axis). `x` `[n, c, h, w]` padded by `[(0,0), (0,0), (1,1), (2,2)]` is
    /// `[n, c, h + 2, w + 4]`. The gradient ignores `value`.
    public func padded(_ padding: [(before: Int, after: Int)], value: Float = 0) -> Tensor {
        precondition(padding.count == rank && padding.allSatisfy { $0.before >= 0 && $0.after >= 0 },
                     "padded: need \(rank) non-negative (before, after) pairs for shape \(shape)")
        let newShape = (0..<rank).map { shape[$0] + padding[$0].before + padding[$0].after }
        let origin = padding.map(\.before)
        let source = basePointer, sourceShape = shape
        return Tensor.makeResult(shape: newShape, recording: .pad(self, origin: origin)) { out in
            out.initialize(repeating: value)
            copyBlock(from: source, shape: sourceShape, origin: [Int](repeating: 0, count: origin.count),
                      to: out.baseAddress!, shape: newShape, origin: origin, extent: sourceShape)
        }
    }

    /// `output[..., j, ...] = self[..., indices[...j...], ...]` along `axis` (torch.gather).
    /// The output has `self`'s shape with extent `count` on `axis`; `indices` holds one position
    /// (in `0..<shape[axis]`) per output element, row-major.
    public func gathered(alongAxis axis: Int, indices: [Int], count gatheredCount: Int) -> Tensor {
        let resolved = ShapeMath.axis(axis, rank: rank, op: "gathered")
        var newShape = shape
        newShape[resolved] = gatheredCount
        precondition(indices.count == ShapeMath.count(newShape),
                     "gathered: \(indices.count) indices for output shape \(newShape)")
        let (outer, extent, inner) = ShapeMath.split(shape, around: resolved)
        precondition(indices.allSatisfy { $0 >= 0 && $0 < extent },
                     "gathered: index out of range 0..<\(extent) for axis \(axis) of shape \(shape)")
        let source = basePointer
        return Tensor.makeResult(shape: newShape, recording: .gather(self, axis: resolved, indices: indices)) { out in
            for o in 0..<outer {
                for j in 0..<gatheredCount {
                    for i in 0..<inner {
                        let outIndex = (o * gatheredCount + j) * inner + i
                        out[outIndex] = source[(o * extent + indices[outIndex]) * inner + i]
                    }
                }
            }
        }
    }

    /// The slices at `indices` along `axis`, in that order (torch.index_select; repeats allowed).
    public func indexSelected(axis: Int, indices: [Int]) -> Tensor {
        let resolved = ShapeMath.axis(axis, rank: rank, op: "indexSelected")
        let (outer, extent, inner) = ShapeMath.split(shape, around: resolved)
        precondition(indices.allSatisfy { $0 >= 0 && $0 < extent },
                     "indexSelected: index out of range 0..<\(extent) for axis \(axis) of shape \(shape)")
        var newShape = shape
        newShape[resolved] = indices.count
        let source = basePointer
        return Tensor.makeResult(shape: newShape, recording: .indexSelect(self, axis: resolved, indices: indices)) { out in
            for o in 0..<outer {
                for (j, index) in indices.enumerated() {
                    (out.baseAddress! + (o * indices.count + j) * inner)
                        .update(from: source + (o * extent + index) * inner, count: inner)
                }
            }
        }
    }
}

extension Tensor {
    /// The elements in reverse order along `axis` (a copy), e.g. a horizontal flip of
    /// `[N, C, H, W]` is `flipped(axis: 3)`.
    public func flipped(axis: Int) -> Tensor {
        let resolved = ShapeMath.axis(axis, rank: rank, op: "flipped")
        return indexSelected(axis: resolved, indices: Array((0..<shape[resolved]).reversed()))
    }
}

/// Stacks equally shaped `tensors` along a new `axis`: `k` tensors `[a, b]` stacked on axis 0
/// give `[k, a, b]`.
public func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
    precondition(!tensors.isEmpty && tensors.allSatisfy { $0.shape == tensors[0].shape },
                 "stack: shapes \(tensors.map(\.shape)) are not all equal")
    let resolved = ShapeMath.axis(axis, rank: tensors[0].rank + 1, op: "stack")
    return concat(tensors.map { $0.unsqueezed(axis: resolved) }, axis: resolved)
}

/// Joins `tensors` along `axis`; all other extents must match.
/// `[n, 2, h, w]` and `[n, 3, h, w]` along 1 give `[n, 5, h, w]`.
public func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
    precondition(!tensors.isEmpty, "concat: no tensors")
    let first = tensors[0]
    let resolved = ShapeMath.axis(axis, rank: first.rank, op: "concat")
    for tensor in tensors {
        precondition(tensor.rank == first.rank && (0..<first.rank).allSatisfy {
            $0 == resolved || tensor.shape[$0] == first.shape[$0]
        }, "concat: shapes \(tensors.map(\.shape)) differ off axis \(axis)")
    }
    var newShape = first.shape
    newShape[resolved] = tensors.reduce(0) { $0 + $1.shape[resolved] }
    return Tensor.makeResult(shape: newShape, recording: .concat(tensors, axis: resolved)) { out in
        var origin = [Int](repeating: 0, count: newShape.count)
        for tensor in tensors {
            copyBlock(from: tensor.basePointer, shape: tensor.shape, origin: [Int](repeating: 0, count: newShape.count),
                      to: out.baseAddress!, shape: newShape, origin: origin, extent: tensor.shape)
            origin[resolved] += tensor.shape[resolved]
        }
    }
}

/// Copies the block of `extent` at `sourceOrigin` in a contiguous `sourceShape` buffer into the
/// block at `destinationOrigin` of a contiguous `destinationShape` buffer, one innermost run
/// (`memcpy`) at a time.
func copyBlock(from source: UnsafePointer<Float>, shape sourceShape: [Int], origin sourceOrigin: [Int],
               to destination: UnsafeMutablePointer<Float>, shape destinationShape: [Int],
               origin destinationOrigin: [Int], extent: [Int]) {
    let rank = extent.count
    guard ShapeMath.count(extent) > 0 else { return }
    if rank == 0 { destination[0] = source[0]; return }
    let sourceStrides = ShapeMath.strides(sourceShape), destinationStrides = ShapeMath.strides(destinationShape)
    var sourceOffset = 0, destinationOffset = 0
    for axis in 0..<rank {
        sourceOffset += sourceOrigin[axis] * sourceStrides[axis]
        destinationOffset += destinationOrigin[axis] * destinationStrides[axis]
    }
    let layout = StridedLayout(shape: extent, strides: [sourceStrides, destinationStrides])
    let run = layout.innerExtent, steps = layout.innerStrides
    layout.forEachRun { offsets in
        let from = source + sourceOffset + offsets[0], to = destination + destinationOffset + offsets[1]
        if steps[0] == 1 && steps[1] == 1 {
            to.update(from: from, count: run)
        } else {
            for i in 0..<run { to[i * steps[1]] = from[i * steps[0]] }
        }
    }
}
