//! Background textures: each family's pattern as a function of the pixel position.
import Foundation

/// A background family with one image's jitter applied, ready to be sampled many times.
struct PreparedBackground {
    let family: BackgroundFamily
    let jitter: BackgroundJitter
    let imageSize: Float
    private let cosAngle: Float
    private let sinAngle: Float
    private let frequency: Float

    init(family: BackgroundFamily, jitter: BackgroundJitter, imageSize: Int) {
        self.family = family
        self.jitter = jitter
        self.imageSize = Float(imageSize)
        let angle = family.angle + jitter.angle
        cosAngle = cos(angle)
        sinAngle = sin(angle)
        frequency = family.frequency * jitter.frequencyScale
    }

    /// The colour at pixel-space point `(x, y)` (continuous; the image spans `[0, size)²`).
    func colour(x: Float, y: Float) -> SynthColour {
        // Pattern coordinates: centred, rotated, scaled to `frequency` cycles per side, shifted.
        let cx = x / imageSize - 0.5, cy = y / imageSize - 0.5
        let u = (cx * cosAngle + cy * sinAngle) * frequency + jitter.phaseX
        let v = (-cx * sinAngle + cy * cosAngle) * frequency + jitter.phaseY
        return (pattern(u: u, v: v, x: x, y: y) * jitter.brightness).clamped
    }

    /// The family's pattern at pattern coordinates `(u, v)`; `(x, y)` is the pixel position, for
    /// pixel-scale grain and for effects tied to the image's up direction (sky and night gradients).
    private func pattern(u: Float, v: Float, x: Float, y: Float) -> SynthColour {
        let a = family.colourA, b = family.colourB, seed = jitter.seed
        let white = SynthColour(1, 1, 1)
        let up = 1 - y / imageSize  // 1 at the top, 0 at the bottom
        switch family.kind {
        case .waves:
            let warp = 1.2 * SynthNoise.fractal(u * 0.8, v * 0.8, seed)
            let t = 0.5 + 0.5 * sin(2 * Float.pi * (v + warp))
            return a.mixed(with: b, t).mixed(with: white, 0.35 * SynthNoise.smoothstep(0.9, 1, t))
        case .grass:
            let blades = SynthNoise.fractal(u * 6, v * 0.7, seed)
            return a.mixed(with: b, SynthNoise.smoothstep(0.3, 0.7, blades)) * (0.8 + 0.25 * up)
        case .sand:
            let dunes = 0.5 + 0.5 * sin(2 * Float.pi * (v + 0.6 * SynthNoise.fractal(u * 0.7, v * 0.7, seed)))
            let grain = SynthNoise.value(x * 0.8, y * 0.8, seed &+ 7)
            return a.mixed(with: b, 0.65 * dunes + 0.35 * grain)
        case .sky:
            let clouds = SynthNoise.smoothstep(0.5, 0.75, SynthNoise.fractal(u, v * 1.8, seed, octaves: 4))
            return b.mixed(with: a, 0.45 + 0.55 * up).mixed(with: b, clouds)
        case .bricks:
            return bricks(u: u, v: v)
        case .foliage:
            let t = SynthNoise.smoothstep(0.4, 0.65, SynthNoise.fractal(u, v, seed, octaves: 4))
            return a.mixed(with: b, t) * (0.8 + 0.35 * SynthNoise.value(u * 7, v * 7, seed &+ 3))
        case .snow:
            let drift = a.mixed(with: b, 0.4 * SynthNoise.fractal(u * 0.5, v * 0.5, seed))
            let flake = SynthNoise.smoothstep(0.86, 0.92, SynthNoise.value(x * 0.45, y * 0.45, seed &+ 11))
            return drift.mixed(with: white, flake)
        case .tiles:
            let waveU = sin(Float.pi * u), waveV = sin(Float.pi * v)
            let tile = a.mixed(with: b, SynthNoise.smoothstep(-0.12, 0.12, waveU * waveV))
            let grout = 1 - SynthNoise.smoothstep(0.05, 0.12, min(abs(waveU), abs(waveV)))
            return tile.mixed(with: SynthColour(0.25, 0.25, 0.25), 0.8 * grout)
        case .leaves:
            let n = SynthNoise.fractal(u, v, seed)
            let dark = b * 0.55
            return a.mixed(with: b, SynthNoise.smoothstep(0.35, 0.55, n)).mixed(with: dark, SynthNoise.smoothstep(0.6, 0.72, n))
        case .night:
            return a * (0.75 + 0.5 * up) + (b - a) * star(u: u, v: v)
        case .stripes:
            return a.mixed(with: b, SynthNoise.smoothstep(-0.25, 0.25, sin(2 * Float.pi * u)))
        case .marble:
            let s = sin(2 * Float.pi * (u + 1.6 * SynthNoise.fractal(u * 1.5, v * 1.5, seed, octaves: 4)))
            return a.mixed(with: b, 0.8 * (1 - SynthNoise.smoothstep(0, 0.25, abs(s))))
        }
    }

    /// Running-bond bricks two units wide and one high, with mortar lines and per-brick shade.
    private func bricks(u: Float, v: Float) -> SynthColour {
        let row = v.rounded(.down)
        let shifted = (u + (Int(row) & 1 == 0 ? 0 : 1)) / 2
        let column = shifted.rounded(.down)
        let alongU = shifted - column, alongV = v - row
        let mortar = max(1 - SynthNoise.smoothstep(0.02, 0.05, min(alongU, 1 - alongU)),
                         1 - SynthNoise.smoothstep(0.04, 0.1, min(alongV, 1 - alongV)))
        let shade = 0.8 + 0.35 * SynthNoise.lattice(Int32(column), Int32(row), jitter.seed)
        return (family.colourA * shade).mixed(with: family.colourB, mortar)
    }

    /// Star brightness (0-1): at most one star per unit cell, present in 35% of cells.
    private func star(u: Float, v: Float) -> Float {
        let cellU = u.rounded(.down), cellV = v.rounded(.down)
        let iu = Int32(cellU), iv = Int32(cellV), seed = jitter.seed
        guard SynthNoise.lattice(iu, iv, seed) > 0.65 else { return 0 }
        let sx = 0.2 + 0.6 * SynthNoise.lattice(iu, iv, seed &+ 1)
        let sy = 0.2 + 0.6 * SynthNoise.lattice(iu, iv, seed &+ 2)
        let dx = u - cellU - sx, dy = v - cellV - sy
        let size = 0.05 + 0.05 * SynthNoise.lattice(iu, iv, seed &+ 3)
        return 1 - SynthNoise.smoothstep(size * 0.3, size, (dx * dx + dy * dy).squareRoot())
    }
}
