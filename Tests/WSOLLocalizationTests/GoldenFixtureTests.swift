//! Raw maps against plain-PyTorch goldens (scripts/fixtures/cam_golden.py): correlation > 0.999.
import Foundation
import Testing
import TensorCore
import TensorNN
import TensorTestSupport
@testable import WSOLLocalization

/// Pearson correlation of two equally long arrays (float64).
func correlation(_ a: [Float], _ b: [Float]) -> Double {
    let n = Double(a.count)
    let meanA = a.reduce(0.0) { $0 + Double($1) } / n, meanB = b.reduce(0.0) { $0 + Double($1) } / n
    var covariance = 0.0, varianceA = 0.0, varianceB = 0.0
    for (x, y) in zip(a, b) {
        let (dx, dy) = (Double(x) - meanA, Double(y) - meanB)
        covariance += dx * dy; varianceA += dx * dx; varianceB += dy * dy
    }
    return covariance / (varianceA * varianceB).squareRoot()
}

/// Reads a fixture of this test target.
func fixture(_ name: String) throws -> SafeTensorsFile {
    guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil) else {
        throw LocalizationError.invalidOption("missing fixture \(name)")
    }
    return try SafeTensors.read(url.path)
}

@Suite("Golden maps from PyTorch")
struct GoldenFixtureTests {
    static let cases: [(method: String, layer: String)] = [
        ("cam", "relu2"), ("gradcam", "relu2"), ("gradcam++", "relu2"), ("xgradcam", "relu2"),
        ("hirescam", "relu2"), ("layercam", "relu2"), ("dgl", "relu2"),
        ("gradcam", "relu1"), ("gradcam++", "relu1"), ("xgradcam", "relu1"), ("hirescam", "relu1"),
        ("layercam", "relu1"), ("dgl", "relu1"),
    ]

    @Test("small CNN maps correlate > 0.999 with PyTorch", arguments: cases.indices)
    func smallCNN(_ index: Int) throws {
        let (methodName, layer) = Self.cases[index]
        let file = try fixture("cam_small_cnn.safetensors")
        // conv1 3->8, pool, conv2 8->16, fc 16->10 as in the generator.
        let model = TinyClassifier(hidden: 8, features: 16, classes: 10, pooled: true)
        try model.loadStateDict(file, strict: false)
        let input = try #require(file.arrays["input"])
        let images = Tensor(shape: input.shape, scalars: input.values)
        let logits = model(images)
        expectClose(logits.scalars, try #require(file.arrays["logits"]).values, rtol: 1e-4, atol: 1e-5)

        let expected = try #require(file.arrays["maps.\(methodName).\(layer)"])
        let raw = try Localizer(method: try LocalizationMethods.named(methodName), layers: [layer])
            .rawMaps(model: model, images: images, target: .topPredicted)
        #expect(raw.maps.shape == expected.shape)
        let r = correlation(raw.maps.scalars, expected.values)
        #expect(r > 0.999, "\(methodName) at \(layer): correlation \(r)")
        expectClose(raw.maps.scalars, expected.values, rtol: 1e-3, atol: 1e-5, "\(methodName) at \(layer)")
    }
}
