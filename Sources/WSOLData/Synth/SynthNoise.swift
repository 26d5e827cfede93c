//! Deterministic procedural noise and small colour helpers for the SynthWSOL textures.

/// An RGB colour with channels in `[0, 1]`.
public typealias SynthColour = SIMD3<Float>

/// Lattice value noise: a hashed value at each integer point, smoothly interpolated in between.
/// Pure functions of their inputs, so textures depend on the seed only.
enum SynthNoise {
    /// A value in `[0, 1)` for the lattice point `(x, y)` and a seed (integer hash, no tables).
    @inline(__always)
    static func lattice(_ x: Int32, _ y: Int32, _ seed: UInt32) -> Float {
        var hash = UInt32(bitPattern: x) &* 0x8DA6_B343
        hash ^= UInt32(bitPattern: y) &* 0xD816_3841
        hash ^= seed &* 0xCB1A_B31F
        hash = (hash ^ (hash >> 15)) &* 0x2C1B_3C6D
        hash = (hash ^ (hash >> 12)) &* 0x297A_2D39
        hash ^= hash >> 15
        return Float(hash >> 8) * (1 / 16_777_216)
    }

    /// Smoothly interpolated noise in `[0, 1)`, one lattice cell per unit of `x` and `y`.
    @inline(__always)
    static func value(_ x: Float, _ y: Float, _ seed: UInt32) -> Float {
        let fx = x.rounded(.down), fy = y.rounded(.down)
        let ix = Int32(fx), iy = Int32(fy)
        let tx = smooth(x - fx), ty = smooth(y - fy)
        let top = mix(lattice(ix, iy, seed), lattice(ix &+ 1, iy, seed), tx)
        let bottom = mix(lattice(ix, iy &+ 1, seed), lattice(ix &+ 1, iy &+ 1, seed), tx)
        return mix(top, bottom, ty)
    }

    /// Fractal sum of `octaves` noise layers (each twice the frequency and half the amplitude),
    /// normalised back to about `[0, 1)`.
    @inline(__always)
    static func fractal(_ x: Float, _ y: Float, _ seed: UInt32, octaves: Int = 3) -> Float {
        var sum: Float = 0, amplitude: Float = 1, total: Float = 0, frequency: Float = 1
        for octave in 0..<octaves {
            sum += amplitude * value(x * frequency, y * frequency, seed &+ UInt32(octave) &* 101)
            total += amplitude
            amplitude *= 0.5
            frequency *= 2
        }
        return sum / total
    }

    /// `3t² - 2t³`: the smooth interpolation weight.
    @inline(__always)
    static func smooth(_ t: Float) -> Float { t * t * (3 - 2 * t) }

    @inline(__always)
    static func mix(_ a: Float, _ b: Float, _ t: Float) -> Float { a + (b - a) * t }

    /// 0 below `edge0`, 1 above `edge1`, smooth in between.
    @inline(__always)
    static func smoothstep(_ edge0: Float, _ edge1: Float, _ x: Float) -> Float {
        let t = min(max((x - edge0) / (edge1 - edge0), 0), 1)
        return smooth(t)
    }
}

extension SIMD3 where Scalar == Float {
    /// Linear interpolation from `self` (t = 0) to `other` (t = 1).
    @inline(__always)
    func mixed(with other: SynthColour, _ t: Float) -> SynthColour { self + (other - self) * t }

    /// Clamped to `[0, 1]` per channel.
    @inline(__always)
    var clamped: SynthColour { simd_clamp01(self) }

    /// A colour from 0-255 channel values (readable palettes).
    static func rgb255(_ red: Int, _ green: Int, _ blue: Int) -> SynthColour {
        SynthColour(Float(red), Float(green), Float(blue)) / 255
    }
}

@inline(__always)
private func simd_clamp01(_ colour: SynthColour) -> SynthColour {
    colour.replacing(with: 0, where: colour .< 0).replacing(with: 1, where: colour .> 1)
}
