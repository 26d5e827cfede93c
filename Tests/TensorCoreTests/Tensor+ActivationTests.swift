import Foundation
import Testing
import TensorCore
import TensorTestSupport

@Suite struct ActivationTests {
    @Test func reluFamilyMatchesHandValues() {
        let x = Tensor(shape: [5], scalars: [-2, -0.5, 0.5, 3, 7])
        #expect(relu(x).scalars == [0, 0, 0.5, 3, 7])
        #expect(relu6(x).scalars == [0, 0, 0.5, 3, 6])
        // slope 0.1: negatives scaled by 0.1.
        expectClose(leakyRelu(x, negativeSlope: 0.1).scalars, [-0.2, -0.05, 0.5, 3, 7])
        // relu6 gradient: 1 only on (0, 6) -> [0, 0, 1, 1, 0].
        #expect(gradients(of: relu6(x), wrt: [x])[0].scalars == [0, 0, 1, 1, 0])
        expectClose(gradients(of: leakyRelu(x, negativeSlope: 0.1), wrt: [x])[0].scalars, [0.1, 0.1, 1, 1, 1])
    }

    @Test func sigmoidAndTanhMatchHandValues() {
        // sigmoid(0) = 0.5, sigmoid'(0) = 0.25; tanh(0) = 0, tanh'(0) = 1.
        let zero = Tensor(shape: [1], scalars: [0])
        #expect(sigmoid(zero).scalars == [0.5])
        #expect(gradients(of: sigmoid(zero), wrt: [zero])[0].scalars == [0.25])
        #expect(tanh(zero).scalars == [0])
        #expect(gradients(of: tanh(zero), wrt: [zero])[0].scalars == [1])
        // Large magnitudes saturate without NaN: sigmoid(±100) = 1 and 0.
        let large = Tensor(shape: [2], scalars: [100, -100])
        expectClose(sigmoid(large).scalars, [1, 0], atol: 1e-30)
    }

    @Test func softmaxMatchesHandValues() {
        // softmax([0, ln 3]) = [1/4, 3/4]; rows are independent.
        let x = Tensor(shape: [2, 2], scalars: [0, Float(Foundation.log(3.0)), 5, 5])
        expectClose(softmax(x, axis: 1).scalars, [0.25, 0.75, 0.5, 0.5])
        // Shift invariance and no overflow at 1000 (ln 3 + 1000 rounds by ~3e-5 in Float32).
        expectClose(softmax(x + 1000, axis: 1).scalars, [0.25, 0.75, 0.5, 0.5], rtol: 1e-4)
        // log-softmax = log of the above.
        expectClose(logSoftmax(x, axis: 1).scalars,
                    [Float(Foundation.log(0.25)), Float(Foundation.log(0.75)), Float(Foundation.log(0.5)), Float(Foundation.log(0.5))])
        // Along axis 0 of [2, 2]: columns [0, 5] and [ln3, 5].
        let columns = softmax(x, axis: 0).scalars
        expectClose([columns[0] + columns[2], columns[1] + columns[3]], [1, 1])
    }

    @Test func activationsPassGradientChecks() {
        let x = testTensorAwayFromZero([2, 3, 2], seed: 11)
        checkGradients({ relu($0[0]) }, at: [x])
        checkGradients({ relu6($0[0] * 4) }, at: [x])   // values in ±[0.4, 4]: away from 0 and 6
        checkGradients({ leakyRelu($0[0], negativeSlope: 0.2) }, at: [x])
        checkGradients({ sigmoid($0[0]) }, at: [x])
        checkGradients({ tanh($0[0]) }, at: [x])
        checkGradients({ softmax($0[0], axis: 1) }, at: [x])
        checkGradients({ softmax($0[0], axis: -1) }, at: [x])
        checkGradients({ logSoftmax($0[0], axis: 1) }, at: [x])
        checkGradients({ logSoftmax($0[0], axis: 0) }, at: [x])
    }
}
