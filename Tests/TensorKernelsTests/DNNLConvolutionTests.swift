import Dispatch
import TensorKernels
import TensorTestSupport
import Testing

/// oneDNN convolution against the reference on geometries covering every contract feature.
///
/// Tolerance: inputs are uniform in [-1, 1], so an output is a sum of K <= 576 products of size <= 1
/// with typical magnitude sqrt(K) / 3 <= 8. Float32 accumulation (oneDNN) against the Double
/// reference typically errs by about sqrt(K) * 6e-8 * |sum| <= 1e-5; atol = rtol = 1e-4 leaves a
/// tenfold margin yet still catches any wrong index, layout or missing term (errors of order 0.1).
@Suite struct DNNLConvolutionTests {
    let reference = ReferenceKernels()
    let accelerated = DNNLKernels()

    /// (batch, in, height, width, out, kernelH, kernelW, stride, padding, dilation, groups)
    static let geometries: [Conv2dGeometry] = [
        make(2, 8, 7, 9, 16, 1, 1, stride: 1, padding: 0),  // 1x1
        make(1, 4, 9, 8, 6, 3, 3, stride: 1, padding: 1),  // 3x3 same
        make(3, 5, 11, 10, 7, 3, 3, stride: 2, padding: 1),  // 3x3 stride 2, odd sizes, batch 3
        make(2, 3, 8, 9, 4, 5, 5, stride: 1, padding: 2),  // 5x5
        make(1, 3, 15, 13, 8, 7, 7, stride: 2, padding: 3),  // 7x7/2 stem
        make(2, 4, 10, 9, 6, 3, 3, stride: 1, padding: 2, dilation: 2),
        make(2, 8, 7, 7, 6, 3, 3, stride: 1, padding: 1, groups: 2),
        make(2, 6, 8, 9, 6, 3, 3, stride: 1, padding: 1, groups: 6),  // depthwise
        make(1, 4, 7, 6, 8, 3, 3, stride: 2, padding: 1, groups: 4),  // depthwise, multiplier 2
        make(2, 8, 9, 9, 16, 1, 1, stride: 2, padding: 0),  // 1x1/2 downsample
        make(1, 3, 9, 10, 5, 3, 1, stride: 1, padding: 1),  // non-square kernel
        make(2, 32, 8, 8, 64, 3, 3, stride: 1, padding: 1),  // wide: blocked layouts + reorders
        make(1, 64, 7, 7, 32, 1, 1, stride: 1, padding: 0),
        make(3, 16, 6, 5, 16, 3, 3, stride: 2, padding: 0, dilation: 2),
        make(1, 8, 28, 29, 8, 1, 1, stride: 1, padding: 0),  // large 1x1: plain layouts (no reorders)
    ]

    static func make(
        _ n: Int, _ ic: Int, _ h: Int, _ w: Int, _ oc: Int, _ kh: Int, _ kw: Int,
        stride: Int, padding: Int, dilation: Int = 1, groups: Int = 1
    ) -> Conv2dGeometry {
        Conv2dGeometry(
            batch: n, inputChannels: ic, inputHeight: h, inputWidth: w, outputChannels: oc,
            kernelHeight: kh, kernelWidth: kw, strideHeight: stride, strideWidth: stride,
            paddingHeight: kh == 1 && kw != 1 ? 0 : padding, paddingWidth: kw == 1 && kh != 1 ? 0 : padding,
            dilationHeight: dilation, dilationWidth: dilation, groups: groups)
    }

    struct Data {
        let input, weight, bias, outputGradient: [Float]
        init(_ g: Conv2dGeometry, seed: UInt64) {
            var generator = SeededGenerator(seed: seed)
            input = randomValues(g.inputCount, &generator)
            weight = randomValues(g.weightCount, &generator)
            bias = randomValues(g.outputChannels, &generator)
            outputGradient = randomValues(g.outputCount, &generator)
        }
    }

    @Test(arguments: geometries)
    func forward(_ g: Conv2dGeometry) {
        let data = Data(g, seed: UInt64(g.hashValue & 0xFFFF))
        for bias in [data.bias, nil] as [[Float]?] {
            let expected = output(g.outputCount) {
                reference.conv2dForward(g, input: data.input, weight: data.weight, bias: bias, output: $0)
            }
            let actual = output(g.outputCount) {
                accelerated.conv2dForward(g, input: data.input, weight: data.weight, bias: bias, output: $0)
            }
            expectClose(actual, expected, rtol: 1e-4, atol: 1e-4, "\(g) bias \(bias != nil)")
        }
    }

    @Test(arguments: geometries)
    func backwardData(_ g: Conv2dGeometry) {
        let data = Data(g, seed: 7)
        let expected = output(g.inputCount) {
            reference.conv2dBackwardData(g, outputGradient: data.outputGradient, weight: data.weight, inputGradient: $0)
        }
        let actual = output(g.inputCount) {
            accelerated.conv2dBackwardData(
                g, outputGradient: data.outputGradient, weight: data.weight, inputGradient: $0)
        }
        expectClose(actual, expected, rtol: 1e-4, atol: 1e-4, "\(g)")
    }

