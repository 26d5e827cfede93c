import Testing
@testable import WSOLEvaluation
import WSOLLocalization

@Suite struct GroundTruthMaskTests {
    @Test func nearestResizeUsesOpenCVsInvertedScale() {
        // 36 -> 224: OpenCV reads column floor(x * (1 / (224 / 36))). At x = 168, x * 36 / 224 is
        // exactly 27, but 1 / 6.222... is a hair below 36 / 224, so OpenCV reads 26 (checked with
        // cv2.resize(..., INTER_NEAREST)). x = 1: floor(0.16) = 0; x = 223: floor(35.84) = 35.
        let indices = GrayPlane.nearestSourceIndices(source: 36, destination: 224)
        #expect(indices[168] == 26)
        #expect(indices[167] == 26)
        #expect(indices[1] == 0)
        #expect(indices[223] == 35)
        // 500 -> 224: x = 56 reads 125 (no rounding trap there), x = 223 reads floor(497.77) = 497.
        let wide = GrayPlane.nearestSourceIndices(source: 500, destination: 224)
        #expect(wide[56] == 125)
        #expect(wide[223] == 497)
        // Upsampling 2 -> 4 repeats each source pixel twice: [0, 0, 1, 1].
        #expect(GrayPlane.nearestSourceIndices(source: 2, destination: 4) == [0, 0, 1, 1])
    }

    @Test func instancesIgnoreAndBackgroundCombine() {
        // 2x2 planes upsampled to 4x4 (each source pixel -> a 2x2 block).
        // Instance 1: top-left 200; instance 2: bottom-right 1 (any non-zero is foreground).
        // Ignore: the whole top row of the source (top-left is foreground, so only top-right ignored).
        let first = GrayPlane(width: 2, height: 2, pixels: [200, 0, 0, 0])
        let second = GrayPlane(width: 2, height: 2, pixels: [0, 0, 0, 1])
        let ignore = GrayPlane(width: 2, height: 2, pixels: [255, 255, 0, 0])
        let mask = GroundTruthMask.combining(instances: [first, second], ignore: ignore, width: 4, height: 4)
        #expect(mask.labels == [1, 1, 255, 255,
                                1, 1, 255, 255,
                                0, 0, 1, 1,
                                0, 0, 1, 1])
    }
}
