import Foundation
import Testing
import TensorTestSupport
@testable import WSOLData

/// Raw fixtures written by scripts/fixtures/image_resize.py with Pillow and OpenCV.
private enum ResizeFixtures {
    static func bytes(_ name: String) -> [UInt8] {
        let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("resize/\(name)")
        return [UInt8](FileManager.default.contents(atPath: url.path)!)
    }

    static func floats(_ name: String) -> [Float] {
        let raw = bytes(name)
        return stride(from: 0, to: raw.count, by: 4).map { offset in
            Float(bitPattern: UInt32(raw[offset]) | UInt32(raw[offset + 1]) << 8
                  | UInt32(raw[offset + 2]) << 16 | UInt32(raw[offset + 3]) << 24)
        }
    }

    /// The 37x23 RGB source image.
    static var source: PixelImage { PixelImage(width: 37, height: 23, channels: 3, pixels: bytes("source.rgb")) }

    /// Largest absolute difference, and the count of samples that differ at all.
    static func difference(_ actual: [UInt8], _ expected: [UInt8]) -> (worst: Int, differing: Int) {
        let differences = zip(actual, expected).map { abs(Int($0) - Int($1)) }
        return (differences.max() ?? 0, differences.filter { $0 != 0 }.count)
    }
}

@Suite struct ResizePILTests {
    @Test func bilinearUpsamplingByHand() {
        // 2 -> 4 samples, scale 0.5: centres 0.25, 0.75, 1.25, 1.75 in input pixels.
        // out0 sees only input 0 (bounds [0, 1)): 0. out1: weights 0.75, 0.25 -> 25.
        // out2: 0.25, 0.75 -> 75. out3 sees only input 1: 100.
        let image = PixelImage(width: 2, height: 1, channels: 1, pixels: [0, 100])
        #expect(image.resized(width: 4, height: 1).pixels == [0, 25, 75, 100])
    }

    @Test func bilinearDownsamplingIsAntialiased() {
        // 4 -> 2, scale 2: the triangle is stretched to support 2. out0 (centre 1) weights
        // f(-0.25), f(0.25), f(0.75) = 0.75, 0.75, 0.25 -> 3/7, 3/7, 1/7 over [0, 70, 140]: 50.
        // out1 (centre 3): 1/7, 3/7, 3/7 over [70, 140, 210]: 10 + 60 + 90 = 160.
        // (OpenCV's INTER_LINEAR would give 35 and 175: it samples two pixels only.)
        let image = PixelImage(width: 4, height: 1, channels: 1, pixels: [0, 70, 140, 210])
        #expect(image.resized(width: 2, height: 1).pixels == [50, 160])
        #expect(image.resizedLikeOpenCV(width: 2, height: 1, interpolation: .bilinear).pixels == [35, 175])
    }

    @Test func sameSizeIsIdentity() {
        let source = ResizeFixtures.source
        #expect(source.resized(width: 37, height: 23, resampling: .bicubic) == source)
    }

    @Test(arguments: ImageResampling.allCases)
    func matchesPillowExactly(resampling: ImageResampling) {
        // Down, up, mixed, one-axis-only and tiny targets of the 37x23 source.
        for (width, height) in [(16, 10), (90, 61), (50, 11), (37, 40), (20, 23), (8, 8)] {
            let expected = ResizeFixtures.bytes("pil_\(resampling.rawValue)_\(width)x\(height).rgb")
            let actual = ResizeFixtures.source.resized(width: width, height: height, resampling: resampling)
            let (worst, differing) = ResizeFixtures.difference(actual.pixels, expected)
            #expect(worst == 0, "\(resampling) \(width)x\(height): \(differing) samples differ, worst by \(worst)")
        }
    }
}

@Suite struct ResizeOpenCVTests {
    @Test func nearestHasNoHalfPixelOffset() {
        // 4 -> 3: source index floor(dst * 4 / 3) = 0, 1, 2 (a half-pixel rule would pick 0, 2, 3).
        let image = PixelImage(width: 4, height: 1, channels: 1, pixels: [10, 20, 30, 40])
        #expect(image.resizedLikeOpenCV(width: 3, height: 1, interpolation: .nearest).pixels == [10, 20, 30])
    }

