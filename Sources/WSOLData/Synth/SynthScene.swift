//! The plan of one SynthWSOL image: every random choice, drawn from the image's own seeded stream.
import Foundation
import TensorCore

/// Texture of a body; drawn per image (never class-specific).
public enum BodyTexture: String, CaseIterable, Codable, Sendable {
    case plain, mottled, scales, bands, spots
}

/// Appearance of one body.
public struct BodyStyle: Codable, Sendable, Equatable {
    public var colour: SynthColour
    public var secondColour: SynthColour
    public var texture: BodyTexture
    public var textureSeed: UInt32
    /// Texture cycles across the body's diameter.
    public var textureFrequency: Float
}

/// Where the discriminative part sits on the body, in the body's unit frame (the body fits the
/// unit circle); the part is a disc fully inside the body.
public struct PartPlacement: Codable, Sendable, Equatable {
    public var centreX: Float
    public var centreY: Float
    public var radius: Float
    /// Orientation of the pattern (radians).
    public var angle: Float
    /// Planned part area / body area.
    public var areaFraction: Double
}

/// A body placed in the image. Pixel `(x, y)` covers `[x, x + 1) x [y, y + 1)`.
public struct SynthObject: Codable, Sendable, Equatable {
    public var shape: SynthShape
    /// Centre in pixels.
    public var centreX: Float
    public var centreY: Float
    /// Radius of the bounding circle in pixels (the object size is twice this).
    public var radius: Float
    /// Rotation in radians.
    public var angle: Float
    public var style: BodyStyle
    /// The class part; `nil` for distractors.
    public var part: PartPlacement?
}

/// Per-image variation of a background family.
public struct BackgroundJitter: Codable, Sendable, Equatable {
    public var phaseX: Float
    public var phaseY: Float
    public var angle: Float
    public var frequencyScale: Float
    public var brightness: Float
    public var seed: UInt32
}

/// Everything needed to render one image, and the ground truth it implies.
public struct SynthScene: Codable, Sendable, Equatable {
    public var split: DatasetSplit
    public var classIndex: Int
    /// Index of the image within its class and split.
    public var index: Int
    public var backgroundFamily: Int
    public var background: BackgroundJitter
    /// The class object (with its part): the only ground-truth instance.
    public var object: SynthObject
    /// Bodies without a part, never overlapping the object's bounding circle.
    public var distractors: [SynthObject]
    /// Seed of the faint per-pixel sensor noise.
    public var noiseSeed: UInt32

    /// Draws the scene of image `index` of class `classIndex` in `split`. Uses only the stream of
    /// `SplitMix64.derivedSeed(config.seed, split, class, index)`, in a fixed order, so the result is
    /// independent of which images are generated, in which order, on which thread.
    public static func sample(config: SynthConfig, catalog: SynthCatalog, split: DatasetSplit,
                              classIndex: Int, index: Int) -> SynthScene {
        var random = SplitMix64(seed: SplitMix64.derivedSeed(
            config.seed, seedTag(of: split), UInt64(classIndex), UInt64(index)))
        let family = backgroundFamily(of: catalog.classes[classIndex], split: split,
                                      familyCount: config.backgroundFamilyCount, rho: config.rho, random: &random)
        let jitter = BackgroundJitter(
            phaseX: Float(random.uniform(0, 64)), phaseY: Float(random.uniform(0, 64)),
            angle: Float(random.uniform(-0.25, 0.25)), frequencyScale: Float(random.uniform(0.85, 1.15)),
            brightness: Float(random.uniform(0.9, 1.1)), seed: UInt32(truncatingIfNeeded: random.next()))
        let scale = random.uniform(config.minScale, config.maxScale)
        var object = placedObject(shape: catalog.classes[classIndex].shape,
                                  radius: Float(scale * Double(config.imageSize) / 2),
                                  imageSize: config.imageSize, random: &random)
        object.part = partPlacement(shape: object.shape, config: config, random: &random)
        let distractors = sampleDistractors(around: object, config: config, random: &random)
        return SynthScene(split: split, classIndex: classIndex, index: index, backgroundFamily: family,
                          background: jitter, object: object, distractors: distractors,
                          noiseSeed: UInt32(truncatingIfNeeded: random.next()))
    }

    /// A fixed number per split for seeding (not the enum order, which may change).
    static func seedTag(of split: DatasetSplit) -> UInt64 {
        switch split {
        case .train: return 1
        case .val: return 2
        case .test: return 3
        case .testCounter: return 4
        }
    }

