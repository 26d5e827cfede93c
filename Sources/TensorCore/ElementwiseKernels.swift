//! Loops behind elementwise ops: contiguous fast paths and a strided (broadcast) path.
import TensorKernels

extension Tensor {
    /// Allocates a result of `shape`, lets `fill` write every element, and records `op` unless
    /// recording is off (the autoclosure is then never evaluated, so no inputs are retained).
    @inline(__always)
    static func makeResult(
        shape: [Int], recording op: @autoclosure () -> Op,
        _ fill: (UnsafeMutableBufferPointer<Float>) -> Void
    ) -> Tensor {
        let count = ShapeMath.count(shape)
        let storage = TensorStorage(uninitializedCount: count)
        fill(UnsafeMutableBufferPointer(start: storage.buffer.baseAddress, count: count))
        return Tensor(shape: shape, storage: storage, op: GradientRecording.isEnabled ? op() : nil)
    }

    /// A result that never records an op: gradients, masks, constants.
    @inline(__always)
    static func makeConstant(shape: [Int], _ fill: (UnsafeMutableBufferPointer<Float>) -> Void) -> Tensor {
        let count = ShapeMath.count(shape)
        let storage = TensorStorage(uninitializedCount: count)
        fill(UnsafeMutableBufferPointer(start: storage.buffer.baseAddress, count: count))
        return Tensor(shape: shape, storage: storage, op: nil)
    }

    /// Pointer to the first element (valid while `self` is alive; storage is never empty).
    var basePointer: UnsafeMutablePointer<Float> { storage.buffer.baseAddress! }
}

/// Elements per parallel chunk: below twice this, loops stay on the calling thread (dispatch
/// costs a few microseconds; 32 K floats take about that long to stream).
let parallelGrain = 1 << 15

/// Runs `body` over `0..<count` on both cores when the loop is large enough.
@inline(__always)
func forEachChunk(_ count: Int, _ body: @Sendable (Range<Int>) -> Void) {
    parallelChunks(count: count, minimumChunk: parallelGrain, body)
}

/// `f` applied to every element of `x` (same shape).
///
/// Serial on purpose: `f` is a closure literal that only gets inlined (and the loop vectorized)
/// while the loop stays in this inlined function; moved into a `parallelChunks` body it becomes
/// an indirect call per element, measured 15-25x slower. Memory-bound maps run near bandwidth on
/// one core anyway; compute-bound ones (exp, sigmoid, softmax) have dedicated parallel loops.
@inline(__always)
func mapUnary(_ x: Tensor, recording op: @autoclosure () -> Op, _ f: (Float) -> Float) -> Tensor {
    let source = x.basePointer
    return Tensor.makeResult(shape: x.shape, recording: op()) { out in
        for index in 0..<out.count { out[index] = f(source[index]) }
    }
}

/// `f(a, b)` elementwise with numpy broadcasting. Fast paths: equal shapes, a scalar operand;
/// otherwise axes are coalesced and the innermost run is looped with constant strides.
/// Serial for the reason given at `mapUnary`.
@inline(__always)
func mapBinary(
    _ a: Tensor, _ b: Tensor, name: String, recording op: @autoclosure () -> Op,
    _ f: (Float, Float) -> Float
) -> Tensor {
    let pa = a.basePointer, pb = b.basePointer
    if a.shape == b.shape {
        return Tensor.makeResult(shape: a.shape, recording: op()) { out in
            for index in 0..<out.count { out[index] = f(pa[index], pb[index]) }
        }
    }
    let shape = ShapeMath.broadcast(a.shape, b.shape, op: name)
    if b.count == 1 && shape == a.shape {
        let scalar = pb[0]
        return Tensor.makeResult(shape: shape, recording: op()) { out in
            for index in 0..<out.count { out[index] = f(pa[index], scalar) }
        }
    }
    if a.count == 1 && shape == b.shape {
        let scalar = pa[0]
        return Tensor.makeResult(shape: shape, recording: op()) { out in
            for index in 0..<out.count { out[index] = f(scalar, pb[index]) }
        }
    }
    let layout = StridedLayout(shape: shape, strides: [
        ShapeMath.broadcastStrides(a.shape, to: shape), ShapeMath.broadcastStrides(b.shape, to: shape),
    ])
    return Tensor.makeResult(shape: shape, recording: op()) { out in
        let inner = layout.innerExtent
        let strideA = layout.innerStrides[0], strideB = layout.innerStrides[1]
        var outIndex = 0
        layout.forEachRun { offsets in
            let rowA = pa + offsets[0], rowB = pb + offsets[1], row = out.baseAddress! + outIndex
            // Specialised unit/zero-stride loops vectorize; the general one does not.
            if strideA == 1 && strideB == 1 {
                for i in 0..<inner { row[i] = f(rowA[i], rowB[i]) }
            } else if strideA == 1 && strideB == 0 {
                let scalar = rowB[0]
                for i in 0..<inner { row[i] = f(rowA[i], scalar) }
            } else if strideA == 0 && strideB == 1 {
                let scalar = rowA[0]
                for i in 0..<inner { row[i] = f(scalar, rowB[i]) }
            } else {
                for i in 0..<inner { row[i] = f(rowA[i &* strideA], rowB[i &* strideB]) }
            }
            outIndex &+= inner
        }
    }
}

