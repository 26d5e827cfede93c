//! `Tensor`: a Float32 n-dimensional array with value semantics and a recorded autodiff op.

/// A Float32 tensor, row-major (NCHW for images), with value semantics.
///
/// Copies share storage until one is mutated (copy-on-write). Every tensor is contiguous:
/// `reshaped(to:)` is a view (shares storage); `permuted`, `transposed`, slices and broadcasts copy,
/// which keeps every kernel on the contiguous fast path.
///
/// Outside `withNoGrad`, a tensor produced by an op records the op and its inputs so that
/// `gradients(of:wrt:)` can differentiate through it.
///
/// ```swift
/// let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
/// let y = relu(x - 2).sum(axes: [1], keepDims: true)   // [2, 1]: [1, 9]
/// ```
public struct Tensor: Sendable {
    /// Extent of each axis, outermost first.
    public private(set) var shape: [Int]
    var storage: TensorStorage
    /// Identity of this value in the autodiff graph. Copies share it; a mutation assigns a new one.
    public private(set) var id: TensorID
    /// The op that produced this tensor (nil for leaves and under `withNoGrad`).
    var op: Op?
    /// A leaf that `backward()` should differentiate with respect to (parameters).
    public private(set) var requiresGradient = false
    /// A leaf made internally (scalar literals of `x * 2`, comparison and dropout masks) that
    /// never needs a gradient, so `backward()` skips it.
    public private(set) var isConstant = false

    init(shape: [Int], storage: TensorStorage, op: Op?) {
        self.shape = shape
        self.storage = storage
        self.id = TensorID.next()
        self.op = op
    }

    /// A tensor of `shape` holding `scalars` in row-major order.
    /// - Precondition: `scalars.count` equals the product of `shape`.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor(shape:scalars:): negative extent in \(shape)")
        precondition(ShapeMath.count(shape) == scalars.count,
                     "Tensor(shape:scalars:): \(scalars.count) scalars for shape \(shape)")
        let storage = scalars.withUnsafeBufferPointer { TensorStorage(copying: $0) }
        self.init(shape: shape, storage: storage, op: nil)
    }

    /// A tensor of `shape` whose elements `fill` writes, row-major, without an intermediate array
    /// (data loaders, checkpoint readers). `fill` must write all `count` elements; the buffer
    /// starts with unspecified values.
    ///
    /// ```swift
    /// let image = Tensor(shape: [3, h, w]) { pixels in decode(into: pixels) }
    /// ```
    public init(shape: [Int], initializingWith fill: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor(shape:initializingWith:): negative extent in \(shape)")
        let count = ShapeMath.count(shape)
        let storage = TensorStorage(uninitializedCount: count)
        try fill(UnsafeMutableBufferPointer(start: storage.buffer.baseAddress, count: count))
        self.init(shape: shape, storage: storage, op: nil)
    }

    /// A tensor of `shape` holding a copy of `scalars` (row-major, exactly `count` elements).
    public init(shape: [Int], copying scalars: UnsafeBufferPointer<Float>) {
        precondition(ShapeMath.count(shape) == scalars.count && shape.allSatisfy { $0 >= 0 },
                     "Tensor(shape:copying:): \(scalars.count) scalars for shape \(shape)")
        self.init(shape: shape, storage: TensorStorage(copying: scalars), op: nil)
    }

    /// A tensor of `shape` with every element equal to `value`.
    public init(repeating value: Float, shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor(repeating:shape:): negative extent in \(shape)")
        let storage = TensorStorage(uninitializedCount: ShapeMath.count(shape))
        storage.buffer.initialize(repeating: value)
        self.init(shape: shape, storage: storage, op: nil)
    }

    /// A rank-0 tensor (shape `[]`) holding `value`.
    public init(_ value: Float) {
        self.init(shape: [], scalars: [value])
    }

    /// Number of axes.
    public var rank: Int { shape.count }
    /// Number of elements (1 for a scalar).
    public var count: Int { ShapeMath.count(shape) }
    /// The elements in row-major order.
    public var scalars: [Float] {
        Array(UnsafeBufferPointer(start: storage.buffer.baseAddress, count: count))
    }
    /// The single element of a one-element tensor.
    public var scalar: Float {
        precondition(count == 1, "scalar: tensor of shape \(shape) has \(count) elements")
        return storage.buffer[0]
    }
    /// True when an op recorded this tensor (it has parents in the autodiff graph).
    public var isRecorded: Bool { op != nil }

    /// This value marked as a leaf whose gradient `backward()` returns (a parameter). Mark a
    /// tensor before using it in ops: the graph records the value as it was when used.
    ///
    /// ```swift
    /// let weight = Tensor.randomNormal(shape: [10, 5], seed: 1).requiringGradient()
    /// ```
    public func requiringGradient() -> Tensor {
        var marked = self
        marked.requiresGradient = true
        return marked
    }

    /// This value marked as a constant (never a gradient target of `backward()`).
    func markedConstant() -> Tensor {
        var marked = self
        marked.isConstant = true
        return marked
    }

    /// A constant scalar, shape `[]` (the `2` of `x * 2`).
    static func constant(_ value: Float) -> Tensor { Tensor(value).markedConstant() }

    /// A copy of this value cut from the autodiff graph (same storage, new identity, no op).
    public func detached() -> Tensor {
        Tensor(shape: shape, storage: storage, op: nil)
    }

    /// Calls `body` with the elements (row-major, `count` long).
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.buffer.baseAddress, count: count))
    }

    /// Calls `body` with writable elements, copying the storage first if it is shared.
    /// The mutated tensor is a new value: it gets a new identity and leaves the autodiff graph.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) {
            storage = TensorStorage(copying: UnsafeBufferPointer(start: storage.buffer.baseAddress, count: count))
        }
        id = TensorID.next()
        op = nil
        return try body(UnsafeMutableBufferPointer(start: storage.buffer.baseAddress, count: count))
    }

    /// The element at a multi-dimensional index (one entry per axis). Setting copies on write.
    public subscript(index: Int...) -> Float {
        get { storage.buffer[flatIndex(index)] }
        set {
            let flat = flatIndex(index)
            withUnsafeMutableBufferPointer { $0[flat] = newValue }
        }
    }

    private func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == rank, "subscript: \(index.count) indices for shape \(shape)")
        var flat = 0
        for axis in 0..<rank {
            precondition(index[axis] >= 0 && index[axis] < shape[axis],
                         "subscript: index \(index) out of range for shape \(shape)")
            flat = flat * shape[axis] + index[axis]
        }
        return flat
    }

    /// Same storage, new shape and op: used by `reshaped(to:)` (a view).
    func sharingStorage(shape newShape: [Int], op: Op?) -> Tensor {
        Tensor(shape: newShape, storage: storage, op: op)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(16).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(shape: \(shape), scalars: [\(shown)\(count > 16 ? ", …" : "")])"
    }
}
