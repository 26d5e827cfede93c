//! Colouring a body and its part at a point: texture, pattern, dome shading, outline and shadow.
import Foundation

/// What a sample of an object hit.
enum ObjectHit {
    case body(SynthColour)
    case part(SynthColour)
}

/// An object with its trigonometry and colours precomputed for per-sample evaluation.
struct PreparedObject {
    let object: SynthObject
    private let cosAngle: Float
    private let sinAngle: Float
    private let inverseRadius: Float
    private let shapeScale: Float
    private let partColour: SynthColour
    private let partPattern: PartPattern
    private let partCos: Float
    private let partSin: Float
    /// How strongly the pattern is drawn: 0 for parts under ~1.5 px radius, where it could not be
    /// resolved and would only darken the colour into mud; 1 from 4 px on.
    private let patternStrength: Float
    /// Width in pixels of the part's dark rim (none on tiny parts, where it would hide the colour).
    private let partRimWidth: Float

    /// Light from the upper left, towards the viewer (image frame, y down).
    private static let light = normalised(SIMD3<Float>(-0.45, -0.55, 0.7))
    private static let halfway = normalised(light + SIMD3<Float>(0, 0, 1))
    /// Shadow offset as a fraction of the radius, towards the lower right (away from the light).
    private static let shadowOffset: Float = 0.1

    init(_ object: SynthObject, partColour: SynthColour = .zero, partPattern: PartPattern = .solid) {
        self.object = object
        cosAngle = cos(object.angle)
        sinAngle = sin(object.angle)
        inverseRadius = 1 / object.radius
        shapeScale = object.shape.normalisationScale
        self.partColour = partColour
        self.partPattern = partPattern
        partCos = cos(object.part?.angle ?? 0)
        partSin = sin(object.part?.angle ?? 0)
        let partRadiusPixels = (object.part?.radius ?? 0) * object.radius
        patternStrength = SynthNoise.smoothstep(1.5, 4, partRadiusPixels)
        partRimWidth = partRadiusPixels > 2.5 ? 0.6 : 0
    }

    private static func normalised(_ vector: SIMD3<Float>) -> SIMD3<Float> {
        vector / (vector * vector).sum().squareRoot()
    }

    /// Whether `(x, y)` (pixels) is in the bounding circle of the object or of its shadow.
    @inline(__always)
    func mayCover(x: Float, y: Float) -> Bool {
        let dx = x - object.centreX, dy = y - object.centreY
        let reach = object.radius * (1 + 1.5 * PreparedObject.shadowOffset)
        return dx * dx + dy * dy < reach * reach
    }

    /// Unit-frame coordinates of pixel-space `(x, y)`.
    @inline(__always)
    private func local(x: Float, y: Float) -> (Float, Float) {
        let dx = (x - object.centreX) * inverseRadius, dy = (y - object.centreY) * inverseRadius
        return (dx * cosAngle + dy * sinAngle, -dx * sinAngle + dy * cosAngle)
    }

    /// Whether the object's drop shadow falls on `(x, y)`.
    @inline(__always)
    func shadows(x: Float, y: Float) -> Bool {
        let offset = PreparedObject.shadowOffset * object.radius
        let (u, v) = local(x: x - offset, y: y - 1.4 * offset)
        return object.shape.insideDistance(x: u, y: v, scale: shapeScale) > 0
    }

    /// The colour where the object covers `(x, y)`, or nil outside it.
    @inline(__always)
    func sample(x: Float, y: Float) -> ObjectHit? {
        let (u, v) = local(x: x, y: y)
        let edge = object.shape.insideDistance(x: u, y: v, scale: shapeScale)
        guard edge > 0 else { return nil }
        var colour = bodyColour(u: u, v: v)
        var isPart = false
        if let part = object.part {
            let pu = (u - part.centreX) / part.radius, pv = (v - part.centreY) / part.radius
            let distance = (pu * pu + pv * pv).squareRoot()
            if distance < 1 {
                isPart = true
                colour = patternColour(pu: pu, pv: pv, distance: distance)
                // A thin darker rim outlines the mark.
                let rimPixels = (1 - distance) * part.radius * object.radius
                if rimPixels < partRimWidth { colour *= 0.7 + 0.3 * rimPixels / partRimWidth }
            }
        }
        colour = shaded(colour, u: u, v: v, edge: edge, x: x, y: y)
        return isPart ? .part(colour) : .body(colour)
    }

