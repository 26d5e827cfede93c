//! A seeded, reproducible random number generator (xoshiro256**, seeded by SplitMix64).
import Foundation

/// Deterministic random numbers: the same seed gives the same stream on every platform.
///
/// xoshiro256** (Blackman & Vigna) seeded through SplitMix64, as its authors recommend.
/// Conforms to `RandomNumberGenerator`, so it also drives `shuffled(using:)`.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose stream is fixed by `seed`.
    public init(seed: UInt64) {
        var mixer = SplitMix64(seed: seed)
        state = (mixer.next(), mixer.next(), mixer.next(), mixer.next())
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotate(state.3, 45)
        return result
    }

    /// Uniform in `[0, 1)` with 24 random bits (every value exactly representable).
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// Standard normal (mean 0, variance 1) by the Box–Muller transform.
    public mutating func nextNormal() -> Float {
        let u1 = Double(next() >> 11) * 0x1p-53, u2 = Double(next() >> 11) * 0x1p-53
        let radius = (-2 * Foundation.log(Swift.max(u1, .leastNonzeroMagnitude))).squareRoot()
        return Float(radius * Foundation.cos(2 * .pi * u2))
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
