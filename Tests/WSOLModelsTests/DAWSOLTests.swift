import Testing
import TensorCore
import TensorNN
import TensorTestSupport
@testable import WSOLModels

@Suite struct DAWSOLMMDTests {
    /// One image, n = 2, D = 1: S = {0, 1}, T = {2, 3}. Over Z = {0, 1, 2, 3} the ordered pairs'
    /// squared distances sum to 2·(1 + 4 + 9 + 1 + 4 + 1) = 40, so β = 40 / (16 − 4) / 4 = 5/6 and
    /// K(d) = Σ_{q=0}^{4} exp(−1.2·d / 2^q). Both terms j = 0, 1 are K(1) + K(1) − K(9) − K(1):
    /// MMD² = K(1) − K(9) = 3.3792755 − 0.8401392 = 2.5391364.
    @Test func linearTimeEstimatorMatchesHandValue() {
        let source = Tensor(shape: [1, 2, 1], scalars: [0, 1])
        let target = Tensor(shape: [1, 2, 1], scalars: [2, 3])
        #expect(DomainAlignmentLoss.bandwidths(source: source, target: target) == [Float(5.0 / 6.0)])
        expectClose([DomainAlignmentLoss.linearTimeMMD(source: source, target: target).scalar], [2.5391364], rtol: 1e-5)
    }

    /// Two images are averaged: the first as above (2.5391364); the second has S = T = {0, 1}, where
    /// every term is K(1) + K(1) − K(1) − K(1) = 0. Mean: 1.2695682.
    @Test func imagesAreAveraged() {
        let source = Tensor(shape: [2, 2, 1], scalars: [0, 1, 0, 1])
        let target = Tensor(shape: [2, 2, 1], scalars: [2, 3, 0, 1])
        expectClose([DomainAlignmentLoss.linearTimeMMD(source: source, target: target).scalar], [1.2695682], rtol: 1e-5)
    }

    /// The bandwidth is detached: the gradient is the one with β held at 5/6. For S, T as in the
    /// first test, t_1 = 3 enters +K((t_1 − t_0)²) twice (j = 0, 1; dd/dt_1 = 2) and −K((s_0 − t_1)²)
    /// twice (dd/dt_1 = 6), over n = 2: dMMD/dt_1 = 2·K'(1) − 6·K'(9) with
    /// K'(d) = −Σ_q (1.2/2^q)·exp(−1.2·d/2^q): K'(1) = −1.1116525, K'(9) = −0.0999689, so
    /// dMMD/dt_1 = −2.2233049 + 0.5998131 = −1.6234918 (a β that followed the samples would add
    /// its own term).
    @Test func gradientTreatsBandwidthAsConstant() {
        let source = Tensor(shape: [1, 2, 1], scalars: [0, 1]).requiringGradient()
        let target = Tensor(shape: [1, 2, 1], scalars: [2, 3]).requiringGradient()
        let loss = DomainAlignmentLoss.linearTimeMMD(source: source, target: target)
        let grads = gradients(of: loss, wrt: [target])
        expectClose([grads[0].scalars[1]], [-1.6234918], rtol: 1e-4)
    }

    @Test func noValidImageGivesZero() {
        let empty = Tensor.zeros(shape: [0, 4, 3])
        #expect(DomainAlignmentLoss.linearTimeMMD(source: empty, target: empty).scalar == 0)
    }
}

@Suite struct DAWSOLGradientReversalTests {
    /// Forward: the identity. Backward: d(Σ w·GRL(x))/dx = −λ·w; with λ = 0.25 and w = (1, −2, 3)
    /// the gradient is (−0.25, 0.5, −0.75).
    @Test func reversesAndScalesTheGradient() {
        let x = Tensor(shape: [3], scalars: [0.5, -1, 2]).requiringGradient()
        let y = DomainAlignmentLoss.reversingGradient(x, coefficient: 0.25)
        #expect(y.scalars == [0.5, -1, 2])
        let weights = Tensor(shape: [3], scalars: [1, -2, 3])
        let grads = gradients(of: (y * weights).sum(), wrt: [x])
        expectClose(grads[0].scalars, [-0.25, 0.5, -0.75])
    }

    /// 2/(1 + e^−p) − 1: 0 at p = 0, 0.4621172 at p = 1 (no ×10 in the exponent).
    @Test func coefficientSchedule() {
        #expect(DomainAlignmentLoss.reversalCoefficient(progress: 0) == 0)
        expectClose([DomainAlignmentLoss.reversalCoefficient(progress: 1)], [0.4621172])
    }

