//! SplitMix64: the one seed mixer of the package (seeding xoshiro, deriving per-step and
//! per-sample seeds, procedural data).

/// SplitMix64 (Steele, Lea and Flood 2014): a 64-bit state advanced by a fixed odd constant and
/// passed through a mixing function. Fully specified here, so the same seed gives the same stream
/// on every platform and Swift version (unlike `SystemRandomNumberGenerator`, which cannot be seeded).
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

    /// A uniform `Double` in `[0, 1)` built from the top 53 bits (exact, no rounding bias).
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}