    /// Body texture in the body's frame (so it turns and scales with the body).
    @inline(__always)
    private func bodyColour(u: Float, v: Float) -> SynthColour {
        let style = object.style
        let f = style.textureFrequency
        let t: Float
        switch style.texture {
        case .plain:
            t = 0.3 * SynthNoise.fractal(u * 1.5 + 10, v * 1.5 + 10, style.textureSeed)
        case .mottled:
            t = SynthNoise.fractal(u * f, v * f, style.textureSeed)
        case .scales:
            let row = (v * f * 1.3).rounded(.down)
            let shifted = u * f + (Int(row) & 1 == 0 ? 0 : 0.5)
            let cx = shifted - shifted.rounded(.down) - 0.5, cy = v * f * 1.3 - row
            t = 0.8 * SynthNoise.smoothstep(0.38, 0.5, (cx * cx + cy * cy).squareRoot())
        case .bands:
            t = SynthNoise.smoothstep(-0.35, 0.35, sin(Float.pi * v * f))
        case .spots:
            t = SynthNoise.smoothstep(0.6, 0.68, SynthNoise.value(u * f, v * f, style.textureSeed))
        }
        return style.colour.mixed(with: style.secondColour, t)
    }

    /// The class mark: `partColour` patterned with near-black, pattern scaled to the part so it
    /// reads the same at every object size.
    @inline(__always)
    private func patternColour(pu: Float, pv: Float, distance: Float) -> SynthColour {
        let a = pu * partCos + pv * partSin, b = -pu * partSin + pv * partCos
        let dark: Float
        switch partPattern {
        case .solid:
            dark = 0
        case .stripes:
            dark = SynthNoise.smoothstep(-0.2, 0.2, sin(Float.pi * 2.5 * a))
        case .dots:
            let ga = a * 1.6 + 0.5, gb = b * 1.6 + 0.5
            let da = ga - ga.rounded(.down) - 0.5, db = gb - gb.rounded(.down) - 0.5
            dark = 1 - SynthNoise.smoothstep(0.2, 0.3, (da * da + db * db).squareRoot())
        case .rings:
            dark = SynthNoise.smoothstep(-0.2, 0.2, cos(Float.pi * 4 * distance))
        case .checker:
            dark = SynthNoise.smoothstep(-0.15, 0.15, sin(Float.pi * 1.8 * a) * sin(Float.pi * 1.8 * b))
        }
        return partColour.mixed(with: SynthColour(0.06, 0.06, 0.08), dark * patternStrength)
    }

    /// Dome lighting (the body as a bump whose height falls to 0 at its edge), a small specular
    /// highlight and a dark outline about a pixel wide.
    @inline(__always)
    private func shaded(_ colour: SynthColour, u: Float, v: Float, edge: Float, x: Float, y: Float) -> SynthColour {
        let rho = (u * u + v * v).squareRoot()
        let q = min(rho / (rho + edge), 1)  // 0 at the centre, 1 at the edge
        let dx = x - object.centreX, dy = y - object.centreY
        let length = max((dx * dx + dy * dy).squareRoot(), 1e-6)
        let normal = SIMD3<Float>(dx / length * q, dy / length * q, (1 - q * q).squareRoot())
        let lambert = max((normal * PreparedObject.light).sum(), 0)
        let specular = pow(max((normal * PreparedObject.halfway).sum(), 0), 24)
        var result = colour * (0.5 + 0.6 * lambert) + SynthColour(repeating: 0.18 * specular)
        let edgePixels = edge * object.radius
        if edgePixels < 1 { result *= 0.5 + 0.5 * edgePixels }
        return result
    }
}
