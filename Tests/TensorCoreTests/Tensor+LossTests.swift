import Foundation
import Testing
import TensorCore
import TensorTestSupport

@Suite struct LossTests {
    @Test func crossEntropyMatchesHandValues() {
        // Logits [0, ln 3] label 1: p = 3/4, loss −ln(3/4); uniform logits [0, 0] label 0: ln 2.
        // Mean: (−ln 0.75 + ln 2) / 2.
        let logits = Tensor(shape: [2, 2], scalars: [0, Float(Foundation.log(3.0)), 0, 0])
        let loss = crossEntropy(logits, labels: [1, 0])
        expectClose(loss.scalars, [Float((-Foundation.log(0.75) + Foundation.log(2.0)) / 2)])
        // Gradient: (softmax − onehot) / N = ([1/4, 3/4] − [0, 1]) / 2 = [0.125, −0.125];
        // ([1/2, 1/2] − [1, 0]) / 2 = [−0.25, 0.25].
        expectClose(gradients(of: loss, wrt: [logits])[0].scalars, [0.125, -0.125, -0.25, 0.25])
    }

    @Test func labelSmoothingMatchesHandValues() {
        // Row [0, ln 3], label 1, ε = 0.2, K = 2: (1 − ε)·(−ln 0.75) + ε·mean(−ln 0.25, −ln 0.75).
        let logits = Tensor(shape: [1, 2], scalars: [0, Float(Foundation.log(3.0))])
        let expected = 0.8 * -Foundation.log(0.75) + 0.2 * (-Foundation.log(0.25) - Foundation.log(0.75)) / 2
        expectClose(crossEntropy(logits, labels: [1], labelSmoothing: 0.2).scalars, [Float(expected)])
    }

    @Test func binaryCrossEntropyMatchesHandValues() {
        // p = [0.8, 0.25], t = [1, 0]: mean(−ln 0.8, −ln 0.75).
        let p = Tensor(shape: [2], scalars: [0.8, 0.25]), t = Tensor(shape: [2], scalars: [1, 0])
        let expected = Float((-Foundation.log(0.8) - Foundation.log(0.75)) / 2)
        expectClose(binaryCrossEntropy(p, targets: t).scalars, [expected])
        // With logits: sigmoid(ln 4) = 0.8 and sigmoid(−ln 3) = 0.25 give the same loss.
        let logits = Tensor(shape: [2], scalars: [Float(Foundation.log(4.0)), Float(-Foundation.log(3.0))])
        expectClose(binaryCrossEntropyWithLogits(logits, targets: t).scalars, [expected])
        // log clamped at −100: p = 0 with t = 1 gives 100, not infinity.
        expectClose(binaryCrossEntropy(Tensor(shape: [1], scalars: [0]), targets: Tensor(shape: [1], scalars: [1])).scalars, [100])
    }

    @Test func meanSquaredErrorAndKLMatchHandValues() {
        // ((1 − 0)² + (2 − 4)²) / 2 = 2.5.
        expectClose(meanSquaredError(Tensor(shape: [2], scalars: [1, 2]), Tensor(shape: [2], scalars: [0, 4])).scalars, [2.5])
        // KL, batchmean over N = 1: target [0.5, 0.5, 0], logInput ln[0.25, 0.75, ...]:
        // 0.5·(ln 0.5 − ln 0.25) + 0.5·(ln 0.5 − ln 0.75) + 0 (0·log 0 = 0).
        let target = Tensor(shape: [1, 3], scalars: [0.5, 0.5, 0])
        let logInput = Tensor(shape: [1, 3], scalars: [Float(Foundation.log(0.25)), Float(Foundation.log(0.75)), -5])
        let expected = 0.5 * (Foundation.log(0.5) - Foundation.log(0.25)) + 0.5 * (Foundation.log(0.5) - Foundation.log(0.75))
        let kl = klDivergence(logInput: logInput, target: target)
        expectClose(kl.scalars, [Float(expected)], rtol: 1e-5)
        // d/d(logInput) = −target / N: [−0.5, −0.5, 0].
        expectClose(gradients(of: kl, wrt: [logInput])[0].scalars, [-0.5, -0.5, 0])
    }

    @Test func lossesPassGradientChecks() {
        let logits = testTensor([3, 4], seed: 60, lower: -2, upper: 2)
        checkGradients({ crossEntropy($0[0], labels: [2, 0, 3]) }, at: [logits])
        checkGradients({ crossEntropy($0[0], labels: [2, 0, 3], labelSmoothing: 0.1) }, at: [logits])
        let p = testTensor([3, 4], seed: 61, lower: 0.1, upper: 0.9), t = testTensor([3, 4], seed: 62, lower: 0, upper: 1)
        checkGradients({ binaryCrossEntropy($0[0], targets: $0[1]) }, at: [p, t])
        checkGradients({ binaryCrossEntropyWithLogits($0[0], targets: $0[1]) }, at: [testTensorAwayFromZero([3, 4], seed: 63), t])
        checkGradients({ meanSquaredError($0[0], $0[1]) }, at: [logits, t])
        let target = softmax(testTensor([3, 4], seed: 64), axis: 1).detached()
        let logInput = logSoftmax(testTensor([3, 4], seed: 65), axis: 1).detached()
        checkGradients({ klDivergence(logInput: $0[0], target: $0[1]) }, at: [logInput, target])
    }
}
