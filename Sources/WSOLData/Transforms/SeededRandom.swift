//! The explicit, seeded random source of the data pipeline (no global state): TensorCore's
//! `RandomGenerator` (xoshiro256** seeded through SplitMix64), plus the draws the pipeline needs.
import TensorCore

/// The data pipeline's generator is the engine's: one algorithm, one stream per seed, identical on
/// every platform, so the same seed gives the same augmentations everywhere.
public typealias SeededRandom = RandomGenerator

extension RandomGenerator {
    /// An independent generator for sub-stream `stream` of `seed` (e.g. one per sample), obtained
    /// by hashing the pair: nearby streams give unrelated sequences. The loader derives one per
    /// (seed, epoch, sample), so an image's augmentation does not depend on which worker thread
    /// handled it or when.
    public init(seed: UInt64, stream: UInt64) {
        var mixer = SplitMix64(seed: seed ^ 0x6A09_E667_F3BC_C908)
        var combined = SplitMix64(seed: mixer.next() ^ (stream &* 0x9E37_79B9_7F4A_7C15))
        self.init(seed: combined.next())
    }

    /// Uniform in `[low, high)` with 53 random bits.
    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform integer in `low ..< high` (as `torch.randint(low, high)`); `low` if the range is empty.
    /// Lemire's multiply-and-reject method, written out so that results never depend on the
    /// standard library's version.
    public mutating func integer(_ low: Int, _ high: Int) -> Int {
        guard high > low else { return low }
        let range = UInt64(high - low)
        let threshold = (0 &- range) % range  // 2^64 mod range
        while true {
            let product = next().multipliedFullWidth(by: range)
            if product.low >= threshold { return low + Int(product.high) }
        }
    }

    /// Fisher-Yates shuffle of `array` (stable across platforms and Swift versions).
    public mutating func shuffle<Element>(_ array: inout [Element]) {
        guard array.count > 1 else { return }
        for index in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(index, integer(0, index + 1))
        }
    }
}
