//! The SynthWSOL draws on top of TensorCore's `SplitMix64`, so generated data depends on the seed only.
import TensorCore

extension SplitMix64 {
    /// A seed derived from `seed` and a path of integers (split, class, index, ...), so that every
    /// image has its own independent stream whatever order or thread it is generated in.
    public static func derivedSeed(_ seed: UInt64, _ path: UInt64...) -> UInt64 {
        var value = mix(seed ^ 0x5157_4F4C_5359_4E54)  // "QWOLSYNT": separates from plain seeds
        for component in path {
            value = mix(value &+ 0x9E37_79B9_7F4A_7C15 &+ mix(component))
        }
        return value
    }

    /// A uniform `Double` in `[lower, upper)`.
    public mutating func uniform(_ lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * unit()
    }

    /// A uniform integer in `0..<count`, by Lemire's multiply-and-reject method (unbiased). Written
    /// out rather than `Int.random(in:using:)` so the stream cannot change with the standard library.
    public mutating func index(_ count: Int) -> Int {
        precondition(count > 0, "SplitMix64.index: count must be positive")
        let bound = UInt64(count)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return Int(product.high)
    }

    /// `true` with probability `probability`.
    public mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }
}