/// Copies `source`, read with `strides` (one per axis of `shape`, 0 to repeat), into a
/// contiguous buffer of `shape`: the loop behind broadcast and permute.
func stridedCopy(from source: UnsafePointer<Float>, strides: [Int], shape: [Int],
                 into destination: UnsafeMutablePointer<Float>) {
    let layout = StridedLayout(shape: shape, strides: [strides])
    if layout.isBatchedTranspose {
        transposeBlocks(from: source, layout: layout, into: destination)
        return
    }
    let inner = layout.innerExtent, step = layout.innerStrides[0]
    var outIndex = 0
    layout.forEachRun { offsets in
        let row = source + offsets[0], target = destination + outIndex
        if step == 1 {
            target.update(from: row, count: inner)
        } else if step == 0 {
            target.update(repeating: row[0], count: inner)
        } else {
            for i in 0..<inner { target[i] = row[i &* step] }
        }
        outIndex &+= inner
    }
}

/// Copies a layout whose last two (coalesced) axes are a transposed matrix — source stride 1 on
/// the second-to-last axis, a large stride on the last — in small tiles, so that reads and writes
/// of a tile stay in L1 (a plain strided loop misses cache on every read).
private func transposeBlocks(from source: UnsafePointer<Float>, layout: StridedLayout,
                             into destination: UnsafeMutablePointer<Float>) {
    let extents = layout.extents, strides = layout.operandStrides[0]
    let rank = extents.count
    let rows = extents[rank - 2], columns = extents[rank - 1], columnStride = strides[rank - 1]
    let batch = ShapeMath.count(Array(extents[..<(rank - 2)]))
    for index in 0..<batch {
        var remainder = index, offset = 0
        for axis in stride(from: rank - 3, through: 0, by: -1) {
            offset &+= (remainder % extents[axis]) &* strides[axis]
            remainder /= extents[axis]
        }
        let from = source + offset, to = destination + index &* rows &* columns
        // Strips of 16 columns (one 64-byte line of output per row), walked down all rows in
        // blocks of 8: each block writes 8 full output lines and consumes source lines in order.
        // Taller tiles thrash L1 when the row pitch is a power of two (8 KiB apart = same set).
        for columnStart in stride(from: 0, to: columns, by: 16) {
            let columnEnd = Swift.min(columnStart + 16, columns)
            for rowStart in stride(from: 0, to: rows, by: 8) {
                let rowEnd = Swift.min(rowStart + 8, rows)
                for row in rowStart..<rowEnd {
                    let target = to + row &* columns
                    for column in columnStart..<columnEnd { target[column] = from[row &+ column &* columnStride] }
                }
            }
        }
    }
}

/// A row-major iteration over `shape` that tracks one element offset per operand (each with its
/// own strides), with adjacent axes merged where every operand allows it so that the innermost
/// run is as long as possible.
struct StridedLayout {
    private(set) var extents: [Int]
    private(set) var operandStrides: [[Int]]

    init(shape: [Int], strides: [[Int]]) {
        var extents: [Int] = []
        var merged: [[Int]] = Array(repeating: [], count: strides.count)
        for axis in shape.indices where shape[axis] != 1 {
            let canMerge = !extents.isEmpty && strides.indices.allSatisfy { operand in
                merged[operand].last! == strides[operand][axis] &* shape[axis]
            }
            if canMerge {
                extents[extents.count - 1] &*= shape[axis]
                for operand in strides.indices { merged[operand][merged[operand].count - 1] = strides[operand][axis] }
            } else {
                extents.append(shape[axis])
                for operand in strides.indices { merged[operand].append(strides[operand][axis]) }
            }
        }
        if extents.isEmpty {
            extents = [1]
            merged = merged.map { _ in [0] }
        }
        self.extents = extents
        self.operandStrides = merged
    }

    var innerExtent: Int { extents[extents.count - 1] }

    /// One operand whose last two axes read as a transposed matrix big enough to tile.
    var isBatchedTranspose: Bool {
        let rank = extents.count, strides = operandStrides[0]
        return operandStrides.count == 1 && rank >= 2 && strides[rank - 2] == 1 && strides[rank - 1] > 1
            && extents[rank - 2] >= 8 && extents[rank - 1] >= 8
    }
    var innerStrides: [Int] { operandStrides.map { $0[$0.count - 1] } }

    /// Calls `body` with each operand's offset at the start of every innermost run, in order.
    @inline(__always)
    func forEachRun(_ body: ([Int]) -> Void) {
        let outerRank = extents.count - 1
        let runCount = ShapeMath.count(Array(extents[..<outerRank]))
        var counter = [Int](repeating: 0, count: outerRank)
        var offsets = [Int](repeating: 0, count: operandStrides.count)
        for _ in 0..<runCount {
            body(offsets)
            var axis = outerRank - 1
            while axis >= 0 {
                counter[axis] &+= 1
                for operand in offsets.indices { offsets[operand] &+= operandStrides[operand][axis] }
                if counter[axis] < extents[axis] { break }
                for operand in offsets.indices {
                    offsets[operand] &-= operandStrides[operand][axis] &* extents[axis]
                }
                counter[axis] = 0
                axis -= 1
            }
        }
    }
}
