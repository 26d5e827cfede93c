//! Shape ops: reshape (a view), squeeze/unsqueeze, permute/transpose and broadcast (copies).

extension Tensor {
    /// The same elements with a new shape; one extent may be `-1` (inferred). A view: no copy.
    ///
    /// `x` of shape `[n, c, h, w]`: `x.reshaped(to: [n, -1])` has shape `[n, c * h * w]`.
    public func reshaped(to newShape: [Int]) -> Tensor {
        let resolved = Self.resolveReshape(newShape, count: count, from: shape)
        if resolved == shape { return self }
        return sharingStorage(shape: resolved, op: GradientRecording.isEnabled ? .reshape(self) : nil)
    }

    /// Flattens axes `startAxis...` into one: `[n, c, h, w]` -> `[n, c * h * w]` for `startAxis: 1`.
    public func flattened(startAxis: Int = 0) -> Tensor {
        let start = ShapeMath.axis(startAxis, rank: Swift.max(rank, 1), op: "flattened")
        return reshaped(to: Array(shape[..<start]) + [ShapeMath.count(Array(shape[start...]))])
    }

    /// Removes `axis`, which must have extent 1.
    public func squeezed(axis: Int) -> Tensor {
        let resolved = ShapeMath.axis(axis, rank: rank, op: "squeezed")
        precondition(shape[resolved] == 1, "squeezed: axis \(axis) of shape \(shape) is not 1")
        var newShape = shape
        newShape.remove(at: resolved)
        return reshaped(to: newShape)
    }

    /// Removes every axis of extent 1.
    public func squeezed() -> Tensor { reshaped(to: shape.filter { $0 != 1 }) }

    /// Inserts an axis of extent 1 at `axis` (`0...rank`; negative counts from `rank + 1`).
    public func unsqueezed(axis: Int) -> Tensor {
        let resolved = ShapeMath.axis(axis, rank: rank + 1, op: "unsqueezed")
        var newShape = shape
        newShape.insert(1, at: resolved)
        return reshaped(to: newShape)
    }

    /// Axes reordered: result axis `i` is input axis `axes[i]`. Copies the data.
    ///
    /// `x` of shape `[n, c, h, w]`: `x.permuted([0, 2, 3, 1])` has shape `[n, h, w, c]`.
    public func permuted(_ axes: [Int]) -> Tensor {
        let resolved = axes.map { ShapeMath.axis($0, rank: rank, op: "permuted") }
        precondition(resolved.count == rank && Set(resolved).count == rank,
                     "permuted: \(axes) is not a permutation of the axes of shape \(shape)")
        if resolved == Array(0..<rank) { return self }
        let ownStrides = ShapeMath.strides(shape)
        let newShape = resolved.map { shape[$0] }
        let source = basePointer
        return Tensor.makeResult(shape: newShape, recording: .permute(self, axes: resolved)) { out in
            stridedCopy(from: source, strides: resolved.map { ownStrides[$0] }, shape: newShape,
                        into: out.baseAddress!)
        }
    }

    /// Swaps axes `first` and `second` (default: the last two). Copies the data.
    public func transposed(_ first: Int = -2, _ second: Int = -1) -> Tensor {
        precondition(rank >= 2, "transposed: needs rank >= 2, shape \(shape)")
        var axes = Array(0..<rank)
        axes.swapAt(ShapeMath.axis(first, rank: rank, op: "transposed"),
                    ShapeMath.axis(second, rank: rank, op: "transposed"))
        return permuted(axes)
    }

    /// `self` repeated along broadcast axes to `shape` (numpy rules). Copies the data.
    public func broadcast(to newShape: [Int]) -> Tensor {
        let target = ShapeMath.broadcast(shape, newShape, op: "broadcast")
        precondition(target == newShape, "broadcast: shape \(shape) cannot broadcast to \(newShape)")
        if shape == newShape { return self }
        let strides = ShapeMath.broadcastStrides(shape, to: newShape)
        let source = basePointer
        return Tensor.makeResult(shape: newShape, recording: .broadcast(self)) { out in
            stridedCopy(from: source, strides: strides, shape: newShape, into: out.baseAddress!)
        }
    }

    /// Sums `self` down to `target` (the inverse of broadcasting): the gradient of a broadcast.
    func summed(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        var axes = Array(0..<lead)
        for (index, extent) in target.enumerated() where extent == 1 && shape[index + lead] != 1 {
            axes.append(index + lead)
        }
        return sum(axes: axes).reshaped(to: target)
    }

    static func resolveReshape(_ requested: [Int], count: Int, from shape: [Int]) -> [Int] {
        let unknown = requested.indices.filter { requested[$0] == -1 }
        precondition(unknown.count <= 1 && requested.allSatisfy { $0 >= -1 },
                     "reshaped: invalid shape \(requested) for \(shape)")
        var resolved = requested
        if let index = unknown.first {
            let known = requested.filter { $0 != -1 }.reduce(1, *)
            precondition(known > 0 && count % known == 0, "reshaped: cannot reshape \(shape) to \(requested)")
            resolved[index] = count / known
        }
        precondition(ShapeMath.count(resolved) == count, "reshaped: cannot reshape \(shape) to \(requested)")
        return resolved
    }
}