    /// Logits 0 on both sides: each BCE is ln 2, the loss ½(ln 2 + ln 2) = 0.6931472. A discriminator
    /// right on both sides (source logit +20, target −20) has a loss near 0.
    @Test func adversarialLoss() {
        let zero = Tensor.zeros(shape: [4, 1])
        expectClose([DomainAlignmentLoss.adversarialLoss(sourceLogits: zero, targetLogits: zero).scalar], [0.6931472])
        let right = DomainAlignmentLoss.adversarialLoss(sourceLogits: Tensor(repeating: 20, shape: [4, 1]),
                                                         targetLogits: Tensor(repeating: -20, shape: [4, 1]))
        #expect(right.scalar < 1e-6)
    }
}

@Suite struct DAWSOLKMeansTests {
    /// Two images, the same 6 points in 2-D (three pairs around (0, 0), (10, 0), (0, 10)), seeded
    /// with centroids near the pairs in two different orders: the labels follow the seeds' order
    /// and the centroids are the pair means.
    @Test func fixedSeedsDecideTheClusterOrder() {
        let pair: [Float] = [0, 0, 0, 1, 10, 0, 10, 1, 0, 10, 0, 11]
        let points = Tensor(shape: [2, 6, 2], scalars: pair + pair)
        let seeds = Tensor(shape: [2, 3, 2], scalars: [1, 1, 9, 1, 1, 9, /* image 1 */ 1, 9, 1, 1, 9, 1])
        let result = BatchedKMeans.run(points: points, initialCentroids: seeds)
        #expect(result.labels == [0, 0, 1, 1, 2, 2, /* image 1 */ 1, 1, 2, 2, 0, 0])
        expectClose(result.centroids, [0, 0.5, 10, 0.5, 0, 10.5, /* image 1 */ 0, 10.5, 0, 0.5, 10, 0.5])
    }

    /// An empty cluster moves onto the point farthest from its centroid (scikit-learn). Points
    /// (0,0), (0,1), (0,2), (10,0), (10,1), (10,1.5); seeds (0,0.5), (100,100), (10,0.5).
    /// Iteration 1: labels 0,0,0,2,2,2; cluster 1 is empty; the distances to the own centroid are
    /// 0.25, 0.25, 2.25, 0.25, 0.25, 1, so (0,2) becomes centroid 1, centroid 0 = (0, 0.5) and
    /// centroid 2 = (10, 2.5/3 = 0.8333). Iteration 2: labels 0,0,1,2,2,2; the centroids do not
    /// move (shift 0 <= tolerance), so the run stops there with those labels.
    @Test func emptyClusterIsRelocated() {
        let points = Tensor(shape: [1, 6, 2], scalars: [0, 0, 0, 1, 0, 2, 10, 0, 10, 1, 10, 1.5])
        let seeds = Tensor(shape: [1, 3, 2], scalars: [0, 0.5, 100, 100, 10, 0.5])
        let result = BatchedKMeans.run(points: points, initialCentroids: seeds)
        #expect(result.labels == [0, 0, 1, 2, 2, 2])
        expectClose(result.centroids, [0, 0.5, 0, 2, 10, 0.8333333])
        #expect(result.iterations == [2])
    }
}

@Suite struct DAWSOLAssignerTests {
    /// Cumulative means, checked on the memory directly (K = 2, D = 2).
    /// Seed: class 1 first seen with z = (4, 2): M_1 = (4, 2), r_1 = 1.
    /// Update 1 (label 1, c_0 = (1, 1), c_1 = (6, 4)): r_1 = 2, M_1 = (4, 2)/2 + (6, 4)/2 = (5, 3);
    /// r_u = 1, M_u = (1, 1).
    /// Update 2 (labels [1, 0]): image 0 (c_0 = (3, 3), c_1 = (2, 0)): r_1 = 3,
    /// M_1 = (5, 3)·2/3 + (2, 0)/3 = (4, 2); r_u = 2, M_u = (1, 1)/2 + (3, 3)/2 = (2, 2).
    /// Image 1 (c_0 = (0, 3), c_1 = (8, 8)): r_0 = 1, M_0 = (8, 8); r_u = 3,
    /// M_u = (2, 2)·2/3 + (0, 3)/3 = (1.3333, 2.3333).
    @Test func memoryUpdateArithmetic() {
        let assigner = TargetSampleAssigner(classCount: 2, featureCount: 2)
        assigner.seedNewClasses(images: [4, 2], labels: [1])
        #expect(assigner.classAnchors == [0, 0, 4, 2] && assigner.classCounts == [0, 1])
        assigner.updateMemory(centroids: [1, 1, 6, 4, 0, 0], labels: [1])
        expectClose(assigner.classAnchors, [0, 0, 5, 3])
        expectClose(assigner.universumAnchor, [1, 1])
        assigner.updateMemory(centroids: [3, 3, 2, 0, 9, 9, /* image 1 */ 0, 3, 8, 8, 9, 9], labels: [1, 0])
        expectClose(assigner.classAnchors, [8, 8, 4, 2])
        expectClose(assigner.universumAnchor, [1.3333333, 2.3333333])
        #expect(assigner.classCounts == [1, 3] && assigner.universumCount == 3)
    }

