import Foundation
import Testing
import TensorDistributed
import TensorCore
import TensorNN
import TensorTestSupport
@testable import WSOLModels

/// CI-CAM's network pieces, the layer interventions they rely on, and KD-CI-CAM's terms.
@Suite struct CICAMModelTests {
    func images(_ count: Int, side: Int = 16, seed: UInt64 = 3) -> Tensor {
        Tensor.randomNormal(shape: [count, 3, side, side], seed: seed)
    }

    /// BN γ = β = 0 at construction: BN(anything) = 0, so the block returns its input exactly.
    @Test func selfAttentionBlockStartsAsIdentity() {
        var generator = RandomGenerator(seed: 1)
        let block = SelfAttentionBlock(channels: 16, using: &generator)
        let x = Tensor.randomNormal(shape: [2, 16, 3, 3], seed: 2)
        #expect(block(x).scalars == x.scalars)
        #expect(block.query.weight.value.shape == [2, 16, 1, 1])
    }

    /// An intervention multiplying block2 by 2 gives, in one pass, the logits of the old two-pass
    /// way (capture block2, then replace it by 2x); captures see the transformed output.
    @Test func interventionEqualsReplacementInOnePass() {
        let model = TinyCAMNet(classCount: 3, width: 4, seed: 5)
        model.eval()
        let input = images(2)
        let (oneP, twoP) = withNoGrad { () -> (ClassifierOutput, ClassifierOutput) in
            let block2 = model.forward(input, capture: ["block2"]).features["block2"]!
            let doubled = LayerIntervention(layer: "block2") { $0 * 2 }
            return (model.forward(input, capture: ["block2"], interventions: [doubled]),
                    model.forward(input, capture: ["block2"], replacing: (layer: "block2", value: block2 * 2)))
        }
        #expect(oneP.logits.scalars == twoP.logits.scalars)
        #expect(oneP.features["block2"]!.scalars == twoP.features["block2"]!.scalars)
    }

    /// The wrapper: attention channels and pool size from the probe (tiny width 4 at 16 px: block2
    /// 8 channels at 4x4, block3 16 channels at 4x4); mean over positions of each up CAM equals
    /// the up logit minus the bias (GAP is linear); a fresh model's blocks are identities, so the
    /// up logits equal the plain backbone's.
    @Test func modelBranchesAndProbe() throws {
        let backbone = TinyCAMNet(classCount: 3, width: 4, seed: 5)
        var options = CICAMOptions()
        options.inputSize = 16
        let model = try CICAMTraining.makeModel(backbone, options: options)
        #expect(model.attentionLayers == ["block2", "block3"])
        #expect(model.attentionBlocks.map { $0.value.weight.value.shape[0] } == [8, 16])
        #expect(model.mapSize.0 == 4 && model.mapSize.1 == 4)
        model.eval()
        let input = images(2)
        let result = withNoGrad { model.branches(input) }
        let plain = withNoGrad { backbone(input) }
        expectClose(result.upLogits.scalars, plain.scalars, rtol: 1e-5, atol: 1e-5)
        let meanCAM = result.upCAMs.mean(axes: [2, 3]).scalars
        let bias = backbone.fc.bias!.value.scalars
        expectClose(meanCAM, (0..<6).map { result.upLogits.scalars[$0] - bias[$0 % 3] }, rtol: 1e-4, atol: 1e-5)
        #expect(result.downCAMs.shape == [2, 3, 4, 4])
        #expect(model.nativeMaps(input, classes: [0, 1]).shape == [2, 1, 4, 4])
    }

