//! Identities on a GAP + linear network: Grad-CAM == CAM and DGL vs CAM (methods.md §8.3).
import Foundation
import Testing
import TensorCore
import TensorTestSupport
@testable import WSOLLocalization

@Suite("GAP + linear identities")
struct GAPLinearIdentityTests {
    let model = TinyClassifier(hidden: 6, features: 8, classes: 5)
    let images = tinyImages(2, size: 8)
    let classes = [1, 3]

    func raw(_ method: any LocalizationMethod) throws -> Tensor {
        try Localizer(method: method).rawMaps(model: model, images: images, target: .classes(classes)).maps
    }

    @Test func camIsTheClassifierWeightsOnTheFeatures() throws {
        // CAM[n](i, j) = Σ_d W[c_n, d] · F[n, d, i, j], written out with loops.
        let features = model.forward(images, capture: ["relu2"]).features["relu2"]!
        let weights = model.classifierWeight
        var expected: [Float] = []
        for n in 0..<2 {
            for pixel in 0..<64 {
                var sum: Float = 0
                for d in 0..<8 { sum += weights[classes[n], d] * features[n, d, pixel / 8, pixel % 8] }
                expected.append(sum)
            }
        }
        expectClose(try raw(CAM()).scalars, expected, rtol: 1e-5, atol: 1e-6)
    }

    @Test func gradCAMEqualsCAMOverHW() throws {
        // ∂z_c/∂F_d(i, j) = W[c, d] / (h·w) everywhere, so Grad-CAM = CAM / 64 before ReLU.
        expectClose(try raw(GradCAM()).scalars, try raw(CAM()).scalars.map { $0 / 64 }, rtol: 1e-4, atol: 1e-7)
    }

    @Test func gradCAMEqualsCAMAfterNormalisation() throws {
        // Same post-processing for both (ReLU off, bicubic, min-max): identical maps.
        let steps = Postprocessing(relu: .off)
        let cam = try Localizer(method: CAM(), postprocessing: steps).localize(model: model, images: images, target: .classes(classes))
        let grad = try Localizer(method: GradCAM(), postprocessing: steps).localize(model: model, images: images, target: .classes(classes))
        for n in 0..<2 { expectClose(grad.maps[n][0].values, cam.maps[n][0].values, rtol: 1e-4, atol: 1e-5) }
    }

    @Test func dglOnTheLastLayerIsAnAffineFunctionOfCAM() throws {
        // On relu2 both gradients are constant over pixels: G^c_d = W[c, d]/hw and
        // G^L_d = (sᵀW)_d/hw with s = p - 10·e_c. Whole-tensor L2 norms give
        // Ĝc_d = W[c, d]/(‖W_c‖·√hw), ĜL_d = (sᵀW)_d/(‖sᵀW‖·√hw), so
        // DGL = CAM/(‖W_c‖·√hw·‖F‖) − ⟨W_c, sᵀW⟩/(‖W_c‖·‖sᵀW‖·hw): CAM scaled plus a constant.
        let cam = try raw(CAM()), dgl = try raw(DGL())
        let features = model.forward(images, capture: ["relu2"]).features["relu2"]!
        let logits = model(images)
        let w = model.classifierWeight
        for n in 0..<2 {
            let c = classes[n]
            let row = (0..<5).map { Double(logits[n, $0]) }
            let total = row.map { Foundation.exp($0) }.reduce(0, +)
            let s = (0..<5).map { Foundation.exp(row[$0]) / total - ($0 == c ? 10 : 0) }
            let sW = (0..<8).map { d in (0..<5).reduce(0.0) { $0 + s[$1] * Double(w[$1, d]) } }
            let wc = (0..<8).map { Double(w[c, $0]) }
            let norm: ([Double]) -> Double = { $0.reduce(0) { $0 + $1 * $1 }.squareRoot() }
            let featureNorm = norm(features.sliced(axis: 0, range: n..<(n + 1)).scalars.map(Double.init))
            let scale = 1 / (norm(wc) * 8 * featureNorm)
            let offset = -zip(wc, sW).reduce(0) { $0 + $1.0 * $1.1 } / (norm(wc) * norm(sW) * 64)
            let expected = (0..<64).map { Float(Double(cam[n, 0, $0 / 8, $0 % 8]) * scale + offset) }
            expectClose(dgl.sliced(axis: 0, range: n..<(n + 1)).scalars, expected, rtol: 1e-4, atol: 1e-6)
        }
    }

    @Test func dglEqualsCAMAfterMinMaxOnTheLastLayer() throws {
        let steps = Postprocessing(relu: .off)
        let cam = try Localizer(method: CAM(), postprocessing: steps).localize(model: model, images: images, target: .classes(classes))
        let dgl = try Localizer(method: DGL(), postprocessing: steps).localize(model: model, images: images, target: .classes(classes))
        for n in 0..<2 { expectClose(dgl.maps[n][0].values, cam.maps[n][0].values, rtol: 1e-3, atol: 1e-4) }
    }

    @Test func dglDiffersFromCAMOnAShallowLayer() throws {
        // Off the last layer the gradients vary over pixels: DGL is no longer CAM (sanity check
        // that the identity above is not trivially true).
        let dgl = try Localizer(method: DGL(), layers: ["relu1"], postprocessing: Postprocessing(relu: .off))
            .localize(model: model, images: images, target: .classes(classes))
        let cam = try Localizer(method: CAM(), postprocessing: Postprocessing(relu: .off))
            .localize(model: model, images: images, target: .classes(classes))
        let difference = zip(dgl.maps[0][0].values, cam.maps[0][0].values).map { abs($0 - $1) }.max() ?? 0
        #expect(difference > 0.01)
    }
}
