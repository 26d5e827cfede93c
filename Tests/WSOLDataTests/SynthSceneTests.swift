import Foundation
import Testing
@testable import WSOLData

/// Scene sampling: background-family rule, placement, parts and distractors (SynthScene.swift).
@Suite struct SynthSceneTests {
    private let config = SynthPreset.standard.config
    private var catalog: SynthCatalog { SynthCatalog(config: config) }

    private func scenes(_ split: DatasetSplit, perClass: Int, config: SynthConfig? = nil) -> [SynthScene] {
        let config = config ?? self.config
        let catalog = SynthCatalog(config: config)
        return (0..<config.classCount).flatMap { classIndex in
            (0..<perClass).map {
                SynthScene.sample(config: config, catalog: catalog, split: split, classIndex: classIndex, index: $0)
            }
        }
    }

    private func isOwn(_ scene: SynthScene) -> Bool {
        scene.backgroundFamily == catalog.classes[scene.classIndex].ownBackgroundFamily
    }

    @Test func ownBackgroundRateMatchesRho() {
        // 10 classes x 500 train scenes. The own-background count is Binomial(n, rho), so the rate has
        // standard deviation sqrt(0.8 * 0.2 / 5000) = 0.00566 overall and sqrt(0.16 / 500) = 0.0179 per
        // class. Bounds of 4 sigma (0.0226 and 0.072) fail with probability about 6e-5 for a random seed.
        let train = scenes(.train, perClass: 500)
        let rate = Double(train.filter(isOwn).count) / Double(train.count)
        #expect(abs(rate - 0.8) < 0.0226, "overall own-background rate \(rate)")
        for classIndex in 0..<10 {
            let ofClass = train.filter { $0.classIndex == classIndex }
            let classRate = Double(ofClass.filter(isOwn).count) / Double(ofClass.count)
            #expect(abs(classRate - 0.8) < 0.072, "class \(classIndex) rate \(classRate)")
        }
        // Off-own images spread uniformly over the other families: each family receives
        // 9 classes x 500 x 0.2 / 9 = 100 in expectation (sd about 10); 4 sigma = 40.
        for family in 0..<10 {
            let count = train.filter { !isOwn($0) && $0.backgroundFamily == family }.count
            #expect(abs(count - 100) < 40, "family \(family): \(count) off-own images")
        }
    }

    @Test func testSplitUsesRhoAndCounterSplitNeverTheOwnFamily() {
        // 10 x 100 test scenes: sd sqrt(0.16 / 1000) = 0.0126, 4 sigma = 0.051.
        let test = scenes(.test, perClass: 100)
        #expect(abs(Double(test.filter(isOwn).count) / 1000 - 0.8) < 0.051)
        let counter = scenes(.testCounter, perClass: 100)
        #expect(counter.allSatisfy { !isOwn($0) })
        // Every other family is used (each expected 100 / 9 = 11 times per class).
        for classIndex in 0..<10 {
            let families = Set(counter.filter { $0.classIndex == classIndex }.map(\.backgroundFamily))
            #expect(families == Set(0..<10).subtracting([classIndex]))
        }
    }

    @Test func rhoZeroAndOneAreExact() {
        var config = SynthPreset.tiny.config
        config.rho = 1
        #expect(scenes(.train, perClass: 50, config: config).allSatisfy { $0.backgroundFamily == $0.classIndex })
        config.rho = 0
        #expect(scenes(.val, perClass: 50, config: config).allSatisfy { $0.backgroundFamily != $0.classIndex })
    }

    @Test func sameIndexGivesSameSceneAndOtherIndicesDiffer() {
        let catalog = self.catalog
        let a = SynthScene.sample(config: config, catalog: catalog, split: .train, classIndex: 3, index: 17)
        let b = SynthScene.sample(config: config, catalog: catalog, split: .train, classIndex: 3, index: 17)
        #expect(a == b)
        let c = SynthScene.sample(config: config, catalog: catalog, split: .test, classIndex: 3, index: 17)
        #expect(a.object != c.object)
        var reseeded = config
        reseeded.seed = 1
        #expect(SynthScene.sample(config: reseeded, catalog: catalog, split: .train, classIndex: 3, index: 17).object != a.object)
    }

    @Test func objectsFitTheImageAndScaleRangeAndDistractorsKeepClear() {
        let all = scenes(.train, perClass: 60)
        let side = Float(config.imageSize)
        for scene in all {
            let object = scene.object
            // Diameter 15-70% of the side; bounding circle inside the image.
            #expect(object.radius * 2 >= 0.15 * side - 1e-3 && object.radius * 2 <= 0.70 * side + 1e-3)
            #expect(object.centreX - object.radius >= -1e-3 && object.centreX + object.radius <= side + 1e-3)
            #expect(object.centreY - object.radius >= -1e-3 && object.centreY + object.radius <= side + 1e-3)
            #expect(object.shape == catalog.classes[scene.classIndex].shape)
            #expect(scene.distractors.count <= config.maxDistractors)
            for distractor in scene.distractors {
                #expect(distractor.part == nil)
                let dx = distractor.centreX - object.centreX, dy = distractor.centreY - object.centreY
                #expect((dx * dx + dy * dy).squareRoot() > distractor.radius + object.radius)
            }
        }
        // Distractors occur in roughly distractorProbability (0.3) of the 600 images (sd 0.019).
        let withDistractors = Double(all.filter { !$0.distractors.isEmpty }.count) / Double(all.count)
        #expect(withDistractors > 0.2 && withDistractors < 0.3 + 1e-9 + 0.08)
    }

    @Test func partsAreInsideTheBodyWithPlannedFraction() {
        for scene in scenes(.val, perClass: 40) {
            guard let part = scene.object.part else { Issue.record("no part"); continue }
            #expect(part.areaFraction >= 0.05 && part.areaFraction <= 0.10)
            // Radius from the fraction: pi r^2 = fraction * body area.
            let expectedRadius = (part.areaFraction * scene.object.shape.area / Double.pi).squareRoot()
            #expect(abs(Double(part.radius) - expectedRadius) < 1e-5)
            let shape = scene.object.shape
            for step in 0..<16 {
                let angle = Float(step) * .pi / 8
                let x = part.centreX + part.radius * cos(angle), y = part.centreY + part.radius * sin(angle)
                #expect(shape.insideDistance(x: x, y: y, scale: shape.normalisationScale) > 0)
            }
        }
    }
}
