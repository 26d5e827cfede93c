//! Perceptual colormaps for heat maps.

/// A map from a score in `[0, 1]` to an 8-bit RGB colour.
public enum Colormap: String, Sendable, CaseIterable {
    /// Google's Turbo (Mikhailov 2019): a rainbow with smooth, perceptually ordered lightness,
    /// through its published degree-5 polynomial approximation. Blue (low) to red (high).
    case turbo
    /// The classic OpenCV `COLORMAP_JET` (piecewise linear), for comparison with other tools.
    case jet
    /// Gray levels.
    case gray

    /// The colour of `value` (clamped to `[0, 1]`; NaN is treated as 0).
    public func color(_ value: Float) -> (r: UInt8, g: UInt8, b: UInt8) {
        let t = value.isNaN ? 0 : Swift.min(Swift.max(value, 0), 1)
        switch self {
        case .turbo: return Self.turbo(t)
        case .jet: return Self.jet(t)
        case .gray:
            let level = Self.byte(t)
            return (level, level, level)
        }
    }

    private static func turbo(_ t: Float) -> (r: UInt8, g: UInt8, b: UInt8) {
        // Coefficients of the public polynomial fit of Turbo (lowest degree first).
        func polynomial(_ c: [Float]) -> Float {
            c.reversed().reduce(0) { $0 * t + $1 }
        }
        let r = polynomial([0.13572138, 4.61539260, -42.66032258, 132.13108234, -152.94239396, 59.28637943])
        let g = polynomial([0.09140261, 2.19418839, 4.84296658, -14.18503333, 4.27729857, 2.82956604])
        let b = polynomial([0.10667330, 12.64194608, -60.58204836, 110.36276771, -89.90310912, 27.34824973])
        return (byte(r), byte(g), byte(b))
    }

    private static func jet(_ t: Float) -> (r: UInt8, g: UInt8, b: UInt8) {
        func ramp(_ x: Float) -> Float { Swift.min(Swift.max(1.5 - abs(4 * t - x), 0), 1) }
        return (byte(ramp(3)), byte(ramp(2)), byte(ramp(1)))
    }

    /// `round(255 · clamp(x, 0, 1))`.
    static func byte(_ x: Float) -> UInt8 {
        UInt8((Swift.min(Swift.max(x, 0), 1) * 255).rounded())
    }
}
