//! The conformance suite every method passes: shape, finite values, range, determinism, targets.
import Testing
import TensorCore
import TensorTestSupport
@testable import WSOLLocalization

@Suite("Conformance of every method")
struct LocalizationConformanceTests {
    /// Every post-hoc method (`native` needs a model with its own map: NativeMapTests).
    static let methodNames = LocalizationMethods.names.filter { $0 != "native" }
    static let gradientFreeOrAnyLayer = methodNames.filter { $0 != "cam" }

    @Test("raw maps have the layer's shape and finite values", arguments: methodNames)
    func rawShapeAndFiniteness(_ name: String) throws {
        let model = TinyClassifier(pooled: true)
        let raw = try Localizer(method: try LocalizationMethods.named(name))
            .rawMaps(model: model, images: tinyImages(3), target: .topPredicted)
        // pooled: 8x8 input -> pool1 4x4 -> relu2 [3, 8, 4, 4]; one map per image.
        #expect(raw.maps.shape == [3, 1, 4, 4])
        #expect(raw.maps.scalars.allSatisfy { $0.isFinite })
        #expect(raw.classes.count == 3 && raw.classes.allSatisfy { $0.count == 1 })
    }

    @Test("final maps are input-sized, in [0, 1], max 1, deterministic", arguments: methodNames)
    func normalisedMapsAndDeterminism(_ name: String) throws {
        let model = TinyClassifier(pooled: true)
        let localizer = Localizer(method: try LocalizationMethods.named(name))
        let first = try localizer.localize(model: model, images: tinyImages(2), target: .topPredicted)
        let second = try localizer.localize(model: model, images: tinyImages(2), target: .topPredicted)
        for n in 0..<2 {
            let map = first.maps[n][0]
            #expect(map.width == 8 && map.height == 8)
            #expect(map.values.allSatisfy { $0 >= 0 && $0 <= 1 })
            // Min-max of a non-constant map reaches exactly 1 (a constant map gives zeros).
            #expect(map.values.max() == 1 || map.values.allSatisfy { $0 == 0 })
            #expect(map == second.maps[n][0])
        }
    }

    @Test("every method except CAM works on a shallow layer", arguments: gradientFreeOrAnyLayer)
    func shallowLayer(_ name: String) throws {
        let raw = try Localizer(method: try LocalizationMethods.named(name), layers: ["relu1"])
            .rawMaps(model: TinyClassifier(pooled: true), images: tinyImages(2), target: .topPredicted)
        #expect(raw.maps.shape == [2, 1, 8, 8])
        #expect(raw.maps.scalars.allSatisfy { $0.isFinite })
    }

    @Test func camRefusesOtherLayersAndHeads() throws {
        let onShallow = Localizer(method: CAM(), layers: ["relu1"])
        #expect(throws: LocalizationError.requiresGAPLinear(method: "cam", layer: "relu1")) {
            try onShallow.rawMaps(model: TinyClassifier(), images: tinyImages(1), target: .topPredicted)
        }
        #expect(throws: LocalizationError.requiresGAPLinear(method: "cam", layer: "conv")) {
            try Localizer(method: CAM()).rawMaps(model: FlattenHeadClassifier(), images: tinyImages(1, size: 4),
                                                 target: .topPredicted)
        }
    }

    @Test func topKGivesKMapsForTheBestClassesInOrder() throws {
        let model = TinyClassifier()
        let images = tinyImages(2)
        let result = try Localizer(method: GradCAM()).localize(model: model, images: images, target: .topK(3))
        let logits = model(images)
        for n in 0..<2 {
            #expect(result.maps[n].count == 3)
            let scores = result.classes[n].map { logits[n, $0] }
            #expect(scores == scores.sorted(by: >))
            #expect(result.classes[n][0] == logits.argmax(axis: 1)[n])
        }
    }

    @Test func batchedMapsEqualSingleImageMaps() throws {
        let model = TinyClassifier()
        let images = tinyImages(3)
        for method in [GradCAM(), DGL()] as [any LocalizationMethod] {
            let batch = try Localizer(method: method).rawMaps(model: model, images: images, target: .classes([0, 1, 2]))
            for n in 0..<3 {
                let single = try Localizer(method: method).rawMaps(
                    model: model, images: images.sliced(axis: 0, range: n..<(n + 1)), target: .classes([n]))
                expectClose(batch.maps.sliced(axis: 0, range: n..<(n + 1)).scalars, single.maps.scalars,
                            rtol: 1e-4, atol: 1e-6, "\(method.name) image \(n)")
            }
        }
    }

    @Test func targetErrorsAreThrownNotCrashes() throws {
        let localizer = Localizer(method: GradCAM())
        let model = TinyClassifier()
        #expect(throws: LocalizationError.classOutOfRange(9, classCount: 5)) {
            try localizer.rawMaps(model: model, images: tinyImages(1), target: .classes([9]))
        }
        #expect(throws: LocalizationError.classCountMismatch(images: 2, classes: 1)) {
            try localizer.rawMaps(model: model, images: tinyImages(2), target: .classes([0]))
        }
        #expect(throws: LocalizationError.invalidTopK(6, classCount: 5)) {
            try localizer.rawMaps(model: model, images: tinyImages(1), target: .topK(6))
        }
        #expect(throws: LocalizationError.self) {
            try Localizer(method: GradCAM(), layers: ["nope"]).rawMaps(model: model, images: tinyImages(1), target: .topPredicted)
        }
        model.isTraining = true
        #expect(throws: LocalizationError.modelInTrainingMode) {
            try localizer.rawMaps(model: model, images: tinyImages(1), target: .topPredicted)
        }
    }

    @Test func methodsAreFoundByName() throws {
        #expect(try LocalizationMethods.named("GradCAM++").name == "gradcam++")
        #expect(LocalizationMethods.names.count == 14)
        #expect(throws: LocalizationError.self) { try LocalizationMethods.named("fullgrad") }
    }
}
