import TensorKernels
import TensorTestSupport
import Testing

/// oneDNN against the reference on seeded random geometries (beyond the hand-picked lists in
/// DNNLConvolutionTests / DNNLPoolingTests). Same tolerances and reasoning as those suites.
@Suite struct RandomGeometryTests {
    /// 24 convolutions: kernel 1/3/5/7, stride 1/2, padding 0...k/2, dilation 1/2, groups 1/2/depthwise,
    /// batch 1-3, sizes 5-13 (odd and even). Redrawn until the output is at least 1x1.
    static let convolutions: [Conv2dGeometry] = {
        var generator = SeededGenerator(seed: 2026)
        var result: [Conv2dGeometry] = []
        while result.count < 24 {
            let kernel = [1, 3, 5, 7].randomElement(using: &generator)!
            let groupsKind = Int.random(in: 0...2, using: &generator)
            let channels = [2, 4, 6, 8, 16].randomElement(using: &generator)!
            let groups = groupsKind == 0 ? 1 : (groupsKind == 1 ? 2 : channels)
            let outputs =
                groupsKind == 2
                ? channels * Int.random(in: 1...2, using: &generator)
                : 2 * Int.random(in: 1...8, using: &generator)
            let g = Conv2dGeometry(
                batch: Int.random(in: 1...3, using: &generator), inputChannels: channels,
                inputHeight: Int.random(in: 5...13, using: &generator),
                inputWidth: Int.random(in: 5...13, using: &generator),
                outputChannels: outputs, kernelHeight: kernel, kernelWidth: kernel,
                strideHeight: Int.random(in: 1...2, using: &generator),
                strideWidth: Int.random(in: 1...2, using: &generator),
                paddingHeight: Int.random(in: 0...(kernel / 2), using: &generator),
                paddingWidth: Int.random(in: 0...(kernel / 2), using: &generator),
                dilationHeight: kernel > 1 ? Int.random(in: 1...2, using: &generator) : 1,
                dilationWidth: kernel > 1 ? Int.random(in: 1...2, using: &generator) : 1, groups: groups)
            if g.outputHeight >= 1 && g.outputWidth >= 1 { result.append(g) }
        }
        return result
    }()

    /// 24 poolings: kernel 2-4 per axis, stride 1-3, padding up to kernel/2, ceil or floor, every kind.
    static let poolings: [Pool2dGeometry] = {
        var generator = SeededGenerator(seed: 4052)
        var result: [Pool2dGeometry] = []
        let kinds: [PoolingKind] = [.max, .averageIncludingPadding, .averageExcludingPadding]
        while result.count < 24 {
            let kernelHeight = Int.random(in: 2...4, using: &generator)
            let kernelWidth = Int.random(in: 2...4, using: &generator)
            let g = Pool2dGeometry(
                batch: Int.random(in: 1...3, using: &generator), channels: Int.random(in: 1...5, using: &generator),
                inputHeight: Int.random(in: 4...12, using: &generator),
                inputWidth: Int.random(in: 4...12, using: &generator),
                kernelHeight: kernelHeight, kernelWidth: kernelWidth,
                strideHeight: Int.random(in: 1...3, using: &generator),
                strideWidth: Int.random(in: 1...3, using: &generator),
                paddingHeight: Int.random(in: 0...(kernelHeight / 2), using: &generator),
                paddingWidth: Int.random(in: 0...(kernelWidth / 2), using: &generator),
                ceilMode: Bool.random(using: &generator), kind: kinds[result.count % 3])
            if g.outputHeight >= 1 && g.outputWidth >= 1 { result.append(g) }
        }
        return result
    }()

    @Test(arguments: convolutions)
    func convolution(_ g: Conv2dGeometry) {
        var generator = SeededGenerator(seed: 77)
        let x = randomValues(g.inputCount, &generator)
        let w = randomValues(g.weightCount, &generator)
        let b = randomValues(g.outputChannels, &generator)
        let dy = randomValues(g.outputCount, &generator)
        func passes(_ kernels: any KernelSet) -> [[Float]] {
            let y = output(g.outputCount) { kernels.conv2dForward(g, input: x, weight: w, bias: b, output: $0) }
            let dx = output(g.inputCount) {
                kernels.conv2dBackwardData(g, outputGradient: dy, weight: w, inputGradient: $0)
            }
            let (dw, db) = outputs(g.weightCount, g.outputChannels) {
                kernels.conv2dBackwardWeights(g, input: x, outputGradient: dy, weightGradient: $0, biasGradient: $1)
            }
            return [y, dx, dw, db]
        }
        let expected = passes(ReferenceKernels())
        let actual = passes(DNNLKernels())
        for (name, index) in [("forward", 0), ("backward data", 1), ("backward weights", 2), ("bias", 3)] {
            expectClose(actual[index], expected[index], rtol: 1e-4, atol: 1e-4, "\(name)")
        }
    }

    @Test(arguments: poolings)
    func pooling(_ g: Pool2dGeometry) {
        var generator = SeededGenerator(seed: 78)
        let x = randomValues(g.inputCount, &generator)
        let dy = randomValues(g.outputCount, &generator)
        func passes(_ kernels: any KernelSet) -> [[Float]] {
            [
                output(g.outputCount) { kernels.pool2dForward(g, input: x, output: $0) },
                output(g.inputCount) { kernels.pool2dBackward(g, input: x, outputGradient: dy, inputGradient: $0) },
            ]
        }
        let expected = passes(ReferenceKernels())
        let actual = passes(DNNLKernels())
        expectClose(actual[0], expected[0], rtol: 1e-5, atol: 1e-6, "forward")
        expectClose(actual[1], expected[1], rtol: 1e-5, atol: 1e-6, "backward")
    }
}