    /// One image, D = 1, pixels (1, 1, 4, 5, 10, 11) on a 2x3 map, z = 32/6 = 5.3333, memory
    /// M_u = 0 (r_u 0), M_0 = 10 (r_0 5). Seeds [0, 5.33, 10]: labels 0,0,1,1,2,2, centroids
    /// 1, 4.5, 10.5 (the second iteration repeats the labels). Memory: r_0 = 6,
    /// M_0 = 10·5/6 + 4.5/6 = 9.0833333; r_u = 1, M_u = 1. With n = 2 the image is valid
    /// (|T^t| = 2 >= 2, |T^f| = 2 >= 1): 1 source pixel of {2, 3}, the target pixels {4, 5}.
    @Test func assignsSamplesAndUpdatesMemory() throws {
        let assigner = TargetSampleAssigner(classCount: 1, featureCount: 1, sampleCount: 2)
        try assigner.loadStateArrays(["anchors": NamedArray(shape: [2, 1], values: [0, 10]),
                                      "counts": NamedArray(shape: [2], values: [0, 5])])
        let features = Tensor(shape: [1, 1, 2, 3], scalars: [1, 1, 4, 5, 10, 11])
        var random = RandomGenerator(seed: 3)
        let result = assigner.assign(pixelFeatures: features, imageFeatures: features.mean(axes: [2, 3]),
                                     labels: [0], random: &random)
        #expect(result.labels == [0, 0, 1, 1, 2, 2])
        #expect(result.samples.count == 1)
        #expect(result.samples.first.map { $0.source.count == 1 && [2, 3].contains($0.source[0]) } == true)
        #expect(result.samples.first.map { Set($0.target) == [4, 5] } == true)
        expectClose(assigner.classAnchors, [9.0833333])
        expectClose(assigner.universumAnchor, [1])
        #expect(assigner.classCounts == [6] && assigner.universumCount == 1)
    }

    /// Same image with n = 3: |T^t| = 2 < 3, so the image is skipped for L_d (the memory still updates).
    @Test func imageWithTooFewPixelsIsSkipped() throws {
        let assigner = TargetSampleAssigner(classCount: 1, featureCount: 1, sampleCount: 3)
        try assigner.loadStateArrays(["anchors": NamedArray(shape: [2, 1], values: [0, 10]),
                                      "counts": NamedArray(shape: [2], values: [0, 5])])
        let features = Tensor(shape: [1, 1, 2, 3], scalars: [1, 1, 4, 5, 10, 11])
        var random = RandomGenerator(seed: 3)
        let result = assigner.assign(pixelFeatures: features, imageFeatures: features.mean(axes: [2, 3]),
                                     labels: [0], random: &random)
        #expect(result.samples.isEmpty)
        #expect(assigner.classCounts == [6])
    }

    @Test func memoryOfTheWrongShapeIsRefused() {
        let assigner = TargetSampleAssigner(classCount: 2, featureCount: 3)
        #expect(throws: StateDictError.self) {
            try assigner.loadStateArrays(["anchors": NamedArray(shape: [2, 3], values: [Float](repeating: 0, count: 6)),
                                          "counts": NamedArray(shape: [2], values: [0, 0])])
        }
    }
}

@Suite struct DAWSOLModelTests {
    /// Features D = 2 on a 1x3 map: channel 0 = (1, 2, 3), channel 1 = (0, 1, 1); class 0 has
    /// W = (1, −1), b = 5: CAM = (6, 6, 7) -> min-max (0, 0, 1). Class 1 has W = (0, 0): constant -> zeros.
    @Test func perClassMinMaxMap() {
        let features = Tensor(shape: [2, 2, 1, 3], scalars: [1, 2, 3, 0, 1, 1, 1, 2, 3, 0, 1, 1])
        let weight = Tensor(shape: [2, 2], scalars: [1, -1, 0, 0])
        let bias = Tensor(shape: [2], scalars: [5, 1])
        let maps = DomainAdaptiveClassifier.normalizedClassMaps(features: features, weight: weight, bias: bias, classes: [0, 1])
        #expect(maps.shape == [2, 1, 1, 3])
        #expect(maps.scalars == [0, 0, 1, 0, 0, 0])
    }

