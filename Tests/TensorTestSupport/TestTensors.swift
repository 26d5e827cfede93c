//! Small deterministic tensors for tests.
import TensorCore

/// A tensor of `shape` with values uniform in `[lower, upper)`, reproducible from `seed`.
public func testTensor(_ shape: [Int], seed: UInt64, lower: Float = -1, upper: Float = 1) -> Tensor {
    Tensor.randomUniform(shape: shape, lower: lower, upper: upper, seed: seed)
}

/// A tensor whose values are uniform in `±[margin, 1]`: at least `margin` away from 0, so that
/// kinks at 0 (relu, abs) stay out of a finite-difference step.
public func testTensorAwayFromZero(_ shape: [Int], seed: UInt64, margin: Float = 0.1) -> Tensor {
    let magnitudes = Tensor.randomUniform(shape: shape, lower: margin, upper: 1, seed: seed).scalars
    let signs = Tensor.randomUniform(shape: shape, seed: seed &+ 1).scalars
    return Tensor(shape: shape, scalars: zip(magnitudes, signs).map { $1 < 0.5 ? -$0 : $0 })
}

/// A tensor of `shape` whose values are a random permutation of `0..<count` scaled by `spacing`:
/// all distinct and `spacing` apart, so max/min/sort/pooling have no near ties.
public func distinctTestTensor(_ shape: [Int], seed: UInt64, spacing: Float = 0.1) -> Tensor {
    var generator = RandomGenerator(seed: seed)
    let count = shape.reduce(1, *)
    let order = Array(0..<count).shuffled(using: &generator)
    return Tensor(shape: shape, scalars: order.map { (Float($0) - Float(count) / 2) * spacing })
}
