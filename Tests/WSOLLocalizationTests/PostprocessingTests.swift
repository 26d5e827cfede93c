//! Post-processing steps: ReLU choice, upsampling, normalisation, closing; fusion in the Localizer.
import Testing
import TensorCore
import TensorTestSupport
@testable import WSOLLocalization

@Suite("Post-processing")
struct PostprocessingTests {
    let raw = Tensor(shape: [1, 1, 1, 4], scalars: [-2, 0, 1, 3])

    @Test func minMaxWithoutReLUKeepsNegativeEvidence() {
        // (-2, 0, 1, 3) -> (v + 2) / 5 = (0, 0.4, 0.6, 1).
        let map = Postprocessing(relu: .off).apply(raw, size: MapSize(width: 4, height: 1), methodReLU: true)
        expectClose(map.values, [0, 0.4, 0.6, 1])
    }

    @Test func methodDefaultReLUIsAppliedBeforeMinMax() {
        // ReLU: (0, 0, 1, 3) -> /3 = (0, 0, 0.333, 1).
        let map = Postprocessing().apply(raw, size: MapSize(width: 4, height: 1), methodReLU: true)
        expectClose(map.values, [0, 0, 1.0 / 3, 1])
        let without = Postprocessing().apply(raw, size: MapSize(width: 4, height: 1), methodReLU: false)
        expectClose(without.values, [0, 0.4, 0.6, 1])
    }

    @Test func maxOnlyDividesByTheMaximumAndClipsNegatives() {
        // (-2, 0, 1, 3) / 3 with negatives clipped: (0, 0, 0.333, 1).
        let map = Postprocessing(relu: .off, normalization: .maxOnly).apply(raw, size: MapSize(width: 4, height: 1), methodReLU: false)
        expectClose(map.values, [0, 0, 1.0 / 3, 1])
        let negative = ScoreMap(width: 2, height: 1, values: [-1, -3]).maxOnlyNormalized()
        #expect(negative.values == [0, 0])
    }

    @Test func noNormalisationKeepsRawValues() {
        let map = Postprocessing(relu: .off, normalization: .none).apply(raw, size: MapSize(width: 4, height: 1), methodReLU: false)
        #expect(map.values == [-2, 0, 1, 3])
    }

    @Test func upsamplingReachesTheRequestedSize() {
        // 2x2 -> 4x4 bilinear, half-pixel centres: the row (0, 1) becomes (0, 0.25, 0.75, 1).
        let plane = Tensor(shape: [1, 1, 2, 2], scalars: [0, 1, 0, 1])
        let map = Postprocessing(upsampling: .bilinear, normalization: .none)
            .apply(plane, size: MapSize(width: 4, height: 4), methodReLU: false)
        #expect(map.width == 4 && map.height == 4)
        expectClose(Array(map.values[0..<4]), [0, 0.25, 0.75, 1])
        let bicubic = Postprocessing(normalization: .none).apply(plane, size: MapSize(width: 4, height: 3), methodReLU: false)
        #expect(bicubic.width == 4 && bicubic.height == 3)
    }

    @Test func ellipseKernelMatchesOpenCV() {
        // cv2.getStructuringElement(MORPH_ELLIPSE, (5, 5)) rows are 1, 5, 5, 5, 1 pixels wide.
        let offsets = MorphologicalClosing(kernelSize: 5).offsets
        let widths = (-2...2).map { dy in offsets.filter { $0.dy == dy }.count }
        #expect(widths == [1, 5, 5, 5, 1])
        // (3, 3) gives the cross: rows 1, 3, 1 pixels wide.
        #expect(MorphologicalClosing(kernelSize: 3).offsets.count == 5)
    }

    @Test func closingFillsANarrowGapAndKeepsTheRest() {
        // A 1-pixel dip (0.2) inside a plateau of 1 (columns/rows 2...6 of a 9x9 map) is filled;
        // the 2-pixel zero margin survives (dilation reaches column 7, erosion takes it back).
        var map = ScoreMap(width: 9, height: 9, repeating: 0)
        for y in 2...6 { for x in 2...6 { map[x, y] = 1 } }
        map[4, 4] = 0.2
        let closed = MorphologicalClosing(kernelSize: 3).applied(to: map)
        #expect(closed[4, 4] == 1)
        #expect(closed[0, 0] == 0 && closed[7, 4] == 0 && closed[8, 4] == 0)
        #expect(closed[2, 2] == 1)
    }

    @Test func fusionAveragesLayersAndRenormalises() throws {
        let model = TinyClassifier()
        let images = tinyImages(1)
        let steps = Postprocessing(relu: .off)
        let a = try Localizer(method: GradCAM(), layers: ["relu2"], postprocessing: steps).localize(model: model, images: images, target: .classes([2]))
        let b = try Localizer(method: GradCAM(), layers: ["relu1"], postprocessing: steps).localize(model: model, images: images, target: .classes([2]))
        let fused = try Localizer(method: GradCAM(), layers: ["relu2", "relu1"], postprocessing: steps)
            .localize(model: model, images: images, target: .classes([2]))
        let mean = ScoreMap(width: 8, height: 8, values: zip(a.maps[0][0].values, b.maps[0][0].values).map { ($0 + $1) / 2 })
        expectClose(fused.maps[0][0].values, mean.minMaxNormalized().values, rtol: 1e-5, atol: 1e-6)
    }

    @Test func multiScaleKeepsTheBaseTargetAndOutputSize() throws {
        let model = TinyClassifier()
        let images = tinyImages(2, size: 8)
        let result = try Localizer(method: DGL(), scales: [0.5, 1, 2]).localize(model: model, images: images, target: .topPredicted)
        #expect(result.classes.map { $0[0] } == model(images).argmax(axis: 1))
        #expect(result.maps[1][0].width == 8 && result.maps[1][0].height == 8)
        #expect(result.maps[1][0].values.max() == 1)
        #expect(throws: LocalizationError.self) {
            try Localizer(method: DGL(), scales: [0]).localize(model: model, images: images, target: .topPredicted)
        }
    }

    @Test func scalesWithoutOneAverageOnlyTheGivenScales() throws {
        // scales [0.5, 2]: the mean of the two single-scale maps, normalised again (no scale-1 term).
        let model = TinyClassifier()
        let images = tinyImages(1, size: 8)
        func single(_ scale: Double) throws -> ScoreMap {
            try Localizer(method: GradCAM(), scales: [scale]).localize(model: model, images: images, target: .classes([1])).maps[0][0]
        }
        let (small, large) = (try single(0.5), try single(2))
        let fused = try Localizer(method: GradCAM(), scales: [0.5, 2]).localize(model: model, images: images, target: .classes([1]))
        let mean = ScoreMap(width: 8, height: 8, values: zip(small.values, large.values).map { ($0 + $1) / 2 })
        expectClose(fused.maps[0][0].values, mean.minMaxNormalized().values, rtol: 1e-5, atol: 1e-6)
    }

    @Test func originalSizeOutputsFollowEachImage() throws {
        let result = try Localizer(method: CAM()).localize(
            model: TinyClassifier(), images: tinyImages(2), target: .topPredicted,
            outputSizes: [MapSize(width: 20, height: 10), MapSize(width: 5, height: 7)])
        #expect(result.maps[0][0].width == 20 && result.maps[0][0].height == 10)
        #expect(result.maps[1][0].width == 5 && result.maps[1][0].height == 7)
    }
}