    @Test func bicubicOvershootByHand() {
        // [0, 1] -> 4 samples: dst 0 maps to x = -0.25, i.e. start -1, fraction 0.75, taps clamp
        // to [0, 0, 0, 1]. Keys a = -0.75 at 0.75: w = [-0.03515625, 0.26171875, 0.87890625,
        // -0.10546875]; the value is w3 * 1 = -0.10546875 (an undershoot).
        // dst 1 maps to x = 0.25: start 0, fraction 0.25, taps [0, 0, 1, 1], w = [-0.10546875,
        // 0.87890625, 0.26171875, -0.03515625]; value w2 + w3 = 0.2265625. dst 2, 3 by symmetry.
        let resized = MapResize.resize([0, 1], width: 2, height: 1, toWidth: 4, toHeight: 1, interpolation: .bicubic)
        expectClose(resized, [-0.10546875, 0.2265625, 0.7734375, 1.10546875],
                    rtol: 0, atol: 1e-6)
    }

    @Test(arguments: MapInterpolation.allCases)
    func rgbMatchesOpenCVWithinOneLevel(interpolation: MapInterpolation) {
        for (width, height) in [(16, 10), (90, 61), (50, 11)] {
            let expected = ResizeFixtures.bytes("cv_\(interpolation.rawValue)_\(width)x\(height).rgb")
            let actual = ResizeFixtures.source.resizedLikeOpenCV(width: width, height: height, interpolation: interpolation)
            let (worst, differing) = ResizeFixtures.difference(actual.pixels, expected)
            #expect(worst <= (interpolation == .nearest ? 0 : 1), "\(interpolation) \(width)x\(height): \(differing) differ by up to \(worst)")
            // Measured: bilinear differs only in border rows when upsampling (61 of 16470 at 90x61),
            // bicubic in 1 of 16470; anything above 1% means a convention broke.
            #expect(differing * 100 <= expected.count, "\(interpolation) \(width)x\(height): \(differing) samples differ")
        }
    }

    @Test func maskNearestMatchesOpenCVExactly() {
        let mask = PixelImage(width: 37, height: 23, channels: 1, pixels: ResizeFixtures.bytes("source.gray"))
        for (width, height) in [(16, 10), (100, 90), (224, 23)] {
            let expected = ResizeFixtures.bytes("cv_nearest_\(width)x\(height).gray")
            #expect(mask.resizedLikeOpenCV(width: width, height: height, interpolation: .nearest).pixels == expected)
        }
    }

    @Test(arguments: MapInterpolation.allCases)
    func floatMapMatchesOpenCV(interpolation: MapInterpolation) {
        let map = ResizeFixtures.floats("map.f32")
        for (width, height) in [(56, 56), (5, 9)] {
            let expected = ResizeFixtures.floats("cvmap_\(interpolation.rawValue)_\(width)x\(height).f32")
            let actual = MapResize.resize(map, width: 7, height: 7, toWidth: width, toHeight: height, interpolation: interpolation)
            expectClose(actual, expected, rtol: 1e-5, atol: 1e-5, "\(interpolation) \(width)x\(height)")
        }
    }
}

@Suite struct ResizeChannelTests {
    @Test(arguments: [1, 3, 4])
    func constantImagesStayConstant(channels: Int) {
        // Weights of each output sum to 2^22 within rounding, so a constant survives any resize:
        // v * (2^22 + e) + 2^21 >> 22 = v for |v e| < 2^21.
        let values: [UInt8] = [200, 17, 99, 255]
        let pixels = (0..<(13 * 7)).flatMap { _ in values.prefix(channels) }
        let image = PixelImage(width: 13, height: 7, channels: channels, pixels: Array(pixels))
        for resampling in ImageResampling.allCases {
            for (width, height) in [(5, 3), (29, 17), (20, 4)] {
                let resized = image.resized(width: width, height: height, resampling: resampling)
                #expect(resized.pixels == (0..<(width * height)).flatMap { _ in values.prefix(channels) })
            }
        }
    }
}
