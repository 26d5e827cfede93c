import Testing
import TensorCore
import TensorTestSupport

/// `convolutionChain`: the one-call chain equals the same `fusedConv2d` calls made one by one,
/// and with recording on it is differentiable like them.
@Suite struct TensorConvolutionChainTests {
    /// A bottleneck with a stride-2 projection (values: 0 x, 1 shortcut, 2, 3, 4 output).
    func bottleneck() -> (Tensor, [ConvolutionChainStep]) {
        let x = testTensor([2, 8, 9, 9], seed: 90)
        let steps = [
            ConvolutionChainStep(weight: testTensor([16, 8, 1, 1], seed: 91), bias: testTensor([16], seed: 92),
                                 stride: (2, 2), source: 0),
            ConvolutionChainStep(weight: testTensor([4, 8, 1, 1], seed: 93), bias: testTensor([4], seed: 94),
                                 source: 0, activation: .relu),
            ConvolutionChainStep(weight: testTensor([4, 4, 3, 3], seed: 95), bias: nil, stride: (2, 2),
                                 padding: (1, 1), source: 2, activation: .relu),
            ConvolutionChainStep(weight: testTensor([16, 4, 1, 1], seed: 96), bias: testTensor([16], seed: 97),
                                 source: 3, residual: 1, activation: .relu),
        ]
        return (x, steps)
    }

    @Test func chainEqualsSeparateFusedConvolutions() {
        let (x, steps) = bottleneck()
        let chained = withNoGrad { convolutionChain(x, steps) }
        let separate = withNoGrad { () -> Tensor in
            let shortcut = fusedConv2d(x, weight: steps[0].weight, bias: steps[0].bias, stride: (2, 2))
            let a = fusedConv2d(x, weight: steps[1].weight, bias: steps[1].bias, activation: .relu)
            let b = fusedConv2d(a, weight: steps[2].weight, stride: (2, 2), padding: (1, 1), activation: .relu)
            return fusedConv2d(b, weight: steps[3].weight, bias: steps[3].bias, residual: shortcut, activation: .relu)
        }
        #expect(chained.shape == [2, 16, 5, 5])
        expectClose(chained.scalars, separate.scalars, rtol: 1e-4, atol: 1e-5)
        #expect(!chained.isRecorded)
    }

    @Test func recordedChainIsDifferentiable() {
        // Without activations (no ReLU kinks for finite differences to straddle) the recorded
        // chain passes the gradient check; with ReLUs its gradient is that of the separate ops.
        let (x, steps) = bottleneck()
        let linear = steps.map { step -> ConvolutionChainStep in
            var copy = step
            copy.activation = .identity
            return copy
        }
        checkGradients({ convolutionChain($0[0], linear) }, at: [x])
        let y = convolutionChain(x, steps)
        let shortcut = conv2d(x, weight: steps[0].weight, bias: steps[0].bias, stride: 2)
        let a = relu(conv2d(x, weight: steps[1].weight, bias: steps[1].bias))
        let b = relu(conv2d(a, weight: steps[2].weight, stride: 2, padding: 1))
        let expected = relu(conv2d(b, weight: steps[3].weight, bias: steps[3].bias) + shortcut)
        #expect(y.isRecorded)
        #expect(y.scalars == expected.scalars)
        let seed = testTensor([2, 16, 5, 5], seed: 98)
        #expect(gradients(of: y, wrt: [x], seed: seed)[0].scalars == gradients(of: expected, wrt: [x], seed: seed)[0].scalars)
    }
}
