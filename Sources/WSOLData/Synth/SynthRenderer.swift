//! Rasterises a scene: anti-aliased RGB image, the object's mask, its box and coverage statistics.

/// One rendered image and its ground truth.
public struct SynthRendering: Sendable {
    /// RGB, `imageSize x imageSize`.
    public var image: PixelImage
    /// Gray, 255 where the class object covers at least half the pixel, else 0.
    public var mask: PixelImage
    /// Inclusive bounding box of the mask's 255 pixels: `x0...x1` columns, `y0...y1` rows.
    public var box: MetadataBox
    /// Object (body + part) area in pixels, summed sample coverage.
    public var objectArea: Double
    /// Part area in pixels, summed sample coverage.
    public var partArea: Double
    /// Gray, 255 where the class object's discriminative part covers at least half the pixel
    /// (a subset of `mask` up to anti-aliasing), for part-vs-body coverage measurements.
    public var partMask: PixelImage
}

/// Renders scenes with `n x n` supersampling per pixel (box filter): colours are averaged over the
/// samples, and the mask marks pixels where at least half the samples hit the class object.
public enum SynthRenderer {
    public static func render(_ scene: SynthScene, catalog: SynthCatalog, config: SynthConfig) -> SynthRendering {
        let size = config.imageSize
        let synthClass = catalog.classes[scene.classIndex]
        let layers = SceneLayers(
            background: PreparedBackground(family: catalog.backgroundFamilies[scene.backgroundFamily],
                                           jitter: scene.background, imageSize: size),
            object: PreparedObject(scene.object, partColour: synthClass.partColour, partPattern: synthClass.partPattern),
            distractors: scene.distractors.map { PreparedObject($0) })
        var pixels = [UInt8](repeating: 0, count: size * size * 3)
        var maskPixels = [UInt8](repeating: 0, count: size * size)
        var partPixels = [UInt8](repeating: 0, count: size * size)
        var objectHits = 0, partHits = 0
        let samplesPerPixel = config.supersampling * config.supersampling
        for y in 0..<size {
            for x in 0..<size {
                let pixel = samplePixel(x: x, y: y, samples: config.supersampling, layers: layers)
                objectHits += pixel.objectHits
                partHits += pixel.partHits
                // Faint sensor noise (+-2 levels) so flat areas are not perfectly flat.
                let noise = (SynthNoise.lattice(Int32(x), Int32(y), scene.noiseSeed) - 0.5) * (4 / 255)
                let colour = (pixel.colour + SynthColour(repeating: noise)).clamped
                let offset = (y * size + x) * 3
                pixels[offset] = UInt8((colour.x * 255).rounded())
                pixels[offset + 1] = UInt8((colour.y * 255).rounded())
                pixels[offset + 2] = UInt8((colour.z * 255).rounded())
                if 2 * pixel.objectHits >= samplesPerPixel { maskPixels[y * size + x] = 255 }
                if 2 * pixel.partHits >= samplesPerPixel { partPixels[y * size + x] = 255 }
            }
        }
        let mask = PixelImage(width: size, height: size, channels: 1, pixels: maskPixels)
        let sampleArea = 1 / Double(samplesPerPixel)
        return SynthRendering(image: PixelImage(width: size, height: size, channels: 3, pixels: pixels),
                              mask: mask, box: boundingBox(of: mask),
                              objectArea: Double(objectHits) * sampleArea, partArea: Double(partHits) * sampleArea,
                              partMask: PixelImage(width: size, height: size, channels: 1, pixels: partPixels))
    }

    /// The prepared layers of a scene, bottom to top: background, distractors, class object.
    private struct SceneLayers {
        let background: PreparedBackground
        let object: PreparedObject
        let distractors: [PreparedObject]
    }

    /// Box-filtered colour of pixel `(x, y)` from `samples x samples` stratified samples, and how
    /// many samples hit the class object and its part.
    @inline(__always)
    private static func samplePixel(x: Int, y: Int, samples: Int,
                                    layers: SceneLayers) -> (colour: SynthColour, objectHits: Int, partHits: Int) {
        let step = 1 / Float(samples)
        var sum = SynthColour.zero
        var objectHits = 0, partHits = 0
        for j in 0..<samples {
            for i in 0..<samples {
                let px = Float(x) + (Float(i) + 0.5) * step, py = Float(y) + (Float(j) + 0.5) * step
                let (colour, layer) = sampleScene(px, py, layers.background, layers.object, layers.distractors)
                sum += colour
                if layer != .other { objectHits += 1 }
                if layer == .part { partHits += 1 }
            }
        }
        return (sum * (1 / Float(samples * samples)), objectHits, partHits)
    }

    private enum Layer { case other, body, part }

    /// The colour of one sample: the class object on top, then distractors, then the background
    /// (darkened under any object's drop shadow).
    @inline(__always)
    private static func sampleScene(_ x: Float, _ y: Float, _ background: PreparedBackground,
                                    _ object: PreparedObject, _ distractors: [PreparedObject]) -> (SynthColour, Layer) {
        var shadowed = false
        if object.mayCover(x: x, y: y) {
            switch object.sample(x: x, y: y) {
            case .part(let colour): return (colour, .part)
            case .body(let colour): return (colour, .body)
            case nil: shadowed = object.shadows(x: x, y: y)
            }
        }
        for distractor in distractors where distractor.mayCover(x: x, y: y) {
            if case .body(let colour) = distractor.sample(x: x, y: y) { return (colour, .other) }
            shadowed = shadowed || distractor.shadows(x: x, y: y)
        }
        let colour = background.colour(x: x, y: y)
        return (shadowed ? colour * 0.72 : colour, .other)
    }

    /// Inclusive bounding box of the non-zero pixels of a gray mask; a 1-pixel box at the centre
    /// for an empty mask (cannot happen at the allowed scales, but must not crash).
    public static func boundingBox(of mask: PixelImage) -> MetadataBox {
        var x0 = mask.width, y0 = mask.height, x1 = -1, y1 = -1
        for y in 0..<mask.height {
            for x in 0..<mask.width where mask.pixels[y * mask.width + x] != 0 {
                x0 = min(x0, x)
                x1 = max(x1, x)
                y0 = min(y0, y)
                y1 = max(y1, y)
            }
        }
        guard x1 >= 0 else {
            let cx = Double(mask.width / 2), cy = Double(mask.height / 2)
            return MetadataBox(x0: cx, y0: cy, x1: cx, y1: cy)
        }
        return MetadataBox(x0: Double(x0), y0: Double(y0), x1: Double(x1), y1: Double(y1))
    }
}
