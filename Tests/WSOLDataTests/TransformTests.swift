import Foundation
import Testing
import TensorTestSupport
@testable import WSOLData

/// A `width x height` gray image whose pixel (x, y) holds `10 y + x`.
private func numbered(width: Int, height: Int) -> PixelImage {
    PixelImage(width: width, height: height, channels: 1,
               pixels: (0..<(width * height)).map { UInt8(10 * ($0 / width) + $0 % width) })
}

@Suite struct SeededRandomTests {
    @Test func sameSeedSameSequenceDifferentStreamsDiffer() {
        var first = SeededRandom(seed: 42), second = SeededRandom(seed: 42)
        let a = (0..<5).map { _ in first.next() }, b = (0..<5).map { _ in second.next() }
        #expect(a == b)
        var streamOne = SeededRandom(seed: 42, stream: 1), streamTwo = SeededRandom(seed: 42, stream: 2)
        #expect(streamOne.next() != streamTwo.next())
    }

    @Test func uniformAndIntegerStayInRange() {
        var random = SeededRandom(seed: 7)
        for _ in 0..<1000 {
            let value = random.uniform(-2, 3)
            #expect(value >= -2 && value < 3)
            let integer = random.integer(4, 9)
            #expect((4..<9).contains(integer))
        }
        #expect(random.integer(5, 5) == 5)
    }
}

@Suite struct TransformGeometryTests {
    @Test func centerCropRoundsHalfToEven() {
        // 5x4 -> 2x2: left = round(1.5) = 2, top = round(1.0) = 1 -> pixels 12, 13 / 22, 23.
        var random = SeededRandom(seed: 0)
        let crop = ImageTransform.centerCrop(width: 2, height: 2).apply(AnnotatedImage(image: numbered(width: 5, height: 4)),
                                                                        random: &random)
        #expect(crop.image.pixels == [12, 13, 22, 23])
        // 6x4 -> 3x2: left = round(1.5) = 2, top = 1.
        let other = ImageTransform.centerCrop(width: 3, height: 2).apply(AnnotatedImage(image: numbered(width: 6, height: 4)),
                                                                         random: &random)
        #expect(other.image.pixels == [12, 13, 14, 22, 23, 24])
    }

    @Test func cropOutsideTheImageIsZeroPadded() {
        // 2x2 image [0 1; 10 11] cropped at (-1, 0) with size 3x3: a zero column on the left and a zero row below.
        let crop = numbered(width: 2, height: 2).cropped(left: -1, top: 0, width: 3, height: 3)
        #expect(crop.pixels == [0, 0, 1, 0, 10, 11, 0, 0, 0])
    }

    @Test func flipMovesPixelsBoxesAndMasks() {
        // Width 5: columns 1...2 become 2...3 (x -> 4 - x).
        let image = numbered(width: 5, height: 1)
        let sample = AnnotatedImage(image: image, boxes: [MetadataBox(x0: 1, y0: 0, x1: 2, y1: 0)], masks: [image])
        var random = SeededRandom(seed: 0)
        let flipped = ImageTransform.horizontalFlip(probability: 1).apply(sample, random: &random)
        #expect(flipped.image.pixels == [4, 3, 2, 1, 0])
        #expect(flipped.masks[0].pixels == [4, 3, 2, 1, 0])
        #expect(flipped.boxes == [MetadataBox(x0: 2, y0: 0, x1: 3, y1: 0)])
        #expect(ImageTransform.horizontalFlip(probability: 0).apply(sample, random: &random) == sample)
    }

    @Test func cropMovesAndClipsBoxes() {
        // Crop (2, 1) 3x3: box (1, 1)-(3, 5) becomes (0, 0)-(1, 2) after clipping; (0,0)-(1,0) disappears.
        let sample = AnnotatedImage(image: numbered(width: 6, height: 6),
                                    boxes: [MetadataBox(x0: 1, y0: 1, x1: 3, y1: 5), MetadataBox(x0: 0, y0: 0, x1: 1, y1: 0)])
        let cropped = sample.cropped(left: 2, top: 1, width: 3, height: 3)
        #expect(cropped.boxes == [MetadataBox(x0: 0, y0: 0, x1: 1, y1: 2)])
        #expect(cropped.image.pixels == [12, 13, 14, 22, 23, 24, 32, 33, 34])
    }

