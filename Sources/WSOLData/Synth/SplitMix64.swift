//! A small seeded random number generator, so that generated data depends on the seed only.

/// SplitMix64 (Steele, Lea and Flood 2014): a 64-bit state advanced by a fixed odd constant and
/// passed through a mixing function. Fast, statistically good enough for procedural content, and
/// fully specified here, so the same seed gives the same stream on every platform and Swift version
/// (unlike `SystemRandomNumberGenerator`, which cannot be seeded).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 output function: a bijective avalanche of the 64 bits.
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A seed derived from `seed` and a path of integers (split, class, index, ...), so that every
    /// image has its own independent stream whatever order or thread it is generated in.
    public static func derivedSeed(_ seed: UInt64, _ path: UInt64...) -> UInt64 {
        var value = mix(seed ^ 0x5157_4F4C_5359_4E54)  // "QWOLSYNT": separates from plain seeds
        for component in path {
            value = mix(value &+ 0x9E37_79B9_7F4A_7C15 &+ mix(component))
        }
        return value
    }

    /// A uniform `Double` in `[0, 1)` built from the top 53 bits (exact, no rounding bias).
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
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
