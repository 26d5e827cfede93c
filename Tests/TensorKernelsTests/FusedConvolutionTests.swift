import TensorKernels
import TensorTestSupport
import Testing

/// The fused inference convolution: the reference epilogue by hand, and oneDNN's post-op
/// primitive against the reference on geometries that take both the blocked (reordered) and the
/// plain destination paths, with and without residual, for every activation.
@Suite struct FusedConvolutionTests {
    let reference = ReferenceKernels()
    let accelerated = DNNLKernels()

    @Test func referenceEpilogueByHand() {
        // 1x1 conv, one input and one output channel, weight 2, bias -1, on x = (1, -2, 3, 0.5):
        // conv = (1, -5, 5, 0); + residual (0.5, 1, 2, -3) = (1.5, -4, 7, -3).
        let g = Conv2dGeometry(batch: 1, inputChannels: 1, inputHeight: 2, inputWidth: 2, outputChannels: 1,
                               kernelHeight: 1, kernelWidth: 1)
        let x: [Float] = [1, -2, 3, 0.5]
        let residual: [Float] = [0.5, 1, 2, -3]
        func run(_ residual: [Float]?, _ activation: FusedActivation) -> [Float] {
            output(4) { reference.conv2dForwardFused(g, input: x, weight: [2], bias: [-1], residual: residual,
                                                     activation: activation, output: $0) }
        }
        expectClose(run(residual, .identity), [1.5, -4, 7, -3])
        expectClose(run(residual, .relu), [1.5, 0, 7, 0])
        expectClose(run(residual, .relu6), [1.5, 0, 6, 0])  // 7 clipped to 6
        expectClose(run(nil, .relu), [1, 0, 5, 0])
    }

    /// Blocked and plain destinations (see `ConvolutionShape.prefersPlainLayout`).
    static let geometries: [Conv2dGeometry] = [
        DNNLConvolutionTests.make(2, 32, 8, 8, 64, 3, 3, stride: 1, padding: 1),   // blocked, reorders
        DNNLConvolutionTests.make(1, 64, 7, 7, 32, 1, 1, stride: 1, padding: 0),   // 1x1 small: blocked
        DNNLConvolutionTests.make(1, 8, 28, 29, 16, 1, 1, stride: 1, padding: 0),  // 1x1 large: plain
        DNNLConvolutionTests.make(3, 5, 11, 10, 7, 3, 3, stride: 2, padding: 1),   // odd sizes, stride 2
        DNNLConvolutionTests.make(2, 6, 8, 9, 6, 3, 3, stride: 1, padding: 1, groups: 6),  // depthwise
        DNNLConvolutionTests.make(2, 8, 9, 9, 16, 1, 1, stride: 2, padding: 0),    // 1x1/2 projection
        DNNLConvolutionTests.make(2, 4, 10, 9, 6, 3, 3, stride: 1, padding: 2, dilation: 2),
    ]

    @Test(arguments: geometries)
    func oneDNNMatchesReference(_ g: Conv2dGeometry) {
        var generator = SeededGenerator(seed: UInt64(g.outputCount))
        let input = randomValues(g.inputCount, &generator)
        let weight = randomValues(g.weightCount, &generator)
        let bias = randomValues(g.outputChannels, &generator)
        // Residual up to ±4 so that sums cross 0 and 6 (relu6's clip) often.
        let residual = randomValues(g.outputCount, &generator).map { $0 * 4 }
        for activation in [FusedActivation.identity, .relu, .relu6] {
            for withResidual in [true, false] {
                for withBias in [true, false] {
                    let r = withResidual ? residual : nil
                    let b = withBias ? bias : nil
                    let expected = output(g.outputCount) {
                        reference.conv2dForwardFused(g, input: input, weight: weight, bias: b, residual: r,
                                                     activation: activation, output: $0)
                    }
                    let actual = output(g.outputCount) {
                        accelerated.conv2dForwardFused(g, input: input, weight: weight, bias: b, residual: r,
                                                       activation: activation, output: $0)
                    }
                    expectClose(actual, expected, rtol: 1e-4, atol: 1e-4,
                                "\(g) \(activation) residual \(withResidual) bias \(withBias)")
                }
            }
        }
    }

    @Test func randomGeometriesMatchReference() {
        var generator = SeededGenerator(seed: 2026)
        for _ in 0..<6 {
            let kernel = [1, 3, 5].randomElement(using: &generator)!
            let stride = Int.random(in: 1...2, using: &generator)
            let g = DNNLConvolutionTests.make(
                Int.random(in: 1...3, using: &generator), Int.random(in: 1...24, using: &generator),
                Int.random(in: kernel...14, using: &generator), Int.random(in: kernel...14, using: &generator),
                Int.random(in: 1...40, using: &generator), kernel, kernel, stride: stride, padding: kernel / 2)
            let input = randomValues(g.inputCount, &generator)
            let weight = randomValues(g.weightCount, &generator)
            let bias = randomValues(g.outputChannels, &generator)
            let residual = randomValues(g.outputCount, &generator)
            let expected = output(g.outputCount) {
                reference.conv2dForwardFused(g, input: input, weight: weight, bias: bias, residual: residual,
                                             activation: .relu, output: $0)
            }
            let actual = output(g.outputCount) {
                accelerated.conv2dForwardFused(g, input: input, weight: weight, bias: bias, residual: residual,
                                               activation: .relu, output: $0)
            }
            expectClose(actual, expected, rtol: 1e-4, atol: 1e-4, "\(g)")
        }
    }
}