    @Test func resizeScalesBoxesAndResizesMasksNearest() {
        // 4x2 -> 8x4: factors 2 and 2; the mask's nearest source index is floor(dst / 2).
        let mask = PixelImage(width: 4, height: 2, channels: 1, pixels: [0, 255, 0, 0, 0, 0, 0, 255])
        let sample = AnnotatedImage(image: numbered(width: 4, height: 2), boxes: [MetadataBox(x0: 1, y0: 0, x1: 3, y1: 1)],
                                    masks: [mask])
        var random = SeededRandom(seed: 0)
        let resized = ImageTransform.resize(width: 8, height: 4).apply(sample, random: &random)
        #expect(resized.boxes == [MetadataBox(x0: 2, y0: 0, x1: 6, y1: 2)])
        #expect(Array(resized.masks[0].pixels[0..<8]) == [0, 0, 255, 255, 0, 0, 0, 0])
        #expect(Array(resized.masks[0].pixels[24..<32]) == [0, 0, 0, 0, 0, 0, 255, 255])
    }

    @Test func referenceBoxRescalingTruncates() {
        // x: 100 * 224 / 500 = 44.8 -> 44; 499 * 224 / 500 = 223.552 -> 223.
        // y: 10 * 224 / 375 = 5.973 -> 5; 374 * 224 / 375 = 223.40 -> 223.
        let box = MetadataBox(x0: 100, y0: 10, x1: 499, y1: 374)
        let rescaled = box.rescaledLikeReference(from: ImageSize(width: 500, height: 375), to: ImageSize(width: 224, height: 224))
        #expect(rescaled == MetadataBox(x0: 44, y0: 5, x1: 223, y1: 223))
    }

    @Test func resizeShorterSideKeepsAspect() {
        // 500x375, shorter side 256: height 256, width int(256 * 500 / 375) = int(341.33) = 341.
        var random = SeededRandom(seed: 0)
        let out = ImageTransform.resizeShorterSide(256).apply(AnnotatedImage(image: PixelImage(width: 500, height: 375, channels: 3)),
                                                              random: &random)
        #expect(out.image.width == 341 && out.image.height == 256)
    }

    @Test func randomCropIsDeterministicAndInside() {
        let sample = AnnotatedImage(image: numbered(width: 10, height: 8))
        var offsets = Set<[UInt8]>()
        for seed in 0..<40 {
            var first = SeededRandom(seed: UInt64(seed)), second = SeededRandom(seed: UInt64(seed))
            let a = ImageTransform.randomCrop(width: 4, height: 3).apply(sample, random: &first)
            let b = ImageTransform.randomCrop(width: 4, height: 3).apply(sample, random: &second)
            #expect(a == b)
            // The crop's top-left pixel is 10 top + left with left <= 6, top <= 5; no padding zeros inside.
            let topLeft = Int(a.image.pixels[0])
            #expect(topLeft % 10 <= 6 && topLeft / 10 <= 5)
            offsets.insert([a.image.pixels[0]])
        }
        #expect(offsets.count > 10)  // 7 x 6 = 42 possible offsets; 40 seeds hit many of them
    }

    @Test func randomResizedCropRegionsAreValidAndFallBack() {
        var random = SeededRandom(seed: 3)
        for _ in 0..<200 {
            let region = ImageTransform.randomResizedCropRegion(width: 500, height: 375, scale: 0.08...1,
                                                                ratio: (3.0 / 4)...(4.0 / 3), random: &random)
            #expect(region.left >= 0 && region.top >= 0 && region.left + region.width <= 500 && region.top + region.height <= 375)
            let area = Double(region.width * region.height) / (500 * 375)
            #expect(area > 0.07 && area < 1.01)
        }
        // Scale 2...3 never fits: fallback. 100x50 has ratio 2 > 4/3, so width = round(50 * 4/3) =
        // round(66.67) = 67, height 50, left = (100 - 67) / 2 = 16, top 0.
        let fallback = ImageTransform.randomResizedCropRegion(width: 100, height: 50, scale: 2...3,
                                                              ratio: (3.0 / 4)...(4.0 / 3), random: &random)
        #expect(fallback == (16, 0, 67, 50))
    }
}

@Suite struct TransformColorTests {
    @Test func blendTruncatesAndClamps() {
        // Brightness 0.5 on 201: trunc(100.5) = 100; factor 2 on 201: 402 -> 255.
        let image = PixelImage(width: 1, height: 1, channels: 3, pixels: [201, 0, 10])
        #expect(ColorJitter.blend(image, degenerate: { _ in 0 }, factor: 0.5).pixels == [100, 0, 5])
        #expect(ColorJitter.blend(image, degenerate: { _ in 0 }, factor: 2).pixels == [255, 0, 20])
    }

    @Test func contrastZeroGivesTheMeanLuma() {
        // Pixels (255, 0, 0) and (0, 0, 0): luma 76 and 0, mean 38 -> int(38 + 0.5) = 38.
        let image = PixelImage(width: 2, height: 1, channels: 3, pixels: [255, 0, 0, 0, 0, 0])
        #expect(ColorJitter.meanLuma(image) == 38)
        #expect(ColorJitter.blend(image, degenerate: { _ in 38 }, factor: 0).pixels == [38, 38, 38, 38, 38, 38])
    }

