//! Branch-free float math that vectorizes (libm's expf is a call per element).

/// `e^x` to within ~2 ulp for normal results, vectorizable (no calls, no branches).
///
/// Range reduction `x = n·ln2 + r`, `|r| ≤ ln2/2`, a degree-6 Taylor polynomial for `e^r`
/// (truncation error `r⁷/7! < 1.2e-7` relative), and `2^n` built from exponent bits in two halves
/// so that results down to the subnormals and up to overflow (→ +inf) come out right.
/// NaN propagates; the integer conversions use wrapping bit arithmetic, so nothing can trap.
@inline(__always)
func fastExp(_ x: Float) -> Float {
    let clamped = x < -104 ? -104 : (x > 88.8 ? 88.8 : x)
    // Round x·log2(e) to the nearest integer with the 1.5·2^23 trick: its low mantissa bits are n.
    let magic: Float = 12_582_912
    let shifted = clamped * 1.442_695_04 + magic
    let n = shifted - magic
    let integer = Int32(bitPattern: shifted.bitPattern &- magic.bitPattern)
    // ln 2 split as Cephes does (0.693359375 has 9 bits, so n·C1 is exact).
    let r = (clamped - n * 0.693_359_375) + n * 2.121_944_4e-4
    var p: Float = 1.0 / 720
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    let half = integer >> 1
    let scaleA = Float(bitPattern: UInt32(bitPattern: (half &+ 127) << 23))
    let scaleB = Float(bitPattern: UInt32(bitPattern: (integer &- half &+ 127) << 23))
    return p * scaleA * scaleB
}
