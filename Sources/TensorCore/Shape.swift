//! Shape arithmetic shared by every op: element counts, strides, axis normalisation, broadcasting.

/// Shape helpers. A shape is `[Int]`, outermost axis first (NCHW for images).
enum ShapeMath {
    /// Number of elements of `shape` (1 for a scalar `[]`).
    @inline(__always)
    static func count(_ shape: [Int]) -> Int {
        var product = 1
        for extent in shape { product &*= extent }
        return product
    }

    /// Row-major (contiguous) strides of `shape`, in elements.
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running &*= shape[axis]
        }
        return strides
    }

    /// Resolves a possibly negative axis (`-1` = last) against `rank`; a precondition names `op`.
    static func axis(_ axis: Int, rank: Int, op: String) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        precondition(resolved >= 0 && resolved < rank, "\(op): axis \(axis) out of range for rank \(rank)")
        return resolved
    }

    /// Resolves, de-duplicates and sorts `axes`.
    static func axes(_ axes: [Int], rank: Int, op: String) -> [Int] {
        Array(Set(axes.map { axis($0, rank: rank, op: op) })).sorted()
    }

    /// The numpy broadcast of two shapes: align trailing axes; extents must match or be 1.
    static func broadcast(_ a: [Int], _ b: [Int], op: String) -> [Int] {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for index in 0..<rank {
            let extentA = index < rank - a.count ? 1 : a[index - (rank - a.count)]
            let extentB = index < rank - b.count ? 1 : b[index - (rank - b.count)]
            precondition(extentA == extentB || extentA == 1 || extentB == 1,
                         "\(op): shapes \(a) and \(b) do not broadcast")
            result[index] = extentA == 1 ? extentB : extentA
        }
        return result
    }

    /// Strides to read a tensor of `shape` as if broadcast to `target`: 0 on broadcast axes.
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = strides(shape)
        let lead = target.count - shape.count
        var result = [Int](repeating: 0, count: target.count)
        for index in 0..<shape.count where shape[index] != 1 || target[index + lead] == 1 {
            result[index + lead] = shape[index] == 1 ? 0 : own[index]
        }
        return result
    }

    /// Splits `shape` around `axis` into `(outer, extent, inner)` element counts.
    static func split(_ shape: [Int], around axis: Int) -> (outer: Int, extent: Int, inner: Int) {
        (count(Array(shape[..<axis])), shape[axis], count(Array(shape[(axis + 1)...])))
    }
}