    @Test func hueShiftOfAThirdTurnMakesRedGreen() {
        // Red is H 0, S 255, V 255; + uint8(255 / 3) = 85 -> sector 2.0 exactly -> (0, 255, 0).
        #expect(HSV.fromRGB(255, 0, 0) == (0, 255, 255))
        let red = PixelImage(width: 1, height: 1, channels: 3, pixels: [255, 0, 0])
        #expect(ColorJitter.shiftHue(red, by: 1.0 / 3).pixels == [0, 255, 0])
        #expect(ColorJitter.shiftHue(red, by: 0).pixels == [255, 0, 0])
    }

    @Test func jitterIsDeterministicGivenTheSeed() {
        let image = PixelImage(width: 4, height: 4, channels: 3, pixels: (0..<48).map { UInt8($0 * 5) })
        let jitter = ColorJitter(brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1)
        var first = SeededRandom(seed: 9), second = SeededRandom(seed: 9), third = SeededRandom(seed: 10)
        let a = jitter.apply(image, random: &first), b = jitter.apply(image, random: &second)
        #expect(a == b)
        #expect(a != jitter.apply(image, random: &third))
        var untouched = SeededRandom(seed: 9)
        #expect(ColorJitter().apply(image, random: &untouched) == image)
    }
}

@Suite struct TransformPipelineTests {
    @Test func normalizationByHand() {
        // 255 in R: (1 - 0.485) / 0.229 = 2.2489083; 0 in B: -0.406 / 0.225 = -1.8044444.
        // Output is CHW: [R0, R1, G0, G1, B0, B1].
        let image = PixelImage(width: 2, height: 1, channels: 3, pixels: [255, 0, 0, 0, 0, 255])
        expectClose(Normalization.imageNet(image),
                    [2.2489083, -2.1179039, -2.0357143, -2.0357143, -1.8044444, 2.64], rtol: 1e-5, atol: 1e-5)
    }

    @Test func wsolPipelinesProduce224() {
        let photo = AnnotatedImage(image: PixelImage(width: 500, height: 375, channels: 3))
        var random = SeededRandom(seed: 1)
        let train = TransformPipeline.wsolTrain().apply(photo, random: &random).image
        let eval = TransformPipeline.wsolEval().apply(photo, random: &random).image
        #expect(train.width == 224 && train.height == 224 && eval.width == 224 && eval.height == 224)
        #expect(TransformPipeline.wsolTrain().isRandom && !TransformPipeline.wsolEval().isRandom)
        #expect(TransformPipeline.wsolTrain().outputSize(inputWidth: 500, inputHeight: 375) == (224, 224))
    }
}

/// Colour steps against Pillow's ImageEnhance and torchvision's adjust_hue
/// (scripts/fixtures/image_jitter.py, on the 37x23 resize source image).
@Suite struct TransformColorParityTests {
    private func fixture(_ name: String) -> [UInt8] {
        let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("resize/\(name)")
        return [UInt8](FileManager.default.contents(atPath: url.path)!)
    }

    private var source: PixelImage { PixelImage(width: 37, height: 23, channels: 3, pixels: fixture("source.rgb")) }

    @Test func hsvConversionMatchesPillow() {
        let expected = fixture("jitter_hsv.bin"), pixels = source.pixels
        var mismatches = 0
        for index in stride(from: 0, to: pixels.count, by: 3) {
            let (h, s, v) = HSV.fromRGB(pixels[index], pixels[index + 1], pixels[index + 2])
            if [h, s, v] != Array(expected[index..<index + 3]) { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test func enhanceStepsMatchPillow() {
        let image = source
        #expect(ColorJitter.blend(image, degenerate: { _ in 0 }, factor: 1.3).pixels == fixture("jitter_brightness_1.3.rgb"))
        let mean = ColorJitter.meanLuma(image)
        #expect(ColorJitter.blend(image, degenerate: { _ in mean }, factor: 0.6).pixels == fixture("jitter_contrast_0.6.rgb"))
        let luma = image.converted(toChannels: 1).pixels
        #expect(ColorJitter.blend(image, degenerate: { luma[$0 / 3] }, factor: 1.7).pixels == fixture("jitter_saturation_1.7.rgb"))
    }

    @Test(arguments: [0.1, -0.1])
    func hueShiftMatchesTorchvision(shift: Double) {
        let actual = ColorJitter.shiftHue(source, by: shift).pixels, expected = fixture("jitter_hue_\(shift).rgb")
        let worst = zip(actual, expected).map { abs(Int($0) - Int($1)) }.max()!
        #expect(worst == 0, "hue \(shift): worst difference \(worst)")
    }
}
