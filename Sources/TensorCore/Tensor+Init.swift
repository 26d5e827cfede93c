//! Constructors: zeros, ones, one-hot, ranges, and seeded random tensors.

extension Tensor {
    /// All zeros.
    public static func zeros(shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }

    /// All ones.
    public static func ones(shape: [Int]) -> Tensor { Tensor(repeating: 1, shape: shape) }

    /// `[labels.count, classCount]` with a 1 at `(i, labels[i])` and 0 elsewhere.
    public static func oneHot(_ labels: [Int], classCount: Int) -> Tensor {
        precondition(labels.allSatisfy { $0 >= 0 && $0 < classCount },
                     "oneHot: a label is outside 0..<\(classCount)")
        var scalars = [Float](repeating: 0, count: labels.count * classCount)
        for (row, label) in labels.enumerated() { scalars[row * classCount + label] = 1 }
        return Tensor(shape: [labels.count, classCount], scalars: scalars)
    }

    /// `[0, 1, …, count − 1]` as a rank-1 tensor.
    public static func arange(_ count: Int) -> Tensor {
        Tensor(shape: [count], scalars: (0..<count).map(Float.init))
    }

    /// Uniform samples in `[lower, upper)` drawn from `generator`.
    public static func randomUniform(shape: [Int], lower: Float = 0, upper: Float = 1,
                                     using generator: inout RandomGenerator) -> Tensor {
        var scalars = [Float](repeating: 0, count: ShapeMath.count(shape))
        for index in scalars.indices { scalars[index] = lower + (upper - lower) * generator.nextUnitFloat() }
        return Tensor(shape: shape, scalars: scalars)
    }

    /// Uniform samples in `[lower, upper)`, reproducible from `seed`.
    public static func randomUniform(shape: [Int], lower: Float = 0, upper: Float = 1, seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return randomUniform(shape: shape, lower: lower, upper: upper, using: &generator)
    }

    /// Normal samples with `mean` and `standardDeviation` drawn from `generator`.
    public static func randomNormal(shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                                    using generator: inout RandomGenerator) -> Tensor {
        var scalars = [Float](repeating: 0, count: ShapeMath.count(shape))
        for index in scalars.indices { scalars[index] = mean + standardDeviation * generator.nextNormal() }
        return Tensor(shape: shape, scalars: scalars)
    }

    /// Normal samples, reproducible from `seed`.
    public static func randomNormal(shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                                    seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return randomNormal(shape: shape, mean: mean, standardDeviation: standardDeviation, using: &generator)
    }
}

/// Inverted dropout: zeroes each element with `probability` and scales survivors by
/// `1 / (1 − probability)`, so the expectation is unchanged. The mask comes from `generator`.
/// Call only in training; evaluation uses `x` itself.
public func dropout(_ x: Tensor, probability: Float, using generator: inout RandomGenerator) -> Tensor {
    precondition(probability >= 0 && probability < 1, "dropout: probability \(probability) not in [0, 1)")
    if probability == 0 { return x }
    let keep = 1 / (1 - probability)
    var scalars = [Float](repeating: 0, count: x.count)
    for index in scalars.indices { scalars[index] = generator.nextUnitFloat() < probability ? 0 : keep }
    return x * Tensor(shape: x.shape, scalars: scalars).markedConstant()
}

/// Dropout with a mask reproducible from `seed` (see `dropout(_:probability:using:)`).
public func dropout(_ x: Tensor, probability: Float, seed: UInt64) -> Tensor {
    var generator = RandomGenerator(seed: seed)
    return dropout(x, probability: probability, using: &generator)
}
