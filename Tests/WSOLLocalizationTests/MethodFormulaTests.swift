//! Each method's raw map on the hand-worked linear probe (gradients known exactly: g = V[c]).
import Foundation
import Testing
import TensorCore
import TensorTestSupport
@testable import WSOLLocalization

@Suite("Method formulas on a hand-worked example")
struct MethodFormulaTests {
    /// Raw map of `method` for class 0 of ``HandExample``, as a flat array (2 pixels).
    func rawMap(_ method: any LocalizationMethod) throws -> [Float] {
        let localizer = Localizer(method: method, layers: ["input"])
        let result = try localizer.rawMaps(model: HandExample.model, images: HandExample.activation, target: .classes([0]))
        #expect(result.maps.shape == [1, 1, 1, 2])
        return result.maps.scalars
    }

    @Test func gradCAMAveragesTheGradient() throws {
        // α0 = (0.5 - 1) / 2 = -0.25, α1 = (2 + 1) / 2 = 1.5;
        // M = -0.25·(1, 3) + 1.5·(2, 0) = (2.75, -0.75) (ReLU is post-processing).
        expectClose(try rawMap(GradCAM()), [2.75, -0.75])
    }

    @Test func hiResCAMMultipliesElementwise() throws {
        // pixel 0: 0.5·1 + 2·2 = 4.5; pixel 1: -1·3 + 1·0 = -3.
        expectClose(try rawMap(HiResCAM()), [4.5, -3])
    }

    @Test func layerCAMKeepsPositiveGradients() throws {
        // pixel 0: 0.5·1 + 2·2 = 4.5; pixel 1: ReLU(-1)·3 + 1·0 = 0.
        expectClose(try rawMap(LayerCAM()), [4.5, 0])
    }

    @Test func layerCAMTanhRescalesByThePeak() throws {
        // Map as above (4.5, 0); M / max M = (1, 0); tanh(2·1) = 0.96402758, tanh(0) = 0.
        expectClose(try rawMap(LayerCAM.shallowLayer), [0.96402758, 0], rtol: 1e-6)
        // γ = 0.5: tanh(0.5) = 0.46211716.
        expectClose(try rawMap(LayerCAM(tanhScaling: 0.5)), [0.46211716, 0], rtol: 1e-6)
    }

    @Test func layerCAMTanhKeepsZeroMapsAndIsPerImage() {
        // Image 0: (2, 1, 0, -1) -> ReLU (2, 1, 0, 0) / 2 -> tanh(2·(1, 0.5, 0, 0)) = (0.96402758, 0.76159416, 0, 0).
        // Image 1: all zero -> stays zero (no 0/0).
        // Image 2: (0.1, 0.05, 0, 0): the same shape as image 0 at a 20x smaller scale -> same result.
        let maps = Tensor(shape: [3, 1, 2, 2], scalars: [2, 1, 0, -1, 0, 0, 0, 0, 0.1, 0.05, 0, 0])
        let scaled = LayerCAM.tanhRescaled(relu(maps), gamma: 2)
        expectClose(scaled.scalars, [0.96402758, 0.76159416, 0, 0, 0, 0, 0, 0, 0.96402758, 0.76159416, 0, 0], rtol: 1e-6)
    }

    @Test func xGradCAMWeightsByActivationShare() throws {
        // ΣA0 = 4, ΣA1 = 2; w0 = 1/4·0.5 + 3/4·(-1) = -0.625; w1 = 2/2·2 + 0/2·1 = 2;
        // M = -0.625·(1, 3) + 2·(2, 0) = (3.375, -1.875).
        expectClose(try rawMap(XGradCAM()), [3.375, -1.875], rtol: 1e-5)
    }

    @Test func gradCAMPlusPlusClosedForm() throws {
        // Channel 0: g = (0.5, -1), ΣA = 4: a(0.5) = 0.25 / (0.5 + 4·0.125) = 0.25;
        //   g = -1 has ReLU(g) = 0, so w0 = 0.25·0.5 = 0.125.
        // Channel 1: g = (2, 1), ΣA = 2: a(2) = 4 / (8 + 2·8) = 1/6; a(1) = 1 / (2 + 2·1) = 0.25;
        //   w1 = 2/6 + 0.25 = 0.583333.
        // M = 0.125·(1, 3) + 0.583333·(2, 0) = (1.291667, 0.375).
        expectClose(try rawMap(GradCAMPlusPlus()), [1.2916667, 0.375], rtol: 1e-5)
    }

    @Test func ablationCAMUsesRelativeScoreDrops() throws {
        // y = 1.5; zeroing channel 0 removes 0.5·1 - 1·3 = -2.5, channel 1 removes 2·2 + 1·0 = 4;
        // w = (-2.5 / 1.5, 4 / 1.5) = (-1.666667, 2.666667);
        // M = -1.666667·(1, 3) + 2.666667·(2, 0) = (3.666667, -5).
        expectClose(try rawMap(AblationCAM(batchSize: 1)), [3.6666667, -5], rtol: 1e-5)
    }

    @Test func scoreCAMMasksTheInputWithEachChannel() throws {
        // Masks: minmax(1, 3) = (0, 1), minmax(2, 0) = (1, 0).
        // Masked by H0: channel 0 (0, 3), channel 1 (0, 0): score 0.5·0 - 1·3 = -3.
        // Masked by H1: channel 0 (1, 0), channel 1 (2, 0): score 0.5·1 + 2·2 = 4.5.
        // w = softmax(-3, 4.5) = (e^-7.5, 1) / (1 + e^-7.5) = (0.000552779, 0.999447221);
        // M = w0·(1, 3) + w1·(2, 0) = (1.999447221, 0.001658337).
        expectClose(try rawMap(ScoreCAM(batchSize: 2)), [1.999447221, 0.001658337], rtol: 1e-5, atol: 1e-7)
    }

