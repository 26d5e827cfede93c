import Foundation
import Testing
import TensorCore
import TensorTestSupport
@testable import TensorNN

@Suite struct ModuleTests {
    private func tinyNetwork() -> Sequential {
        var generator = RandomGenerator(seed: 7)
        return Sequential(
            Conv2d(3, 4, kernelSize: 3, padding: 1, using: &generator),
            BatchNorm2d(4),
            Activation.relu,
            Activation.globalAveragePool,
            Activation.flatten,
            Linear(inFeatures: 4, outFeatures: 2, using: &generator))
    }

    @Test func parametersAreNamedLikeTorchvision() {
        let names = tinyNetwork().namedParameters().map(\.0)
        #expect(names == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                          "1.num_batches_tracked", "5.weight", "5.bias"])
        // Trainable: conv 4*3*3*3 + 4, BN 4 + 4, linear 2*4 + 2 = 108 + 4 + 8 + 10 = 130.
        #expect(tinyNetwork().trainableParameterCount == 130)
    }

    @Test func defaultInitialisationBoundsFollowFanIn() {
        var generator = RandomGenerator(seed: 1)
        let conv = Conv2d(8, 16, kernelSize: 3, using: &generator)
        // fanIn = 8*3*3 = 72, bound 1/sqrt(72) = 0.11785.
        let bound: Float = 1 / Float(72).squareRoot()
        #expect(conv.weight.value.scalars.allSatisfy { abs($0) <= bound })
        #expect(conv.weight.value.scalars.contains { abs($0) > bound * 0.9 }, "samples spread over the range")
    }

    @Test func stateDictRoundTripsThroughSafetensors() throws {
        let source = tinyNetwork()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sd-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SafeTensors.write(source.stateDict(), to: path)
        var generator = RandomGenerator(seed: 99)
        let target = Sequential(Conv2d(3, 4, kernelSize: 3, padding: 1, using: &generator), BatchNorm2d(4),
                                Activation.relu, Activation.globalAveragePool, Activation.flatten,
                                Linear(inFeatures: 4, outFeatures: 2, using: &generator))
        try target.loadStateDict(try SafeTensors.read(path))
        for ((name, a), (_, b)) in zip(source.namedParameters(), target.namedParameters()) {
            #expect(a.value.scalars == b.value.scalars, "\(name)")
        }
    }

    @Test func wrongShapeNamesTheTensor() {
        var generator = RandomGenerator(seed: 3)
        let model = Sequential(Linear(inFeatures: 4, outFeatures: 2, using: &generator))
        let file = SafeTensorsFile(arrays: [("0.weight", NamedArray(shape: [3, 4], values: [Float](repeating: 0, count: 12))),
                                            ("0.bias", NamedArray(shape: [2], values: [0, 0]))])
        let error = #expect(throws: StateDictError.self) { try model.loadStateDict(file) }
        #expect(error?.description.contains("'0.weight'") == true)
        #expect(error?.description.contains("[3, 4]") == true)
    }

    @Test func strictLoadingReportsMissingAndUnexpectedNames() throws {
        var generator = RandomGenerator(seed: 3)
        let model = Sequential(Linear(inFeatures: 2, outFeatures: 1, using: &generator))
        let file = SafeTensorsFile(arrays: [("0.weight", NamedArray(shape: [1, 2], values: [5, 6])),
                                            ("fc.weight", NamedArray(shape: [1], values: [1]))])
        #expect(throws: StateDictError.self) { try model.loadStateDict(file) }
        let report = try model.loadStateDict(file, strict: false)
        #expect(report.missing == ["0.bias"])
        #expect(report.unexpected == ["fc.weight"])
        #expect(model.namedParameters()[0].1.value.scalars == [5, 6])
    }

    @Test func batchNormUpdatesRunningStatisticsLikePyTorch() {
        // One channel, batch of 4 values 1, 2, 3, 6: mean 3, biased var (4+1+0+9)/4 = 3.5,
        // unbiased 14/3. running_mean = 0.9*0 + 0.1*3 = 0.3; running_var = 0.9*1 + 0.1*14/3 = 1.366667.
        let norm = BatchNorm2d(1)
        let x = Tensor(shape: [4, 1, 1, 1], scalars: [1, 2, 3, 6])
        let y = norm(x)
        expectClose(norm.runningMean.value.scalars, [0.3])
        expectClose(norm.runningVariance.value.scalars, [0.9 + 0.1 * 14 / 3])
        #expect(norm.batchesTracked.value.scalars == [1])
        // Output uses the batch statistics: (1 - 3) / sqrt(3.5 + 1e-5).
        expectClose([y.scalars[0]], [-2 / (3.5 + 1e-5).squareRoot()], rtol: 1e-5)
        norm.eval()
        let evaluated = norm(Tensor(shape: [1, 1, 1, 1], scalars: [1.3]))
        // Eval: (1.3 - 0.3) / sqrt(1.366667 + 1e-5) = 0.855396.
        expectClose(evaluated.scalars, [1 / (0.9 + 0.1 * 14 / 3 + 1e-5).squareRoot()], rtol: 1e-5)
        #expect(norm.batchesTracked.value.scalars == [1], "eval mode does not count batches")
    }

    @Test func dropoutIsTheIdentityInEvalModeAndSeededInTraining() {
        let x = Tensor(repeating: 1, shape: [1000])
        let a = Dropout(probability: 0.5, seed: 11)(x).scalars
        let b = Dropout(probability: 0.5, seed: 11)(x).scalars
        #expect(a == b)
        let kept = a.filter { $0 != 0 }
        #expect(kept.allSatisfy { $0 == 2 }, "survivors are scaled by 1/(1-p)")
        #expect((400...600).contains(kept.count))
        let layer = Dropout(probability: 0.5, seed: 11)
        layer.eval()
        #expect(layer(x).scalars == x.scalars)
    }
}

@Suite struct ParameterGradientTests {
    @Test func backwardDifferentiatesTrainableParametersNotInputs() {
        var generator = RandomGenerator(seed: 2)
        let layer = Linear(inFeatures: 3, outFeatures: 2, using: &generator)
        let input = Tensor.randomNormal(shape: [4, 3], seed: 9)
        let store = layer(input).sum().backward()
        #expect(store[layer.weight.value] != nil)
        #expect(store[layer.bias!.value] != nil)
        #expect(store[input] == nil, "inputs are not differentiated when parameters are marked")
        // After an optimizer-style replacement the new value is still marked.
        layer.weight.value = layer.weight.value * 2
        #expect(layer.weight.value.requiresGradient)
        #expect(!BatchNorm2d(2).runningMean.value.requiresGradient, "buffers stay unmarked")
    }
}

@Suite struct DropoutContextTests {
    @Test func masksInsideAStepDependOnlyOnTheStepAndCallIndex() {
        let x = Tensor(repeating: 1, shape: [256])
        // An "uninterrupted" layer runs steps 0, 1, 2; a "resumed" one (fresh object) starts at step 2.
        let uninterrupted = Dropout(probability: 0.5, seed: 4)
        var masks: [[Float]] = []
        for step in UInt64(0)..<3 {
            masks.append(DropoutContext.$step.withValue(step) { uninterrupted(x).scalars + uninterrupted(x).scalars })
        }
        let resumed = Dropout(probability: 0.5, seed: 4)
        let again = DropoutContext.$step.withValue(2) { resumed(x).scalars + resumed(x).scalars }
        #expect(again == masks[2])
        #expect(masks[0] != masks[1], "different steps draw different masks")
        #expect(Array(masks[2][0..<256]) != Array(masks[2][256...]), "two calls in one step draw different masks")
    }
}