    @Test(arguments: geometries)
    func backwardWeights(_ g: Conv2dGeometry) {
        let data = Data(g, seed: 11)
        for withBias in [true, false] {
            let (expectedW, expectedB) = outputs(g.weightCount, g.outputChannels) {
                reference.conv2dBackwardWeights(
                    g, input: data.input, outputGradient: data.outputGradient,
                    weightGradient: $0, biasGradient: withBias ? $1 : nil)
            }
            let (actualW, actualB) = outputs(g.weightCount, g.outputChannels) {
                accelerated.conv2dBackwardWeights(
                    g, input: data.input, outputGradient: data.outputGradient,
                    weightGradient: $0, biasGradient: withBias ? $1 : nil)
            }
            expectClose(actualW, expectedW, rtol: 1e-4, atol: 1e-4, "\(g)")
            if withBias { expectClose(actualB, expectedB, rtol: 1e-4, atol: 1e-4, "\(g) bias") }
        }
    }

    @Test func cachedPlanSeesNewData() {
        // The same geometry twice with different data must not reuse stale buffers.
        let g = Self.geometries[11]
        for seed in [1, 2] as [UInt64] {
            let data = Data(g, seed: seed)
            let expected = output(g.outputCount) {
                reference.conv2dForward(g, input: data.input, weight: data.weight, bias: data.bias, output: $0)
            }
            let actual = output(g.outputCount) {
                accelerated.conv2dForward(g, input: data.input, weight: data.weight, bias: data.bias, output: $0)
            }
            expectClose(actual, expected, rtol: 1e-4, atol: 1e-4, "seed \(seed)")
        }
    }

    @Test func concurrentCallersGetTheirOwnResults() {
        // Four threads, two geometries, distinct data: each result must match its own reference.
        let cases = (0..<4).map { index in (Self.geometries[index % 2 == 0 ? 11 : 2], UInt64(100 + index)) }
        let expected = cases.map { g, seed in
            let data = Data(g, seed: seed)
            return output(g.outputCount) {
                reference.conv2dForward(g, input: data.input, weight: data.weight, bias: data.bias, output: $0)
            }
        }
        let results = ResultBox(count: cases.count)
        DispatchQueue.concurrentPerform(iterations: cases.count) { index in
            let (g, seed) = cases[index]
            let data = Data(g, seed: seed)
            let result = output(g.outputCount) {
                DNNLKernels().conv2dForward(g, input: data.input, weight: data.weight, bias: data.bias, output: $0)
            }
            results.store(result, at: index)
        }
        for index in cases.indices { expectClose(results.value(at: index), expected[index], rtol: 1e-4, atol: 1e-4) }
    }
}

/// Thread-safe slots for results computed on other threads.
final class ResultBox: @unchecked Sendable {
    private var slots: [[Float]]
    private let queue = DispatchQueue(label: "ResultBox")
    init(count: Int) { slots = Array(repeating: [], count: count) }
    func store(_ value: [Float], at index: Int) { queue.sync { slots[index] = value } }
    func value(at index: Int) -> [Float] { queue.sync { slots[index] } }
}

extension Conv2dGeometry: CustomTestStringConvertible {
    public var testDescription: String {
        "n\(batch) \(inputChannels)x\(inputHeight)x\(inputWidth)->\(outputChannels) k\(kernelHeight)x\(kernelWidth) "
            + "s\(strideHeight) p\(paddingHeight)x\(paddingWidth) d\(dilationHeight) g\(groups)"
    }
}

@Suite struct DNNLDegenerateShapeTests {
    @Test func emptyBatchGivesZeroWeightGradients() {
        // Batch 0: there is nothing to sum, so dW = 0 and db = 0 (and no oneDNN primitive is built).
        let g = Conv2dGeometry(
            batch: 0, inputChannels: 2, inputHeight: 4, inputWidth: 4, outputChannels: 3,
            kernelHeight: 3, kernelWidth: 3)
        let (dw, db) = outputs(g.weightCount, g.outputChannels) {
            DNNLKernels().conv2dBackwardWeights(g, input: [], outputGradient: [], weightGradient: $0, biasGradient: $1)
        }
        expectClose(dw, [Float](repeating: 0, count: 54))
        expectClose(db, [0, 0, 0])
    }

    @Test func emptyBatchNormIsANoOp() {
        let g = BatchNormGeometry(batch: 0, channels: 2, spatial: 4)
        let y = output(0) {
            DNNLKernels().batchNormForwardInference(
                g, input: [], scale: [1, 1], shift: [0, 0],
                mean: [0, 0], variance: [1, 1], output: $0)
        }
        #expect(y.isEmpty)
    }
}

@Suite struct DNNLMisuseTests {
    @Test func kernelLargerThanPaddedInputStops() async {
        // 5x5 kernel on a 3x3 image without padding: output size (3 - 5) / 1 + 1 = -1, a caller bug.
        await #expect(processExitsWith: .failure) {
            let g = Conv2dGeometry(
                batch: 1, inputChannels: 1, inputHeight: 3, inputWidth: 3, outputChannels: 1,
                kernelHeight: 5, kernelWidth: 5)
            var y = [Float](repeating: 0, count: 1)
            DNNLKernels().conv2dForward(
                g, input: [Float](repeating: 0, count: 9),
                weight: [Float](repeating: 0, count: 25), bias: nil, output: &y)
        }
    }
}