    @Test func eigenCAMProjectsOnTheFirstComponentWithAFixedSign() throws {
        // A: channel 0 = (1, 3), channel 1 = (2, 1). Centred rows (positions × channels):
        // p0 = (-1, 0.5), p1 = (1, -0.5): rank 1, v1 = ±(-1, 0.5)/√1.25, M = ±(√1.25, -√1.25).
        // The channel mean (1.5, 2) grows from p0 to p1, so the sign gives (-1.118034, 1.118034).
        let activation = Tensor(shape: [1, 2, 1, 2], scalars: [1, 3, 2, 1])
        let result = try Localizer(method: EigenCAM(), layers: ["input"])
            .rawMaps(model: HandExample.model, images: activation, target: .topPredicted)
        expectClose(result.maps.scalars, [-1.118034, 1.118034], rtol: 1e-5)
    }

    @Test func eigenCAMWithFewerChannelsThanPositions() throws {
        // C = 1, P = 3: A = (1, 2, 6), centred (-2, -1, 3), v1 = ±1; positively correlated with A.
        let activation = Tensor(shape: [1, 1, 1, 3], scalars: [1, 2, 6])
        let model = LinearProbe(probe: Tensor(shape: [1, 1, 1, 3], scalars: [1, 1, 1]))
        let result = try Localizer(method: EigenCAM(), layers: ["input"])
            .rawMaps(model: model, images: activation, target: .topPredicted)
        expectClose(result.maps.scalars, [-2, -1, 3], rtol: 1e-5, atol: 1e-5)
    }

    @Test func dglLogitGradientIsSoftmaxMinusTenOneHot() {
        // logits (0, ln 3): p = (0.25, 0.75); class 1: p - 10·onehot = (0.25, -9.25).
        // (Autograd of -Σ 10·onehot·log p would give 10p - 10·onehot = (2.5, -2.5): different.)
        let logits = Tensor(shape: [1, 2], scalars: [0, Float(Foundation.log(3.0))])
        expectClose(DGL().lossLogitGradient(logits, classes: [1]).scalars, [0.25, -9.25], rtol: 1e-6)
    }

    @Test func dglFollowsTheSpecOnTheProbe() throws {
        // Independent scalar evaluation of §8.3 for class 0: G^c = V[0]; G^L = Σ_j s_j V[j] with
        // s = softmax(1.5, 1) - 10·e_0; each of A, G^c, G^L divided by its L2 norm over all 4
        // entries; M(i) = Σ_k Ĝc_k(i)·(Â_k(i) - ĜL_k(i)).
        let a: [Double] = [1, 3, 2, 0], v0: [Double] = [0.5, -1, 2, 1], v1: [Double] = [1, 0, 0, 1]
        let e = Foundation.exp(1.5) + Foundation.exp(1.0)
        let s = [Foundation.exp(1.5) / e - 10, Foundation.exp(1.0) / e]
        let gl = (0..<4).map { s[0] * v0[$0] + s[1] * v1[$0] }
        func unit(_ x: [Double]) -> [Double] { let n = x.reduce(0) { $0 + $1 * $1 }.squareRoot(); return x.map { $0 / n } }
        let (ah, gch, glh) = (unit(a), unit(v0), unit(gl))
        // Entries are [channel 0 pixel 0, channel 0 pixel 1, channel 1 pixel 0, channel 1 pixel 1].
        let expected = (0..<2).map { i in
            [i, i + 2].reduce(0.0) { $0 + gch[$1] * (ah[$1] - glh[$1]) }
        }
        expectClose(try rawMap(DGL()), expected.map(Float.init), rtol: 1e-5, atol: 1e-6)
        let g1 = (0..<2).map { i in [i, i + 2].reduce(0.0) { $0 + (ah[$1] + gch[$1]) * gch[$1] } }
        expectClose(try rawMap(DGL(variant: .classGradientOnly)), g1.map(Float.init), rtol: 1e-5, atol: 1e-6)
        let g2 = (0..<2).map { i in [i, i + 2].reduce(0.0) { $0 + (-glh[$1]) * (ah[$1] - glh[$1]) } }
        expectClose(try rawMap(DGL(variant: .lossGradientOnly)), g2.map(Float.init), rtol: 1e-5, atol: 1e-6)
    }

    @Test func dglNormalisesTheWholeTensorNotPerChannel() throws {
        // Scaling one channel of V changes per-channel-normalised results but, with whole-tensor
        // normalisation, scaling the entire probe by 7 must leave DGL's class term unchanged
        // while the loss term changes (p changes): check the class term via SGL-G1, which only
        // sees Ĝc and Â and so is invariant to scaling V.
        let scaled = LinearProbe(probe: HandExample.probe * 7)
        let base = try rawMap(DGL(variant: .classGradientOnly))
        let other = try Localizer(method: DGL(variant: .classGradientOnly), layers: ["input"])
            .rawMaps(model: scaled, images: HandExample.activation, target: .classes([0])).maps.scalars
        expectClose(other, base, rtol: 1e-5)
    }
}
