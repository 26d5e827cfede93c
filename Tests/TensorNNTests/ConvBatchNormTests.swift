import Foundation
import Testing
import TensorCore
import TensorTestSupport
@testable import TensorNN

/// `convBatchNorm`: batch norm folded into the convolution at inference, the layers one by one
/// otherwise (training, recorded forward passes).
@Suite struct ConvBatchNormTests {
    /// A conv (with bias) and a BN with non-trivial running statistics and affine parameters.
    private func pair(channels: Int = 6, seed: UInt64 = 3) -> (Conv2d, BatchNorm2d) {
        var generator = RandomGenerator(seed: seed)
        let conv = Conv2d(4, channels, kernelSize: 3, padding: 1, using: &generator)
        let norm = BatchNorm2d(channels)
        norm.weight.value = Tensor.randomUniform(shape: [channels], lower: 0.5, upper: 2, seed: seed + 1)
        norm.bias.value = Tensor.randomUniform(shape: [channels], lower: -1, upper: 1, seed: seed + 2)
        norm.runningMean.value = Tensor.randomUniform(shape: [channels], lower: -0.5, upper: 0.5, seed: seed + 3)
        norm.runningVariance.value = Tensor.randomUniform(shape: [channels], lower: 0.2, upper: 3, seed: seed + 4)
        return (conv, norm)
    }

    @Test func foldingByHand() {
        // One 1x1 conv: weight 2, bias 1. BN: γ = 3, β = 0.5, mean 2, var 3, ε = 1: s = 3 / sqrt(4) = 1.5.
        // weight' = 2·1.5 = 3; bias' = 0.5 + (1 − 2)·1.5 = −1.
        var generator = RandomGenerator(seed: 0)
        let conv = Conv2d(1, 1, kernelSize: 1, using: &generator)
        conv.weight.value = Tensor(shape: [1, 1, 1, 1], scalars: [2])
        conv.bias!.value = Tensor(shape: [1], scalars: [1])
        let norm = BatchNorm2d(1, epsilon: 1)
        norm.weight.value = Tensor(shape: [1], scalars: [3])
        norm.bias.value = Tensor(shape: [1], scalars: [0.5])
        norm.runningMean.value = Tensor(shape: [1], scalars: [2])
        norm.runningVariance.value = Tensor(shape: [1], scalars: [3])
        let folded = conv.foldedParameters(with: norm)
        expectClose(folded.weight.scalars, [3])
        expectClose(folded.bias.scalars, [-1])
        // x = (1, −1): unfused (2x + 1 − 2)·1.5 + 0.5 = (2, −4); folded 3x − 1 = (2, −4); + residual (1, 1), ReLU: (3, 0).
        norm.isTraining = false
        let y = withNoGrad {
            convBatchNorm(conv, norm, Tensor(shape: [1, 1, 1, 2], scalars: [1, -1]),
                          residual: Tensor(shape: [1, 1, 1, 2], scalars: [1, 1]), activation: .relu)
        }
        expectClose(y.scalars, [3, 0])
    }

    @Test(arguments: [FusedActivation.identity, .relu, .relu6])
    func inferenceMatchesTheLayers(_ activation: FusedActivation) {
        let (conv, norm) = pair()
        norm.isTraining = false
        let x = Tensor.randomNormal(shape: [2, 4, 7, 6], seed: 9)
        let residual = Tensor.randomNormal(shape: [2, 6, 7, 6], seed: 10) * 3
        let fused = withNoGrad { convBatchNorm(conv, norm, x, residual: residual, activation: activation) }
        let plain = withNoGrad { () -> Tensor in
            let sum = norm(conv(x)) + residual
            return activation == .relu ? relu(sum) : activation == .relu6 ? relu6(sum) : sum
        }
        // Folding only re-associates float products: ~1e-6 relative, far below any real error.
        expectClose(fused.scalars, plain.scalars, rtol: 1e-4, atol: 1e-4)
        #expect(!fused.isRecorded)
    }

    @Test func trainingUsesBatchStatisticsAndUpdatesRunningOnes() {
        // In training mode the unit must be exactly BN(conv(x)) with batch statistics: the output
        // has per-channel mean β (≈ 0 up to rounding) and the running mean moves by momentum 0.1.
        let (conv, norm) = pair()
        let before = norm.runningMean.value.scalars
        let x = Tensor.randomNormal(shape: [3, 4, 5, 5], seed: 4)
        let y = convBatchNorm(conv, norm, x)
        let reference = pair()
        let expected = reference.1(reference.0(x))
        #expect(y.scalars == expected.scalars)
        #expect(y.isRecorded)
        #expect(norm.runningMean.value.scalars != before)
        #expect(norm.runningMean.value.scalars == reference.1.runningMean.value.scalars)
    }

    @Test func recordedEvaluationRunsTheLayers() {
        // Evaluation mode but recording on (a gradient method's forward): no folding, so the
        // gradient with respect to the input exists and matches the layer-by-layer graph.
        let (conv, norm) = pair()
        norm.isTraining = false
        let x = Tensor.randomNormal(shape: [1, 4, 4, 4], seed: 5).requiringGradient()
        let y = convBatchNorm(conv, norm, x, activation: .relu)
        #expect(y.isRecorded)
        let dx = gradients(of: y.sum(), wrt: [x])[0]
        let expected = gradients(of: relu(norm(conv(x))).sum(), wrt: [x])[0]
        #expect(dx.scalars == expected.scalars)
    }
}
