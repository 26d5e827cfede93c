import Testing
import TensorCore
@testable import WSOLData

/// The seeded generator (SplitMix64.swift).
@Suite struct SynthRandomTests {
    @Test func matchesTheReferenceStream() {
        // Published SplitMix64 outputs for seed 0 (Vigna's splitmix64.c): 0xE220A8397B1DCDAF,
        // 0x6E789E6AA1B965F4, 0x06C45D188009454F.
        var random = SplitMix64(seed: 0)
        #expect(random.next() == 0xE220_A839_7B1D_CDAF)
        #expect(random.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(random.next() == 0x06C4_5D18_8009_454F)
    }

    @Test func unitIsTheTop53BitsScaled() {
        var random = SplitMix64(seed: 0)
        // (0xE220A8397B1DCDAF >> 11) / 2^53 = 0.8833108082136426 (Python integer arithmetic).
        let expected = Double(UInt64(0xE220_A839_7B1D_CDAF) >> 11) / 9_007_199_254_740_992
        #expect(random.unit() == expected)
        #expect(abs(expected - 0.8833108082136426) < 1e-15)
    }

    @Test func indexStaysInRangeAndReachesEveryValue() {
        var random = SplitMix64(seed: 42)
        var seen = Set<Int>()
        for _ in 0..<2000 {
            let value = random.index(7)
            #expect((0..<7).contains(value))
            seen.insert(value)
        }
        #expect(seen.count == 7)
        #expect(random.index(1) == 0)
    }

    @Test func derivedSeedsDependOnEveryComponentAndItsOrder() {
        let base = SplitMix64.derivedSeed(7, 1, 2, 3)
        #expect(base == SplitMix64.derivedSeed(7, 1, 2, 3))
        #expect(base != SplitMix64.derivedSeed(8, 1, 2, 3))
        #expect(base != SplitMix64.derivedSeed(7, 1, 3, 2))
        #expect(base != SplitMix64.derivedSeed(7, 1, 2, 4))
        #expect(base != SplitMix64.derivedSeed(7, 1, 2))
    }
}
