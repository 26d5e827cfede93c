//! MobileNetV2 (real ImageNet weights) maps against PyTorch goldens; skipped without the asset cache.
import Foundation
import Testing
import TensorCore
import TensorNN
import WSOLModels
@testable import WSOLLocalization

/// The fetched torchvision MobileNetV2 weights (`scripts/fetch-assets`), if present.
/// Tests may read the environment (the library never does): `WSOL_ASSETS` overrides the cache.
func mobileNetV2WeightsPath() -> String? {
    let root = ProcessInfo.processInfo.environment["WSOL_ASSETS"]
        ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/wsolkit").path
    let path = root + "/mobilenet_v2-b0353104.pth"
    return FileManager.default.fileExists(atPath: path) ? path : nil
}

/// The generator's synthetic 224x224 input (cam_golden.py `synthetic_image`), `[1, 3, 224, 224]`:
/// `1.5·exp(-((x-140)² + (y-90)²) / (2·35²)) + 0.5·sin(0.11x + 0.07(c+1)y + c) - 0.3`.
func syntheticGoldenImage(size: Int = 224) -> Tensor {
    var values: [Float] = []
    values.reserveCapacity(3 * size * size)
    for c in 0..<3 {
        for y in 0..<size {
            for x in 0..<size {
                let (dx, dy) = (Double(x) - 140, Double(y) - 90)
                let blob = 1.5 * Foundation.exp(-(dx * dx + dy * dy) / (2 * 35 * 35))
                let stripes = 0.5 * Foundation.sin(0.11 * Double(x) + 0.07 * Double(c + 1) * Double(y) + Double(c))
                values.append(Float(blob + stripes - 0.3))
            }
        }
    }
    return Tensor(shape: [1, 3, size, size], scalars: values)
}

@Suite("MobileNetV2 golden maps", .enabled(if: mobileNetV2WeightsPath() != nil,
                                            "asset cache absent: run scripts/fetch-assets"))
struct MobileNetV2GoldenTests {
    @Test func mapsCorrelateWithPyTorch() throws {
        let weights = try TorchCheckpoint.read(try #require(mobileNetV2WeightsPath()))
        let model = MobileNetV2()
        try model.loadStateDict(weights)
        model.eval()
        let golden = try fixture("cam_mobilenet_v2.safetensors")
        let images = syntheticGoldenImage()
        let expectedLogits = try #require(golden.arrays["logits"]).values
        let expectedClass = expectedLogits.indices.max { expectedLogits[$0] < expectedLogits[$1] }!
        let methodsByLayer = [("features.18", ["cam", "gradcam", "gradcam++", "dgl"]),
                              ("features.13", ["gradcam", "gradcam++", "dgl"])]
        // One recorded forward pass per layer; every method reads it (as the Localizer would).
        for (layer, names) in methodsByLayer {
            let capture = try ForwardCapture(model: model, images: images, layer: layer, recorded: true)
            // Same top-1 class as PyTorch (794 for this input).
            #expect(capture.logits.argmax(axis: 1) == [expectedClass])
            for name in names {
                let expected = try #require(golden.arrays["maps.\(name).\(layer)"])
                let maps = try LocalizationMethods.named(name).rawMaps(capture, classes: [expectedClass])
                #expect(maps.shape == expected.shape)
                let r = correlation(maps.scalars, expected.values)
                #expect(r > 0.999, "\(name) at \(layer): correlation \(r)")
            }
        }
    }
}
