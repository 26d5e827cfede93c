import TensorKernels
import TensorTestSupport
import Testing

/// oneDNN pooling against the reference. Max pooling is exact (a selection); averages divide a sum
/// of at most 49 values in [-1, 1], so Float32 rounding stays below 1e-6 relative: rtol 1e-5.
@Suite struct DNNLPoolingTests {
    let reference = ReferenceKernels()
    let accelerated = DNNLKernels()

    /// (batch, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, ceil)
    static let windows: [(Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Bool)] = [
        (2, 3, 8, 8, 2, 2, 2, 2, 0, 0, false),  // VGG 2x2/2
        (1, 4, 11, 10, 3, 3, 2, 2, 1, 1, false),  // ResNet stem 3x3/2 pad 1, odd sizes
        (3, 2, 9, 7, 3, 3, 2, 2, 0, 0, true),  // ceil mode (Inception)
        (2, 2, 10, 9, 3, 3, 2, 2, 1, 1, true),  // ceil mode + padding: windows past the padding
        (1, 3, 6, 5, 3, 2, 1, 1, 1, 0, false),  // overlapping, non-square
        (2, 5, 7, 7, 7, 7, 1, 1, 0, 0, false),  // global 7x7
        (1, 2, 5, 6, 2, 3, 2, 3, 1, 1, true),  // ceil, uneven strides
        (1, 16, 12, 12, 3, 3, 1, 1, 1, 1, false),  // 3x3/1 same (SPG/ACoL style)
    ]
    static let kinds: [PoolingKind] = [.max, .averageIncludingPadding, .averageExcludingPadding]

    static func geometry(
        _ w: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Bool), _ kind: PoolingKind
    ) -> Pool2dGeometry {
        Pool2dGeometry(
            batch: w.0, channels: w.1, inputHeight: w.2, inputWidth: w.3, kernelHeight: w.4,
            kernelWidth: w.5, strideHeight: w.6, strideWidth: w.7, paddingHeight: w.8,
            paddingWidth: w.9, ceilMode: w.10, kind: kind)
    }

    static var geometries: [Pool2dGeometry] { kinds.flatMap { kind in windows.map { geometry($0, kind) } } }

    @Test(arguments: geometries)
    func forwardAndBackward(_ g: Pool2dGeometry) {
        var generator = SeededGenerator(seed: 3)
        let input = randomValues(g.inputCount, &generator)
        let outputGradient = randomValues(g.outputCount, &generator)
        let expected = output(g.outputCount) { reference.pool2dForward(g, input: input, output: $0) }
        let actual = output(g.outputCount) { accelerated.pool2dForward(g, input: input, output: $0) }
        expectClose(actual, expected, rtol: 1e-5, atol: 1e-6, "forward \(g)")
        let expectedGradient = output(g.inputCount) {
            reference.pool2dBackward(g, input: input, outputGradient: outputGradient, inputGradient: $0)
        }
        let actualGradient = output(g.inputCount) {
            accelerated.pool2dBackward(g, input: input, outputGradient: outputGradient, inputGradient: $0)
        }
        expectClose(actualGradient, expectedGradient, rtol: 1e-5, atol: 1e-6, "backward \(g)")
    }

    @Test(arguments: windows.prefix(4).map { geometry($0, .max) })
    func maxTiesGoToFirstElement(_ g: Pool2dGeometry) {
        // Values from {0, 1, 2}: most windows hold several equal maxima.
        var generator = SeededGenerator(seed: 5)
        let input = (0..<g.inputCount).map { _ in Float(Int.random(in: 0...2, using: &generator)) }
        let outputGradient = (0..<g.outputCount).map { Float($0 % 7 + 1) }
        let expected = output(g.inputCount) {
            reference.pool2dBackward(g, input: input, outputGradient: outputGradient, inputGradient: $0)
        }
        let actual = output(g.inputCount) {
            accelerated.pool2dBackward(g, input: input, outputGradient: outputGradient, inputGradient: $0)
        }
        expectClose(actual, expected, rtol: 0, atol: 0, "ties \(g)")
    }
}

extension Pool2dGeometry: CustomTestStringConvertible {
    public var testDescription: String {
        "n\(batch) c\(channels) \(inputHeight)x\(inputWidth) k\(kernelHeight)x\(kernelWidth) "
            + "s\(strideHeight)x\(strideWidth) p\(paddingHeight)x\(paddingWidth)\(ceilMode ? " ceil" : "") \(kind)"
    }
}
