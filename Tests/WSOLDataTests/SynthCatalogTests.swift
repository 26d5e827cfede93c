import Testing
@testable import WSOLData

/// Presets, config validation and the class / background catalogue (SynthConfig, SynthCatalog, SynthShape).
@Suite struct SynthCatalogTests {
    @Test func presetsAreValidAndSized() throws {
        try SynthPreset.tiny.config.validate()
        try SynthPreset.standard.config.validate()
        // tiny: 4 classes x (48 + 6 + 12 + 12) = 312; standard: 10 x (500 + 50 + 100 + 100) = 7500.
        #expect(SynthPreset.tiny.config.totalImages == 312)
        #expect(SynthPreset.standard.config.totalImages == 7500)
        #expect(SynthPreset.standard.config.imageSize == 96 && SynthPreset.standard.config.rho == 0.8)
    }

    @Test(arguments: [
        ("imageSize", 63, "image size"), ("imageSize", 257, "image size"), ("classCount", 31, "classes"),
        ("backgroundFamilyCount", 1, "background families"), ("shapeCount", 6, "shapes"),
        ("supersampling", 0, "supersampling"),
    ])
    func outOfRangeKnobsAreRejected(knob: String, value: Int, name: String) {
        var config = SynthConfig()
        switch knob {
        case "imageSize": config.imageSize = value
        case "classCount": config.classCount = value
        case "backgroundFamilyCount": config.backgroundFamilyCount = value
        case "shapeCount": config.shapeCount = value
        default: config.supersampling = value
        }
        #expect { try config.validate() } throws: { ($0 as? SynthConfigError)?.reason.hasPrefix(name) == true }
    }

    @Test func rhoAndScalesAreRangeChecked() {
        var config = SynthConfig()
        config.rho = 1.2
        #expect(throws: SynthConfigError.self) { try config.validate() }
        config = SynthConfig()
        config.minScale = 0.8
        config.maxScale = 0.7
        #expect(throws: SynthConfigError.self) { try config.validate() }
    }

    @Test func partsIdentifyClassesButColoursAndShapesAreShared() {
        var config = SynthConfig()
        config.classCount = 30
        config.backgroundFamilyCount = 24
        let catalog = SynthCatalog(config: config)
        let pairs = Set(catalog.classes.map { "\($0.partColourName)/\($0.partPattern.rawValue)" })
        #expect(pairs.count == 30)  // every class has its own (colour, pattern)
        let standard = SynthCatalog(config: SynthPreset.standard.config)
        // 10 classes over 6 colours and 4 shapes: no colour and no shape is unique to all classes.
        let byShape = Dictionary(grouping: standard.classes, by: \.shape).mapValues(\.count)
        #expect(byShape == [.oval: 3, .box: 3, .egg: 2, .flower: 2])
        #expect(Set(standard.classes.map(\.partColourName)).count == 6)
        // c = 6q + r: colour r, pattern (7q + r) mod 5, shape c mod 4.
        // Class 3 = (q 0, r 3): magenta, pattern 3 (rings), shape 3 (flower).
        #expect(standard.classes[3].name == "03_flower_magenta_rings")
        // Class 7 = (q 1, r 1): yellow, pattern 8 mod 5 = 3 (rings).
        #expect(standard.classes[7].partColourName == "yellow" && standard.classes[7].partPattern == .rings)
        #expect(standard.classes.map(\.ownBackgroundFamily) == Array(0..<10))
    }

    @Test func familiesBeyondTheTwelveDesignsAreVariants() {
        var config = SynthConfig()
        config.backgroundFamilyCount = 14
        let families = SynthCatalog(config: config).backgroundFamilies
        #expect(families[12].name == "waves-2" && families[12].kind == .waves)
        #expect(families[12].colourA != families[0].colourA)
        #expect(Set(families.map(\.name)).count == 14)
    }

    @Test func shapesAreNormalisedWithKnownAreas() {
        for shape in SynthShape.allCases {
            #expect(shape.area > 0.8 && shape.area < Double.pi, "\(shape)")
            #expect(shape.minimumRadius > 0.3, "\(shape)")
        }
        // Ellipse with semi-axes 1 and 0.6 (largest radius already 1): area = pi * 1 * 0.6 = 1.88496.
        #expect(abs(SynthShape.oval.area - Double.pi * 0.6) < 1e-3)
        #expect(SynthShape.oval.insideDistance(x: 0.99, y: 0, scale: SynthShape.oval.normalisationScale) > 0)
        #expect(SynthShape.oval.insideDistance(x: 0, y: 0.61, scale: SynthShape.oval.normalisationScale) < 0)
    }
}
