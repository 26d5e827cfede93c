import TensorTestSupport
import Testing

@testable import TensorKernels

/// The Swift pooling that stands in for oneDNN's generic implementations, against the reference.
/// It accumulates averages in Float over at most 16 values: rtol 1e-5. Max pooling is exact.
@Suite struct SwiftPoolingTests {
    static let geometries: [Pool2dGeometry] = [
        // General loops: padding, ceil mode, overlap, every kind.
        .init(
            batch: 2, channels: 3, inputHeight: 9, inputWidth: 7, kernelHeight: 3, kernelWidth: 3,
            strideHeight: 2, strideWidth: 2, paddingHeight: 1, paddingWidth: 1, ceilMode: true, kind: .max),
        .init(
            batch: 1, channels: 2, inputHeight: 10, inputWidth: 9, kernelHeight: 3, kernelWidth: 2,
            strideHeight: 2, strideWidth: 1, paddingHeight: 1, paddingWidth: 1, ceilMode: true,
            kind: .averageIncludingPadding),
        .init(
            batch: 2, channels: 2, inputHeight: 6, inputWidth: 8, kernelHeight: 4, kernelWidth: 4,
            strideHeight: 3, strideWidth: 3, paddingHeight: 2, paddingWidth: 1, kind: .averageExcludingPadding),
        // The 2x2/2 fast path: even sizes, and odd sizes with a trailing row/column outside every window.
        .init(
            batch: 2, channels: 3, inputHeight: 8, inputWidth: 6, kernelHeight: 2, kernelWidth: 2,
            strideHeight: 2, strideWidth: 2, kind: .max),
        .init(
            batch: 1, channels: 2, inputHeight: 7, inputWidth: 9, kernelHeight: 2, kernelWidth: 2,
            strideHeight: 2, strideWidth: 2, kind: .max),
    ]

    @Test func fastPathIsChosenOnlyForDisjointWindows() {
        #expect(!SwiftPooling(Self.geometries[0]).isDisjointTwoByTwoMax)
        #expect(SwiftPooling(Self.geometries[3]).isDisjointTwoByTwoMax)
        #expect(SwiftPooling(Self.geometries[4]).isDisjointTwoByTwoMax)
        var ceil = Self.geometries[4]
        ceil.ceilMode = true  // 7 -> 4 windows, the last one partial: general loops
        #expect(!SwiftPooling(ceil).isDisjointTwoByTwoMax)
    }

    @Test(arguments: geometries, [false, true])
    func matchesReference(_ g: Pool2dGeometry, ties: Bool) {
        var generator = SeededGenerator(seed: 31)
        // With ties, values come from {0, 1, 2} so windows hold several equal maxima.
        let x =
            ties
            ? (0..<g.inputCount).map { _ in Float(Int.random(in: 0...2, using: &generator)) }
            : randomValues(g.inputCount, &generator)
        let dy = randomValues(g.outputCount, &generator)
        let pooling = SwiftPooling(g)
        let reference = ReferenceKernels()
        let expected = output(g.outputCount) { reference.pool2dForward(g, input: x, output: $0) }
        expectClose(output(g.outputCount) { pooling.forward(input: x, output: $0) }, expected, rtol: 1e-5, atol: 1e-6)
        let expectedGradient = output(g.inputCount) {
            reference.pool2dBackward(g, input: x, outputGradient: dy, inputGradient: $0)
        }
        let actualGradient = output(g.inputCount) { pooling.backward(input: x, outputGradient: dy, inputGradient: $0) }
        expectClose(actualGradient, expectedGradient, rtol: 1e-5, atol: 1e-6)
    }

    @Test func nanWinsItsWindow() {
        // One 2x2 window [1, NaN, 3, 2]: forward NaN; the gradient goes to the NaN (index 1), as in the reference.
        let g = Pool2dGeometry(
            batch: 1, channels: 1, inputHeight: 2, inputWidth: 2, kernelHeight: 2, kernelWidth: 2,
            strideHeight: 2, strideWidth: 2, kind: .max)
        let x: [Float] = [1, .nan, 3, 2]
        let y = output(1) { SwiftPooling(g).forward(input: x, output: $0) }
        #expect(y[0].isNaN)
        let dx = output(4) { SwiftPooling(g).backward(input: x, outputGradient: [5], inputGradient: $0) }
        #expect(dx == [0, 5, 0, 0])
        let referenceDx = output(4) {
            ReferenceKernels().pool2dBackward(g, input: x, outputGradient: [5], inputGradient: $0)
        }
        #expect(referenceDx == dx)
    }
}

@Suite struct PoolingRouteTests {
    @Test func genericOneDNNImplementationsAreRoutedToSwift() {
        // oneDNN 2.6 has no jit kernel for plain-nchw pooling of 3 channels at 224x224 (it would use
        // simple_nchw); the accelerated set must then route to SwiftPooling and still match the reference.
        let g = Pool2dGeometry(
            batch: 1, channels: 3, inputHeight: 224, inputWidth: 224, kernelHeight: 2,
            kernelWidth: 2, strideHeight: 2, strideWidth: 2, kind: .max)
        guard case .swift = PoolingRoute(g) else {
            Issue.record("expected the Swift route for \(g)")
            return
        }
        var generator = SeededGenerator(seed: 8)
        let x = randomValues(g.inputCount, &generator)
        let dy = randomValues(g.outputCount, &generator)
        expectClose(
            output(g.outputCount) { DNNLKernels().pool2dForward(g, input: x, output: $0) },
            output(g.outputCount) { ReferenceKernels().pool2dForward(g, input: x, output: $0) }, rtol: 0, atol: 0)
        expectClose(
            output(g.inputCount) { DNNLKernels().pool2dBackward(g, input: x, outputGradient: dy, inputGradient: $0) },
            output(g.inputCount) {
                ReferenceKernels().pool2dBackward(g, input: x, outputGradient: dy, inputGradient: $0)
            },
            rtol: 0, atol: 0)
    }

    @Test func jitImplementationsStayOnOneDNN() {
        // 2x2/2 on 128 channels at 112x112 uses oneDNN's jit kernel.
        let g = Pool2dGeometry(
            batch: 1, channels: 128, inputHeight: 112, inputWidth: 112, kernelHeight: 2,
            kernelWidth: 2, strideHeight: 2, strideWidth: 2, kind: .max)
        guard case .onednn = PoolingRoute(g) else {
            Issue.record("expected the oneDNN route for \(g)")
            return
        }
    }
}