    /// L_u = mean of the T^u entries: features D = 2 on 1x2 maps, image 0 (1, 2 | 3, 4), image 1
    /// (5, 6 | 7, 8); clusters (0, 1 | 2, 0): T^u = pixel 0 of image 0 (1, 3) and pixel 1 of image 1
    /// (6, 8): (1 + 3 + 6 + 8) / 4 = 4.5.
    @Test func universumLossIsTheMeanOfItsFeatures() {
        let method = DAWSOLTraining(base: VanillaCAMTraining())
        let features = Tensor(shape: [2, 2, 1, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(method.universumLoss(features: features, clusters: [0, 1, 2, 0]).scalar == 4.5)
        #expect(method.universumLoss(features: features, clusters: [1, 1, 2, 2]).scalar == 0)
    }

    /// The wrapper keeps the backbone's parameter names, adds the DANN discriminator at the fast rate
    /// and needs a GAP-linear backbone.
    @Test func wrapperNamesAndGroups() throws {
        let method = DAWSOLTraining(base: VanillaCAMTraining(), alignment: .dann)
        let backbone = TinyCAMNet(classCount: 3, width: 4)
        let model = try method.prepareModel(backbone)
        let names = model.namedParameters().map(\.0)
        #expect(names == backbone.namedParameters().map(\.0) + ["domain_discriminator.weight", "domain_discriminator.bias"])
        let adaptive = try #require(model as? DomainAdaptiveClassifier)
        #expect(adaptive.isFastParameter(named: "domain_discriminator.weight"))
        #expect(method.assigner?.featureCount == 16 && method.assigner?.classCount == 3)
        #expect(throws: StateDictError.self) { try method.prepareModel(PlainStub()) }
    }
}

/// A classifier without a GAP-linear head (DA-WSOL refuses it).
private final class PlainStub: FeatureMapClassifier {
    var isTraining = true
    var featureLayerNames: [String] { ["x"] }
    var defaultCAMLayer: String { "x" }
    var classCount: Int { 2 }
    func forward(_ input: Tensor, capture: Set<String>, replacing: (layer: String, value: Tensor)?) -> ClassifierOutput {
        ClassifierOutput(logits: .zeros(shape: [input.shape[0], 2]), features: [:])
    }
}

@Suite struct DAWSOLBaseMethodTests {
    /// One adapting step (epoch 1 > startEpoch 0) over each base method on a width-4 tiny network
    /// (32 px: 8x8 CAM layer), 4 images: the loss is finite; the TSA ran once per image, and twice
    /// with CutMix (once per label set, as the official code), so r_u = 4 or 8. In epoch 0 nothing runs.
    @Test(arguments: ["cam", "has", "adl", "cutmix"])
    func adaptingStepRunsOverTheBaseMethod(_ baseName: String) throws {
        let base: any WSOLTrainingMethod = switch baseName {
        case "has": HideAndSeekTraining()
        case "adl": AttentionDropoutTraining()
        case "cutmix": CutMixTraining()
        default: VanillaCAMTraining()
        }
        let method = DAWSOLTraining(base: base, sampleCount: 4)
        let model = try method.prepareModel(TinyCAMNet(classCount: 3, width: 4, seed: 1))
        let batch = TrainingBatch(images: Tensor.randomNormal(shape: [4, 3, 32, 32], seed: 2), labels: [0, 1, 2, 1])
        var random = RandomGenerator(seed: 9)
        method.prepareStep(at: TrainingPosition(epoch: 0, epochs: 2, globalStep: 0, totalSteps: 2))
        _ = method.step(model: model, batch: batch, random: &random)
        #expect(method.assigner?.universumCount == 0)
        method.prepareStep(at: TrainingPosition(epoch: 1, epochs: 2, globalStep: 1, totalSteps: 2))
        let output = method.step(model: model, batch: batch, random: &random)
        #expect(output.loss.scalar.isFinite && output.logits.shape == [4, 3])
        #expect(method.assigner?.universumCount == (baseName == "cutmix" ? 8 : 4))
    }
}