    /// The family rule: own family with probability rho in train, val and test, otherwise one of the
    /// other families uniformly; in test-counter always one of the others.
    static func backgroundFamily(of synthClass: SynthClass, split: DatasetSplit, familyCount: Int, rho: Double,
                                 random: inout SplitMix64) -> Int {
        let own = synthClass.ownBackgroundFamily
        let useOwn = random.chance(rho)
        if split != .testCounter && useOwn { return own }
        // Draw among the B - 1 others: skip over `own`.
        let other = random.index(familyCount - 1)
        return other >= own ? other + 1 : other
    }

    /// A body of `shape` with bounding-circle `radius`, random rotation and style, fully inside the image.
    static func placedObject(shape: SynthShape, radius: Float, imageSize: Int,
                             random: inout SplitMix64) -> SynthObject {
        let side = Double(imageSize), r = Double(radius)
        let centreX = r >= side / 2 ? side / 2 : random.uniform(r, side - r)
        let centreY = r >= side / 2 ? side / 2 : random.uniform(r, side - r)
        let angle = random.uniform(0, 2 * Double.pi)
        let colours = SynthCatalog.bodyColours
        let colour = colours[random.index(colours.count)] * Float(random.uniform(0.9, 1.1))
        let second = colour * Float(random.chance(0.5) ? random.uniform(0.55, 0.75) : random.uniform(1.2, 1.4))
        let style = BodyStyle(colour: colour.clamped, secondColour: second.clamped,
                              texture: BodyTexture.allCases[random.index(BodyTexture.allCases.count)],
                              textureSeed: UInt32(truncatingIfNeeded: random.next()),
                              textureFrequency: Float(random.uniform(3, 6)))
        return SynthObject(shape: shape, centreX: Float(centreX), centreY: Float(centreY), radius: radius,
                           angle: Float(angle), style: style, part: nil)
    }

    /// A part disc of area fraction `f ~ U[min, max]` of the body, at a random spot where the whole
    /// disc (checked on 32 rim points and its centre) lies inside the body; the centre is the
    /// fallback, where every shape is wider than the largest part.
    static func partPlacement(shape: SynthShape, config: SynthConfig, random: inout SplitMix64) -> PartPlacement {
        let fraction = random.uniform(config.minPartFraction, config.maxPartFraction)
        let radius = Float((fraction * shape.area / Double.pi).squareRoot())
        let angle = Float(random.uniform(0, 2 * Double.pi))
        let scale = shape.normalisationScale
        for _ in 0..<40 {
            let x = Float(random.uniform(-1, 1)), y = Float(random.uniform(-1, 1))
            let fits = (0...32).allSatisfy { step in
                guard step < 32 else { return shape.insideDistance(x: x, y: y, scale: scale) > 0 }
                let theta = Float(step) * 2 * Float.pi / 32
                // 2% margin so the disc's anti-aliased rim stays on the body.
                let rim = radius * 1.02
                return shape.insideDistance(x: x + rim * cos(theta), y: y + rim * sin(theta), scale: scale) > 0
            }
            if fits {
                return PartPlacement(centreX: x, centreY: y, radius: radius, angle: angle, areaFraction: fraction)
            }
        }
        return PartPlacement(centreX: 0, centreY: 0, radius: radius, angle: angle, areaFraction: fraction)
    }

    /// With probability `distractorProbability`, 1...maxDistractors bodies (shapes of the classes,
    /// no part) of 50-100% of the object's size, placed where their bounding circles clear the
    /// object's and each other's by a pixel; a distractor that finds no room in 30 tries is dropped.
    static func sampleDistractors(around object: SynthObject, config: SynthConfig,
                                  random: inout SplitMix64) -> [SynthObject] {
        guard config.maxDistractors > 0, random.chance(config.distractorProbability) else { return [] }
        let count = 1 + random.index(config.maxDistractors)
        let minimumRadius = Float(config.minScale * Double(config.imageSize) / 2)
        var placed: [SynthObject] = []
        for _ in 0..<count {
            let shape = SynthShape.allCases[random.index(config.shapeCount)]
            let radius = max(minimumRadius, object.radius * Float(random.uniform(0.5, 1.0)))
            for _ in 0..<30 {
                let candidate = placedObject(shape: shape, radius: radius, imageSize: config.imageSize, random: &random)
                let clear = ([object] + placed).allSatisfy { other in
                    let dx = candidate.centreX - other.centreX, dy = candidate.centreY - other.centreY
                    return (dx * dx + dy * dy).squareRoot() > candidate.radius + other.radius + 1
                }
                if clear {
                    placed.append(candidate)
                    break
                }
            }
        }
        return placed
    }
}