    /// The pool is a buffer of the model: updated by a training step of correctly classified
    /// samples, saved in the state dict and restored by loading it into a fresh model.
    @Test func poolIsUpdatedSavedAndRestored() throws {
        var options = CICAMOptions()
        options.inputSize = 16
        options.updateRate = 0.5
        let model = try CICAMTraining.makeModel(TinyCAMNet(classCount: 3, width: 4, seed: 5), options: options)
        let input = images(4)
        let predicted = withNoGrad { model.branches(input).upLogits.argmax(axis: 1) }
        var random = RandomGenerator(seed: 0)
        let method = CICAMTraining(options: options)
        let output = method.step(model: model, batch: TrainingBatch(images: input, labels: predicted), random: &random)
        #expect(output.loss.scalar.isFinite)
        // The update waits for synchronize (after the optimizer step), then applies.
        #expect(model.contextPool.value.scalars.allSatisfy { $0 == 0 })
        method.synchronize(using: SingleProcessCommunicator())
        let pool = model.contextPool.value.scalars
        #expect(pool.contains { $0 != 0 })
        let state = model.stateDict()
        #expect(state.names.contains("context_pool"))
        #expect(!model.trainableParameters().contains { $0 === model.contextPool })
        let fresh = try CICAMTraining.makeModel(TinyCAMNet(classCount: 3, width: 4, seed: 9), options: options)
        try fresh.loadStateDict(state, strict: true)
        #expect(fresh.contextPool.value.scalars == pool)
    }

    /// Under data-parallel training the ranks' raw batch sums are added before the (non-linear)
    /// update: the pool equals one update from the summed contributions.
    @Test func poolUpdateSumsTheRanksContributions() throws {
        var options = CICAMOptions()
        options.inputSize = 16
        options.updateRate = 0.5
        let model = try CICAMTraining.makeModel(TinyCAMNet(classCount: 3, width: 4, seed: 5), options: options)
        let reference = try CICAMTraining.makeModel(TinyCAMNet(classCount: 3, width: 4, seed: 5), options: options)
        let input = images(4)
        let branches = withNoGrad { model.branches(input) }
        let predicted = branches.upLogits.argmax(axis: 1)
        let own = model.poolBatchSum(upCAMs: branches.upCAMs, upLogits: branches.upLogits, labels: predicted)
        let peer = own.indices.map { Float($0 % 7) - 3 }   // another rank's sum
        let method = CICAMTraining(options: options)
        var random = RandomGenerator(seed: 0)
        _ = method.step(model: model, batch: TrainingBatch(images: input, labels: predicted), random: &random)
        method.synchronize(using: KnownPeerCommunicator(peer: [], peerFloats: peer))
        reference.applyPoolUpdate(batchSum: zip(own, peer).map { $0 + $1 }, rate: 0.5)
        expectClose(model.contextPool.value.scalars, reference.contextPool.value.scalars, atol: 1e-5)
    }

    /// CI-CAM's VGG16: LeakyReLU(0.2) after every conv; the default attention layers are the
    /// official places: after pool2 (`features.9`), pool3 (16), pool4 (23) and conv5_3's activation (29).
    @Test func leakyVGGAndItsAttentionPlaces() throws {
        let model = try #require(ModelZoo.build(.vgg16CAMLeaky, options: ModelOptions(classCount: 2, randomInit: false)) as? VGG16CAM)
        #expect(model.leakySlope == 0.2)
        let names = model.features.layers.compactMap { ($0 as? Activation)?.name }
        #expect(names.filter { $0 == "LeakyReLU" }.count == 13 && !names.contains("ReLU"))
        let places = CICAMTraining.defaultAttentionLayers(for: model)
        #expect(places == ["features.9", "features.16", "features.23", "features.29"])
        let kinds = places.map { name in (model.features.layers[Int(name.dropFirst("features.".count))!] as? Activation)?.name }
        #expect(kinds == ["MaxPool2d", "MaxPool2d", "MaxPool2d", "LeakyReLU"])
        // Negative inputs pass at 0.2: one LeakyReLU layer on [-1, 2] gives [-0.2, 2].
        let leaky = model.features.layers[1](Tensor(shape: [1, 2, 1, 1], scalars: [-1, 2]))
        expectClose(leaky.scalars, [-0.2, 2])
    }

    /// Backbones without a GAP-linear head and unknown layers are refused with a message.
    @Test func setupErrors() {
        var options = CICAMOptions()
        options.inputSize = 16
        options.attentionLayers = ["block9"]
        #expect(throws: CICAMSetupError.self) { try CICAMTraining.makeModel(TinyCAMNet(classCount: 2, width: 4), options: options) }
    }

