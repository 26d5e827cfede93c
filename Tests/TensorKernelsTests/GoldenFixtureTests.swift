import TensorKernels
import TensorTestSupport
import Testing

/// Both kernel sets against PyTorch 2.13 (CPU, float64 results rounded to float32), from
/// scripts/fixtures/kernels_golden.py. Tolerance as in the oneDNN-vs-reference suites: sums of
/// at most 144 terms in [-1, 1] differ from the float64 truth by ~1e-5 in float32, so
/// rtol = atol = 1e-4 while a wrong index or divisor shows up as an error of order 0.1.
@Suite struct GoldenFixtureTests {
    static let kernelSets: [any KernelSet] = [ReferenceKernels(), DNNLKernels()]

    @Test func fixturesLoad() {
        // 11 convolutions, 20 poolings, 3 batch norms.
        #expect(GoldenFixtures.convolutions.count == 11)
        #expect(GoldenFixtures.poolings.count == 20)
        #expect(GoldenFixtures.batchNorms.count == 3)
    }

    @Test(arguments: GoldenFixtures.convolutions)
    func convolution(_ golden: GoldenCase) {
        guard case .conv(let g) = golden.geometry else { return }
        let x = golden.tensor("input")
        let w = golden.tensor("weight")
        let b = golden.tensor("bias")
        let dy = golden.tensor("outputGradient")
        for kernels in Self.kernelSets {
            let y = output(g.outputCount) { kernels.conv2dForward(g, input: x, weight: w, bias: b, output: $0) }
            expectClose(y, golden.tensor("output"), rtol: 1e-4, atol: 1e-4, "\(kernels.name) forward")
            let dx = output(g.inputCount) {
                kernels.conv2dBackwardData(g, outputGradient: dy, weight: w, inputGradient: $0)
            }
            expectClose(dx, golden.tensor("inputGradient"), rtol: 1e-4, atol: 1e-4, "\(kernels.name) backward data")
            let (dw, db) = outputs(g.weightCount, g.outputChannels) {
                kernels.conv2dBackwardWeights(g, input: x, outputGradient: dy, weightGradient: $0, biasGradient: $1)
            }
            expectClose(dw, golden.tensor("weightGradient"), rtol: 1e-4, atol: 1e-4, "\(kernels.name) backward weights")
            expectClose(db, golden.tensor("biasGradient"), rtol: 1e-4, atol: 1e-4, "\(kernels.name) backward bias")
        }
    }

    @Test(arguments: GoldenFixtures.poolings)
    func pooling(_ golden: GoldenCase) {
        guard case .pool(let g) = golden.geometry else { return }
        let x = golden.tensor("input")
        let dy = golden.tensor("outputGradient")
        for kernels in Self.kernelSets {
            let y = output(g.outputCount) { kernels.pool2dForward(g, input: x, output: $0) }
            expectClose(y, golden.tensor("output"), rtol: 1e-5, atol: 1e-6, "\(kernels.name) forward")
            let dx = output(g.inputCount) { kernels.pool2dBackward(g, input: x, outputGradient: dy, inputGradient: $0) }
            expectClose(dx, golden.tensor("inputGradient"), rtol: 1e-5, atol: 1e-6, "\(kernels.name) backward")
        }
    }

    @Test(arguments: GoldenFixtures.batchNorms)
    func batchNorm(_ golden: GoldenCase) {
        guard case .batchNorm(let g) = golden.geometry else { return }
        let x = golden.tensor("input")
        let scale = golden.tensor("scale")
        let shift = golden.tensor("shift")
        let mean = golden.tensor("mean")
        let variance = golden.tensor("variance")
        for kernels in Self.kernelSets {
            var actualMean = [Float](repeating: .nan, count: g.channels)
            var actualVariance = actualMean
            let y = output(g.count) {
                kernels.batchNormForwardTraining(
                    g, input: x, scale: scale, shift: shift, output: $0,
                    mean: &actualMean, variance: &actualVariance)
            }
            expectClose(y, golden.tensor("output"), rtol: 1e-4, atol: 1e-4, "\(kernels.name) training output")
            expectClose(actualMean, mean, rtol: 1e-5, atol: 1e-5, "\(kernels.name) mean")
            expectClose(actualVariance, variance, rtol: 1e-4, atol: 1e-5, "\(kernels.name) variance")
            let inference = output(g.count) {
                kernels.batchNormForwardInference(
                    g, input: x, scale: scale, shift: shift, mean: golden.tensor("runningMean"),
                    variance: golden.tensor("runningVariance"), output: $0)
            }
            expectClose(
                inference, golden.tensor("inferenceOutput"), rtol: 1e-5, atol: 1e-5, "\(kernels.name) inference")
            var scaleGradient = [Float](repeating: .nan, count: g.channels)
            var shiftGradient = scaleGradient
            let dx = output(g.count) {
                kernels.batchNormBackward(
                    g, input: x, outputGradient: golden.tensor("outputGradient"), scale: scale,
                    mean: mean, variance: variance, inputGradient: $0,
                    scaleGradient: &scaleGradient, shiftGradient: &shiftGradient)
            }
            expectClose(dx, golden.tensor("inputGradient"), rtol: 1e-4, atol: 1e-4, "\(kernels.name) input gradient")
            expectClose(
                scaleGradient, golden.tensor("scaleGradient"), rtol: 1e-4, atol: 1e-4, "\(kernels.name) scale gradient")
            expectClose(
                shiftGradient, golden.tensor("shiftGradient"), rtol: 1e-4, atol: 1e-4, "\(kernels.name) shift gradient")
        }
    }
}
