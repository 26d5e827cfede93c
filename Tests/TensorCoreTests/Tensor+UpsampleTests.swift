import Foundation
import Testing
import TensorCore
import TensorTestSupport

/// One `cv2.resize` case from Fixtures/upsample_cv2.json (scripts/fixtures/core_upsample.py).
struct UpsampleFixtureCase: Decodable, Sendable, CustomTestStringConvertible {
    var method: String
    var inputHeight: Int
    var inputWidth: Int
    var outputHeight: Int
    var outputWidth: Int
    var input: [Float]
    var output: [Float]

    var testDescription: String { "\(method) \(inputHeight)x\(inputWidth)->\(outputHeight)x\(outputWidth)" }

    var upsampleMethod: UpsampleMethod {
        switch method {
        case "nearest": .nearest
        case "bilinear": .bilinear
        default: .bicubic
        }
    }

    static func load() -> [UpsampleFixtureCase] {
        struct File: Decodable { var cases: [UpsampleFixtureCase] }
        guard let url = Bundle.module.url(forResource: "upsample_cv2", withExtension: "json", subdirectory: "Fixtures"),
              let data = try? Data(contentsOf: url),
              let file = try? JSONDecoder().decode(File.self, from: data) else { return [] }
        return file.cases
    }
}

@Suite struct UpsampleTests {
    @Test func fixturesArePresent() {
        #expect(UpsampleFixtureCase.load().count == 18)
    }

    @Test(arguments: UpsampleFixtureCase.load())
    func matchesOpenCVResize(_ fixture: UpsampleFixtureCase) {
        let x = Tensor(shape: [1, 1, fixture.inputHeight, fixture.inputWidth], scalars: fixture.input)
        let y = upsample(x, height: fixture.outputHeight, width: fixture.outputWidth, method: fixture.upsampleMethod)
        #expect(y.shape == [1, 1, fixture.outputHeight, fixture.outputWidth])
        expectClose(y.scalars, fixture.output, rtol: 1e-5, atol: 2e-6, "\(fixture.testDescription)")
    }

    @Test func bilinearMatchesHandValues() {
        // 1x2 [0, 1] -> 1x4: src x = (dst + 0.5)/2 − 0.5 = −0.25, 0.25, 0.75, 1.25;
        // clamped to [0, 1] positions: 0 (snapped), 0.25, 0.75, 1 (snapped) -> [0, 0.25, 0.75, 1].
        let x = Tensor(shape: [1, 1, 1, 2], scalars: [0, 1])
        #expect(upsample(x, height: 1, width: 4, method: .bilinear).scalars == [0, 0.25, 0.75, 1])
        // Nearest 2 -> 4: floor(dst · 0.5) = 0, 0, 1, 1 (no half-pixel offset).
        #expect(upsample(x, height: 1, width: 4, method: .nearest).scalars == [0, 0, 1, 1])
        // Nearest 3 -> 2: floor(dst · 1.5) = 0, 1.
        let three = Tensor(shape: [1, 1, 1, 3], scalars: [5, 6, 7])
        #expect(upsample(three, height: 1, width: 2, method: .nearest).scalars == [5, 6])
    }

    @Test func bicubicOfAConstantIsTheConstant() {
        // Keys weights sum to 1 and taps are clamped, so a constant map stays constant at borders.
        let x = Tensor(repeating: 3, shape: [1, 2, 3, 3])
        expectClose(upsample(x, height: 7, width: 8, method: .bicubic).scalars, [Float](repeating: 3, count: 2 * 7 * 8))
    }

    @Test func manyPlanesSplitOverCoresMatchOnePlaneAtATime() {
        // 64 planes of 56x56 outputs exceed the parallel grain; each plane must equal the same
        // plane resized alone (which runs serially).
        let x = testTensor([2, 32, 7, 7], seed: 71)
        let batched = upsample(x, height: 56, width: 56, method: .bicubic).scalars
        for plane in [0, 17, 63] {
            let single = x.reshaped(to: [64, 1, 7, 7]).sliced(axis: 0, range: plane..<(plane + 1))
            let alone = upsample(single, height: 56, width: 56, method: .bicubic).scalars
            #expect(Array(batched[(plane * 3136)..<((plane + 1) * 3136)]) == alone)
        }
    }

    @Test func upsamplingPassesGradientChecks() {
        let x = testTensor([2, 1, 3, 4], seed: 70)
        checkGradients({ upsample($0[0], height: 7, width: 9, method: .bicubic) }, at: [x], "bicubic")
        checkGradients({ upsample($0[0], height: 5, width: 6, method: .bilinear) }, at: [x], "bilinear")
        checkGradients({ upsample($0[0], height: 6, width: 8, method: .nearest) }, at: [x], "nearest")
        checkGradients({ upsample($0[0], height: 2, width: 3, method: .bicubic) }, at: [x], "bicubic shrink")
    }
}
