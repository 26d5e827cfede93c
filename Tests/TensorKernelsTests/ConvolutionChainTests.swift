@testable import TensorKernels
import TensorTestSupport
import Testing

/// `convolutionChainForward`: oneDNN's channels-last chain against the reference (each step
/// through `conv2dForwardFused` on plain buffers), for ResNet block wirings and random chains.
@Suite struct ConvolutionChainTests {
    let reference = ReferenceKernels()
    let accelerated = DNNLKernels()

    static func conv(_ n: Int, _ ic: Int, _ hw: Int, _ oc: Int, kernel: Int, stride: Int = 1) -> Conv2dGeometry {
        Conv2dGeometry(batch: n, inputChannels: ic, inputHeight: hw, inputWidth: hw, outputChannels: oc,
                       kernelHeight: kernel, kernelWidth: kernel, strideHeight: stride, strideWidth: stride,
                       paddingHeight: kernel / 2, paddingWidth: kernel / 2)
    }

    /// Bottleneck with a stride-2 projection: values 0 = x, 1 = projection, 2 = conv1, 3 = conv2
    /// (stride 2), 4 = relu(conv3 + projection) — conv3 accumulates into the projection's buffer.
    static let projectedBottleneck: [ChainedConvolution] = [
        ChainedConvolution(geometry: conv(2, 16, 10, 32, kernel: 1, stride: 2), source: 0, hasBias: true, activation: .identity),
        ChainedConvolution(geometry: conv(2, 16, 10, 8, kernel: 1), source: 0, hasBias: true, activation: .relu),
        ChainedConvolution(geometry: conv(2, 8, 10, 8, kernel: 3, stride: 2), source: 2, hasBias: true, activation: .relu),
        ChainedConvolution(geometry: conv(2, 8, 5, 32, kernel: 1), source: 3, residual: 1, hasBias: true, activation: .relu),
    ]

    /// Identity bottleneck: the residual is the chain input (value 0), also read by step 1.
    static let identityBottleneck: [ChainedConvolution] = [
        ChainedConvolution(geometry: conv(3, 24, 7, 6, kernel: 1), source: 0, hasBias: true, activation: .relu),
        ChainedConvolution(geometry: conv(3, 6, 7, 6, kernel: 3), source: 1, hasBias: false, activation: .relu),
        ChainedConvolution(geometry: conv(3, 6, 7, 24, kernel: 1), source: 2, residual: 0, hasBias: true, activation: .relu),
    ]

    /// A residual that is read again later (must be copied, not accumulated into), and ReLU6.
    static let reusedResidual: [ChainedConvolution] = [
        ChainedConvolution(geometry: conv(1, 8, 6, 8, kernel: 3), source: 0, hasBias: true, activation: .relu6),
        ChainedConvolution(geometry: conv(1, 8, 6, 8, kernel: 1), source: 1, residual: 0, hasBias: true, activation: .identity),
        ChainedConvolution(geometry: conv(1, 8, 6, 8, kernel: 3), source: 2, residual: 0, hasBias: true, activation: .relu6),
    ]

    func compare(_ steps: [ChainedConvolution], seed: UInt64, _ label: String) {
        var generator = SeededGenerator(seed: seed)
        let input = randomValues(steps[0].geometry.inputCount, &generator)
        let weights = steps.map { randomValues($0.geometry.weightCount, &generator) }
        let biases = steps.map { randomValues($0.geometry.outputChannels, &generator) }
        let count = steps[steps.count - 1].geometry.outputCount
        // Stable buffers for the pointer arrays the kernel takes.
        let weightBuffers = weights.map { values in
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: values.count)
            buffer.initialize(from: values, count: values.count)
            return buffer
        }
        let biasBuffers = biases.map { values in
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: values.count)
            buffer.initialize(from: values, count: values.count)
            return buffer
        }
        defer { (weightBuffers + biasBuffers).forEach { $0.deallocate() } }
        func run(_ kernels: any KernelSet) -> [Float] {
            output(count) { kernels.convolutionChainForward(
                steps, input: input, weights: weightBuffers.map { UnsafePointer($0) },
                biases: biasBuffers.map { UnsafePointer($0) }, output: $0) }
        }
        expectClose(run(accelerated), run(reference), rtol: 1e-4, atol: 1e-4, "\(label)")
    }

    @Test func projectedBottleneckMatchesReference() { compare(Self.projectedBottleneck, seed: 1, "projected") }
    @Test func identityBottleneckMatchesReference() { compare(Self.identityBottleneck, seed: 2, "identity") }
    @Test func reusedResidualMatchesReference() { compare(Self.reusedResidual, seed: 3, "reused residual") }

    @Test func runningTwiceGivesTheSameResult() {
        // The cached plan reuses its scratch slots: a second run must not see the first one's values.
        compare(Self.identityBottleneck, seed: 4, "first")
        compare(Self.identityBottleneck, seed: 5, "second, other data")
    }

    @Test func slotsAreReusedAndResidualsAccumulatedInPlace() {
        // Identity bottleneck: value 0 (input) is last read by step 3 as its residual, so step 3
        // writes into value 0's slot; value 1 dies after step 2, so value 2 cannot take its slot
        // (it is still being read by step 2 itself) but the output can alias value 0.
        let layout = ChainLayout(Self.identityBottleneck, valueBytes: [3 * 24 * 49 * 4, 3 * 6 * 49 * 4, 3 * 6 * 49 * 4, 3 * 24 * 49 * 4])
        #expect(layout.accumulatesInPlace == [false, false, true])
        #expect(layout.slotOf[3] == layout.slotOf[0])
        #expect(Set(layout.slotOf).count == 3)
        // Reused residual: value 0 is read again by step 3, so step 2 must copy, not alias.
        let reused = ChainLayout(Self.reusedResidual, valueBytes: Array(repeating: 8 * 36 * 4, count: 4))
        #expect(reused.accumulatesInPlace == [false, false, true])
    }
}
