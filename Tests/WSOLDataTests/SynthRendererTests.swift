import Testing
@testable import WSOLData

/// Rendering: masks, boxes, part area and determinism (SynthRenderer, SynthObjectShading, SynthBackground).
@Suite struct SynthRendererTests {
    /// A small config so debug-build rendering stays fast.
    private func config(size: Int = 64, supersampling: Int = 2) -> SynthConfig {
        var config = SynthPreset.tiny.config
        config.imageSize = size
        config.supersampling = supersampling
        return config
    }

    private func render(_ config: SynthConfig, split: DatasetSplit = .train, classIndex: Int, index: Int)
        -> (SynthScene, SynthRendering) {
        let catalog = SynthCatalog(config: config)
        let scene = SynthScene.sample(config: config, catalog: catalog, split: split, classIndex: classIndex, index: index)
        return (scene, SynthRenderer.render(scene, catalog: catalog, config: config))
    }

    @Test func boxIsExactlyTheMaskBoundingBox() {
        let config = config()
        for index in 0..<8 {
            let (_, rendering) = render(config, classIndex: index % 4, index: index)
            // Recompute the bounding box of the 255 pixels independently.
            var columns: [Int] = [], rows: [Int] = []
            for y in 0..<64 {
                for x in 0..<64 where rendering.mask.pixels[y * 64 + x] == 255 {
                    columns.append(x)
                    rows.append(y)
                }
            }
            #expect(!columns.isEmpty)
            #expect(Set(rendering.mask.pixels).isSubset(of: [0, 255]))
            #expect(rendering.box == MetadataBox(x0: Double(columns.min()!), y0: Double(rows.min()!),
                                                 x1: Double(columns.max()!), y1: Double(rows.max()!)))
        }
    }

    @Test func maskAreaAgreesWithTheShapeArea() {
        let config = config(size: 96, supersampling: 3)
        for index in 0..<4 {
            let (scene, rendering) = render(config, classIndex: index, index: index)
            // Body area in pixels = unit-frame area * radius^2.
            let expected = scene.object.shape.area * Double(scene.object.radius * scene.object.radius)
            let maskArea = Double(rendering.mask.pixels.filter { $0 == 255 }.count)
            #expect(abs(rendering.objectArea - expected) / expected < 0.03, "coverage \(rendering.objectArea) vs \(expected)")
            #expect(abs(maskArea - expected) / expected < 0.06, "mask \(maskArea) vs \(expected)")
        }
    }

    @Test func partCoversFiveToTenPercentOfTheObject() {
        // Large objects (50-70% of a 96 px side) and 4x4 samples, so sampling error is far below the
        // 5-10% range: the measured fraction must lie in it and near the planned one.
        var config = config(size: 96, supersampling: 4)
        config.minScale = 0.5
        for index in 0..<4 {
            let (scene, rendering) = render(config, classIndex: index, index: index)
            let measured = rendering.partArea / rendering.objectArea
            let planned = scene.object.part!.areaFraction
            #expect(measured >= 0.05 - 0.004 && measured <= 0.10 + 0.004, "measured \(measured)")
            #expect(abs(measured - planned) < 0.004, "measured \(measured) vs planned \(planned)")
        }
    }

    @Test func renderingIsDeterministicAndSeedDependent() {
        let config = config()
        let (_, first) = render(config, classIndex: 1, index: 5)
        let (_, second) = render(config, classIndex: 1, index: 5)
        #expect(first.image == second.image && first.mask == second.mask)
        var reseeded = config
        reseeded.seed = 99
        #expect(render(reseeded, classIndex: 1, index: 5).1.image != first.image)
    }

    @Test func objectLooksDifferentFromItsBackground() {
        // Mean colour inside the mask vs outside differs: the object is visible.
        let (_, rendering) = render(config(), classIndex: 0, index: 0)
        var inside = SIMD3<Double>.zero, outside = SIMD3<Double>.zero, insideCount = 0.0, outsideCount = 0.0
        for pixel in 0..<(64 * 64) {
            let rgb = SIMD3<Double>(Double(rendering.image.pixels[3 * pixel]), Double(rendering.image.pixels[3 * pixel + 1]),
                                    Double(rendering.image.pixels[3 * pixel + 2]))
            if rendering.mask.pixels[pixel] == 255 { inside += rgb; insideCount += 1 } else { outside += rgb; outsideCount += 1 }
        }
        let difference = inside / insideCount - outside / outsideCount
        #expect((difference * difference).sum().squareRoot() > 20)
    }

    @Test func boundingBoxOfEmptyMaskIsTheCentrePixel() {
        let empty = PixelImage(width: 10, height: 6, channels: 1)
        #expect(SynthRenderer.boundingBox(of: empty) == MetadataBox(x0: 5, y0: 3, x1: 5, y1: 3))
    }
}
