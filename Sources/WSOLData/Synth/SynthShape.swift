//! Body shapes: star-shaped outlines given by a boundary radius per direction (polar form).
import Foundation

/// A body outline in its own unit frame: a point `u` (with `|u| = ρ`, direction `(c, s)`) is inside
/// when `ρ < radius(c, s)`. Radii are normalised so the largest is 1: the body always fits the unit
/// circle, whose diameter is the object's nominal size. Polar outlines make the inside test, the
/// distance to the edge (for outlines and shading) and the area cheap and exact enough.
public enum SynthShape: String, CaseIterable, Codable, Sendable {
    case oval
    case box
    case egg
    case flower
    case bean

    /// Boundary radius in direction `(c, s) = (cos θ, sin θ)`, at most 1. `scale` is
    /// `normalisationScale`, passed in so hot loops read it once per object.
    @inline(__always)
    func radius(cos c: Float, sin s: Float, scale: Float) -> Float {
        rawRadius(cos: c, sin: s) * scale
    }

    /// `1 / max raw radius`: makes the largest radius 1.
    public var normalisationScale: Float { SynthShape.normalisation[index] }

    /// The outline before normalisation. Multiple-angle terms use Chebyshev identities of `c` and `s`
    /// (`cos 2θ = 2c² - 1`, `sin 3θ = 3s - 4s³`, `cos 5θ = 16c⁵ - 20c³ + 5c`), so no `atan2` is needed.
    @inline(__always)
    private func rawRadius(cos c: Float, sin s: Float) -> Float {
        switch self {
        case .oval:
            // Ellipse with semi-axes 1 and 0.6.
            let y = s / 0.6
            return 1 / (c * c + y * y).squareRoot()
        case .box:
            // Superellipse |x|^4 + |y / 0.72|^4 = 1: a rounded rectangle.
            let y = s / 0.72
            let sum = c * c * c * c + y * y * y * y
            return 1 / sum.squareRoot().squareRoot()
        case .egg:
            // Blunt at one end, rounder and narrower at the other: a drop / egg.
            let t = (1 + c) / 2
            return 0.55 + 0.45 * t * t
        case .flower:
            let cos5 = c * (16 * c * c * c * c - 20 * c * c + 5)
            return 0.72 + 0.26 * cos5
        case .bean:
            let cos2 = 2 * c * c - 1
            let sin3 = s * (3 - 4 * s * s)
            return 0.78 + 0.12 * cos2 + 0.12 * sin3
        }
    }

    private var index: Int { SynthShape.allCases.firstIndex(of: self)! }

    /// `1 / max raw radius` per shape, found by sampling 3,600 directions.
    private static let normalisation: [Float] = allCases.map { shape in
        1 / sampledRadii(shape, normalised: false).max()!
    }

    /// Body area in unit-frame units (`½ ∫ R(θ)² dθ`, midpoint rule over 3,600 directions).
    public var area: Double { SynthShape.areas[index] }
    private static let areas: [Double] = allCases.map { shape in
        let radii = sampledRadii(shape, normalised: true)
        return radii.reduce(0) { $0 + 0.5 * Double($1) * Double($1) } * (2 * Double.pi / Double(radii.count))
    }

    /// Smallest boundary radius (the part always fits around the centre when smaller than this).
    public var minimumRadius: Float { SynthShape.minima[index] }
    private static let minima: [Float] = allCases.map { sampledRadii($0, normalised: true).min()! }

    private static func sampledRadii(_ shape: SynthShape, normalised: Bool) -> [Float] {
        (0..<3600).map { step in
            let angle = (Double(step) + 0.5) * 2 * Double.pi / 3600
            let c = Float(Foundation.cos(angle)), s = Float(Foundation.sin(angle))
            return normalised ? shape.radius(cos: c, sin: s, scale: shape.normalisationScale)
                : shape.rawRadius(cos: c, sin: s)
        }
    }

    /// Whether the unit-frame point `(x, y)` is inside, and its radial distance to the edge
    /// (positive inside, in unit-frame units).
    @inline(__always)
    func insideDistance(x: Float, y: Float, scale: Float) -> Float {
        let rho = (x * x + y * y).squareRoot()
        if rho >= 1 { return 1 - rho }  // outside the unit circle: outside every shape
        if rho < 1e-6 { return radius(cos: 1, sin: 0, scale: scale) }
        return radius(cos: x / rho, sin: y / rho, scale: scale) - rho
    }
}
