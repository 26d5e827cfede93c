//! What the classes and backgrounds of a SynthWSOL data set are: the fixed catalogue for a config.

/// The pattern painted on a class's discriminative part.
public enum PartPattern: String, CaseIterable, Codable, Sendable {
    case solid, stripes, dots, rings, checker
}

/// One class: a shared body shape plus a part whose colour and pattern are unique to the class.
public struct SynthClass: Codable, Sendable, Equatable {
    public var index: Int
    /// Folder name and `classes.txt` entry, e.g. `03_flower_magenta_rings`.
    public var name: String
    public var shape: SynthShape
    public var partColourName: String
    public var partColour: SynthColour
    public var partPattern: PartPattern
    /// The background family this class sits on with probability rho (train, val, test).
    public var ownBackgroundFamily: Int
}

/// The kinds of procedural background texture.
public enum BackgroundKind: String, CaseIterable, Codable, Sendable {
    case waves, grass, sand, sky, bricks, foliage, snow, tiles, leaves, night, stripes, marble
}

/// A background family: a texture kind with its colours, frequency and orientation. Images of a
/// family vary in phase, orientation, frequency and brightness, but stay recognisably one family.
public struct BackgroundFamily: Codable, Sendable, Equatable {
    public var index: Int
    public var name: String
    public var kind: BackgroundKind
    public var colourA: SynthColour
    public var colourB: SynthColour
    /// Pattern cycles across the image side.
    public var frequency: Float
    /// Pattern orientation in radians.
    public var angle: Float
}

/// The classes and background families for a config. Fixed by `classCount`,
/// `backgroundFamilyCount` and `shapeCount` (not by the seed), so class `c` looks the same in every
/// seed's data set and results across seeds compare like for like.
public struct SynthCatalog: Codable, Sendable, Equatable {
    public var classes: [SynthClass]
    public var backgroundFamilies: [BackgroundFamily]

    /// Saturated part colours: far from the muted body and background palettes.
    static let partColours: [(name: String, colour: SynthColour)] = [
        ("red", .rgb255(230, 25, 35)), ("yellow", .rgb255(255, 215, 20)), ("cyan", .rgb255(20, 215, 235)),
        ("magenta", .rgb255(225, 30, 200)), ("blue", .rgb255(35, 70, 255)), ("lime", .rgb255(110, 250, 30)),
    ]

    /// Muted body colours; a body's colour is drawn per image, so it says nothing about the class.
    static let bodyColours: [SynthColour] = [
        .rgb255(120, 85, 60), .rgb255(170, 140, 100), .rgb255(105, 110, 120), .rgb255(110, 115, 70),
        .rgb255(150, 90, 65), .rgb255(70, 70, 75), .rgb255(185, 150, 85), .rgb255(130, 100, 120),
    ]

    public init(config: SynthConfig) {
        let shapes = Array(SynthShape.allCases.prefix(config.shapeCount))
        let colours = SynthCatalog.partColours, patterns = PartPattern.allCases
        classes = (0..<config.classCount).map { index in
            // colour = c mod 6, pattern = (7q + r) mod 5 for c = 6q + r: distinct pairs for c < 30,
            // and every colour is shared by several classes, so the colour alone is not enough.
            let (quotient, remainder) = index.quotientAndRemainder(dividingBy: colours.count)
            let pattern = patterns[(quotient * (colours.count + 1) + remainder) % patterns.count]
            let shape = shapes[index % shapes.count]
            let colour = colours[remainder]
            let number = index < 10 ? "0\(index)" : "\(index)"
            return SynthClass(index: index, name: "\(number)_\(shape.rawValue)_\(colour.name)_\(pattern.rawValue)",
                              shape: shape, partColourName: colour.name, partColour: colour.colour,
                              partPattern: pattern, ownBackgroundFamily: index % config.backgroundFamilyCount)
        }
        backgroundFamilies = (0..<config.backgroundFamilyCount).map(SynthCatalog.family)
    }

    /// Family `index`: one of twelve designs; from the 13th on, a design with its colour channels
    /// rotated and its orientation turned, named `<design>-2`.
    static func family(_ index: Int) -> BackgroundFamily {
        var family = designs[index % designs.count]
        family.index = index
        let variant = index / designs.count
        if variant > 0 {
            family.name += "-\(variant + 1)"
            family.colourA = SynthColour(family.colourA.z, family.colourA.x, family.colourA.y)
            family.colourB = SynthColour(family.colourB.z, family.colourB.x, family.colourB.y)
            family.angle += 0.9
            family.frequency *= 1.4
        }
        return family
    }

    private static func design(_ kind: BackgroundKind, _ a: SynthColour, _ b: SynthColour,
                               frequency: Float, angle: Float = 0) -> BackgroundFamily {
        BackgroundFamily(index: 0, name: kind.rawValue, kind: kind, colourA: a, colourB: b,
                         frequency: frequency, angle: angle)
    }

    /// Twelve hand-tuned families, chosen to be told apart at a glance and to contrast with bodies.
    private static let designs: [BackgroundFamily] = [
        design(.waves, .rgb255(25, 80, 140), .rgb255(70, 160, 200), frequency: 5),
        design(.grass, .rgb255(40, 110, 35), .rgb255(140, 200, 70), frequency: 3),
        design(.sand, .rgb255(215, 185, 130), .rgb255(240, 220, 175), frequency: 2),
        design(.sky, .rgb255(110, 165, 230), .rgb255(250, 250, 255), frequency: 2.5),
        design(.bricks, .rgb255(160, 60, 45), .rgb255(200, 195, 185), frequency: 7),
        design(.foliage, .rgb255(20, 60, 30), .rgb255(70, 120, 50), frequency: 3),
        design(.snow, .rgb255(235, 240, 250), .rgb255(170, 190, 215), frequency: 4),
        design(.tiles, .rgb255(60, 140, 135), .rgb255(225, 225, 210), frequency: 5, angle: 0.5),
        design(.leaves, .rgb255(210, 110, 30), .rgb255(150, 40, 30), frequency: 4),
        design(.night, .rgb255(15, 20, 55), .rgb255(255, 250, 210), frequency: 9),
        design(.stripes, .rgb255(200, 120, 170), .rgb255(110, 60, 140), frequency: 6, angle: 0.8),
        design(.marble, .rgb255(225, 225, 220), .rgb255(110, 110, 120), frequency: 1.5),
    ]
}