    /// Teacher logits (ln 3, 0) → p_t = (3/4, 1/4); student (0, 0) → p_s = (1/2, 1/2).
    /// True KL = 0.75·ln 1.5 + 0.25·ln 0.5 = 0.304099 − 0.173287 = 0.130812 (T = 1). With T = 2 and
    /// teacher (2 ln 3, 0) the tempered distributions are the same, times T² = 4: 0.523248.
    /// Official (probabilities as log-input): Σ p_t (ln p_t − p_s) = 0.75(−0.287682 − 0.5)
    /// + 0.25(−1.386294 − 0.5) = −0.590762 − 0.471574 = −1.062335 (no T²).
    @Test func classificationKDTerms() {
        let student = Tensor(shape: [1, 2], scalars: [0, 0])
        let ln3 = Float(log(3.0))
        let teacher1 = Tensor(shape: [1, 2], scalars: [ln3, 0])
        let teacher2 = Tensor(shape: [1, 2], scalars: [2 * ln3, 0])
        expectClose([KDCICAMTraining.classificationKD(student: student, teacher: teacher1, temperature: 1, compatible: false).scalar],
                    [0.130812], rtol: 1e-5)
        expectClose([KDCICAMTraining.classificationKD(student: student, teacher: teacher2, temperature: 2, compatible: false).scalar],
                    [0.523248], rtol: 1e-5)
        expectClose([KDCICAMTraining.classificationKD(student: student, teacher: teacher2, temperature: 2, compatible: true).scalar],
                    [-1.062335], rtol: 1e-5)
        // Batch mean: two identical rows give the same value.
        let students = Tensor(shape: [2, 2], scalars: [0, 0, 0, 0])
        let teachers = Tensor(shape: [2, 2], scalars: [ln3, 0, ln3, 0])
        expectClose([KDCICAMTraining.classificationKD(student: students, teacher: teachers, temperature: 1, compatible: false).scalar],
                    [0.130812], rtol: 1e-5)
    }

    /// σ(0) = 1/2 for the student; teacher values T·ln 3 give σ(ln 3) = 3/4; half of the elements
    /// differ by 1/4: MSE = (1/2)·(1/16) = 0.03125.
    @Test func localizationKDTerm() {
        let temperature: Float = 15
        let student = Tensor.zeros(shape: [1, 2, 1, 2])
        let t = temperature * Float(log(3.0))
        let teacher = Tensor(shape: [1, 2, 1, 2], scalars: [t, 0, t, 0])
        expectClose([KDCICAMTraining.localizationKD(student: student, teacher: teacher, temperature: temperature).scalar],
                    [0.03125], rtol: 1e-5)
    }

    /// 30 000 draws: each route has probability 1/3, standard error sqrt(2/9/30000) = 0.0027, so
    /// every share lies within 0.0133 (5 sigma) of 1/3; and the draws are reproducible by seed.
    @Test func routesAreUniformAndSeeded() {
        var random = RandomGenerator(seed: 11)
        let routes = KDCICAMTraining.drawRoutes(count: 30_000, random: &random)
        for route in DistillationRoute.allCases {
            let share = Double(routes.filter { $0 == route }.count) / 30_000
            #expect(abs(share - 1.0 / 3) < 0.0133, "route \(route): \(share)")
        }
        var again = RandomGenerator(seed: 11)
        #expect(KDCICAMTraining.drawRoutes(count: 100, random: &again) == Array(routes.prefix(100)))
    }

    /// Crop regions stay inside the image and cover at least minScale of it (up to rounding:
    /// sides are rounded, so the area can fall below by about one row and one column).
    @Test func cropRegionsRespectTheScaleRange() {
        var random = RandomGenerator(seed: 2)
        for _ in 0..<500 {
            let region = KDCICAMTraining.cropRegion(height: 32, width: 32, minScale: 0.5, random: &random)
            #expect(region.top >= 0 && region.left >= 0 && region.top + region.height <= 32 && region.left + region.width <= 32)
            #expect(Float(region.height * region.width) >= 0.5 * 1024 - 33)
        }
    }
}
