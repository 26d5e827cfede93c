import Foundation
import Testing
import TensorCore
import TensorTestSupport

@Suite struct NormalizationTests {
    @Test(arguments: KernelChoice.allCases)
    func batchNormTrainingMatchesHandValues(kernels: KernelChoice) {
        kernels.run {
            // Channel 0 holds [1, 3] over N = 2 (1x1 spatial): mean 2, biased variance 1.
            // Channel 1 holds [4, 4]: mean 4, variance 0.
            // Output (ε = 0): channel 0 → [−1, 1]·scale + shift = [−2 + 0.5, 2 + 0.5] with scale 2, shift 0.5.
            let x = Tensor(shape: [2, 2, 1, 1], scalars: [1, 4, 3, 4])
            let scale = Tensor(shape: [2], scalars: [2, 1]), shift = Tensor(shape: [2], scalars: [0.5, -1])
            let result = batchNorm(x, scale: scale, shift: shift, epsilon: 0)
            expectClose(result.mean.scalars, [2, 4])
            expectClose(result.variance.scalars, [1, 0])
            expectClose([result.output.scalars[0], result.output.scalars[2]], [-1.5, 2.5])
        }
    }

    @Test(arguments: KernelChoice.allCases)
    func batchNormInferenceUsesGivenStatistics(kernels: KernelChoice) {
        kernels.run {
            // (x − 1) / sqrt(4) · 3 + 1 at x = 5: 4 / 2 · 3 + 1 = 7.
            let x = Tensor(shape: [1, 1, 1, 1], scalars: [5])
            let y = batchNorm(x, scale: Tensor(shape: [1], scalars: [3]), shift: Tensor(shape: [1], scalars: [1]),
                              mean: Tensor(shape: [1], scalars: [1]), variance: Tensor(shape: [1], scalars: [4]),
                              epsilon: 0)
            expectClose(y.scalars, [7])
        }
    }

    @Test(arguments: KernelChoice.allCases)
    func batchNormPassesGradientChecks(kernels: KernelChoice) {
        kernels.run {
            let x = testTensor([3, 2, 3, 3], seed: 50, lower: -2, upper: 2)
            let scale = testTensor([2], seed: 51, lower: 0.5, upper: 1.5), shift = testTensor([2], seed: 52)
            checkGradients({ batchNorm($0[0], scale: $0[1], shift: $0[2]).output }, at: [x, scale, shift], "training")
            let flat = testTensor([4, 2], seed: 53, lower: -2, upper: 2)
            checkGradients({ batchNorm($0[0], scale: $0[1], shift: $0[2]).output }, at: [flat, scale, shift], "[N, C]")
            let mean = testTensor([2], seed: 54), variance = testTensor([2], seed: 55, lower: 0.5, upper: 2)
            checkGradients({ batchNorm($0[0], scale: $0[1], shift: $0[2], mean: mean, variance: variance) },
                           at: [x, scale, shift], "inference")
        }
    }

    @Test func l2NormalizationAndCosineSimilarity() {
        // [3, 4] / 5 = [0.6, 0.8]; cos([1, 0], [1, 1]) = 1/√2; cos(v, −v) = −1.
        let v = Tensor(shape: [1, 2], scalars: [3, 4])
        expectClose(l2Normalized(v, axis: 1).scalars, [0.6, 0.8])
        let a = Tensor(shape: [2, 2], scalars: [1, 0, 3, 4]), b = Tensor(shape: [2, 2], scalars: [1, 1, -3, -4])
        expectClose(cosineSimilarity(a, b, axis: 1).scalars, [Float(1 / 2.0.squareRoot()), -1])
        let x = testTensorAwayFromZero([3, 4], seed: 56), y = testTensorAwayFromZero([3, 4], seed: 57)
        checkGradients({ l2Normalized($0[0], axis: 1) }, at: [x])
        checkGradients({ cosineSimilarity($0[0], $0[1], axis: 1) }, at: [x, y])
    }
}
