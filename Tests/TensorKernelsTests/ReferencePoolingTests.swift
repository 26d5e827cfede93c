import TensorKernels
import TensorTestSupport
import Testing

@Suite struct ReferencePoolingTests {
    let kernels = ReferenceKernels()

    func row(
        width: Int, kernel: Int, stride: Int, padding: Int = 0, ceil: Bool = false,
        kind: PoolingKind
    ) -> Pool2dGeometry {
        Pool2dGeometry(
            batch: 1, channels: 1, inputHeight: 1, inputWidth: width, kernelHeight: 1,
            kernelWidth: kernel, strideHeight: 1, strideWidth: stride, paddingHeight: 0,
            paddingWidth: padding, ceilMode: ceil, kind: kind)
    }

    @Test func maxTwoByTwo() {
        // 4x4 ramp 1...16, 2x2 stride 2: maxima are the bottom-right of each block.
        let g = Pool2dGeometry(
            batch: 1, channels: 1, inputHeight: 4, inputWidth: 4, kernelHeight: 2,
            kernelWidth: 2, strideHeight: 2, strideWidth: 2, kind: .max)
        let y = output(4) { kernels.pool2dForward(g, input: ramp(16), output: $0) }
        expectClose(y, [6, 8, 14, 16])
    }

    @Test func maxCeilMode() {
        // Width 5, kernel 2, stride 2: floor gives 2 outputs, ceil 3 (last window = [3] alone).
        let input: [Float] = [1, 5, 2, 8, 3]
        let floorG = row(width: 5, kernel: 2, stride: 2, kind: .max)
        let ceilG = row(width: 5, kernel: 2, stride: 2, ceil: true, kind: .max)
        #expect(floorG.outputWidth == 2 && ceilG.outputWidth == 3)
        expectClose(output(3) { kernels.pool2dForward(ceilG, input: input, output: $0) }, [5, 8, 3])
    }

    @Test func maxBackwardTiesGoToFirst() {
        // All four equal: the whole gradient goes to the first element of the window.
        let g = Pool2dGeometry(
            batch: 1, channels: 1, inputHeight: 2, inputWidth: 2, kernelHeight: 2,
            kernelWidth: 2, strideHeight: 2, strideWidth: 2, kind: .max)
        let dx = output(4) { kernels.pool2dBackward(g, input: [7, 7, 7, 7], outputGradient: [3], inputGradient: $0) }
        expectClose(dx, [3, 0, 0, 0])
    }

    @Test func maxBackwardOverlapAccumulates() {
        // Kernel 2 stride 1 over [1, 9, 2]: both windows pick 9, so it gets 1 + 2.
        let g = row(width: 3, kernel: 2, stride: 1, kind: .max)
        let dx = output(3) { kernels.pool2dBackward(g, input: [1, 9, 2], outputGradient: [1, 2], inputGradient: $0) }
        expectClose(dx, [0, 3, 0])
    }

    @Test func averagePaddingKinds() {
        // 3x3 ramp, kernel 3, stride 2, pad 1: in-image window sums 12, 16, 24, 28 over 4 pixels each.
        func geometry(_ kind: PoolingKind) -> Pool2dGeometry {
            Pool2dGeometry(
                batch: 1, channels: 1, inputHeight: 3, inputWidth: 3, kernelHeight: 3, kernelWidth: 3,
                strideHeight: 2, strideWidth: 2, paddingHeight: 1, paddingWidth: 1, kind: kind)
        }
        let including = output(4) {
            kernels.pool2dForward(geometry(.averageIncludingPadding), input: ramp(9), output: $0)
        }
        expectClose(including, [12.0 / 9, 16.0 / 9, 24.0 / 9, 28.0 / 9])
        let excluding = output(4) {
            kernels.pool2dForward(geometry(.averageExcludingPadding), input: ramp(9), output: $0)
        }
        expectClose(excluding, [3, 4, 6, 7])
    }

    @Test func averageCeilModeWindowPastPadding() {
        // Width 4, kernel 3, stride 2, pad 1, ceil: windows start at -1, 1, 3. The last covers
        // columns 3, 4(pad), 5(outside the padded image): including-pad divisor 2 -> 4/2 = 2;
        // excluding divisor 1 -> 4. First window: (1+2)/3 = 1 vs (1+2)/2 = 1.5. Middle: 9/3 = 3.
        let including = row(width: 4, kernel: 3, stride: 2, padding: 1, ceil: true, kind: .averageIncludingPadding)
        let excluding = row(width: 4, kernel: 3, stride: 2, padding: 1, ceil: true, kind: .averageExcludingPadding)
        #expect(including.outputWidth == 3)
        expectClose(output(3) { kernels.pool2dForward(including, input: [1, 2, 3, 4], output: $0) }, [1, 3, 2])
        expectClose(output(3) { kernels.pool2dForward(excluding, input: [1, 2, 3, 4], output: $0) }, [1.5, 3, 4])
    }

    @Test func averageBackwardSpreadsEvenly() {
        // Kernel 2 stride 1 over 3 pixels, dy = [1, 1]: the middle pixel is in both windows.
        let g = row(width: 3, kernel: 2, stride: 1, kind: .averageIncludingPadding)
        let dx = output(3) { kernels.pool2dBackward(g, input: [4, 5, 6], outputGradient: [1, 1], inputGradient: $0) }
        expectClose(dx, [0.5, 1, 0.5])
    }

    @Test func ceilModeNeverStartsInRightPadding() {
        // Width 4, kernel 2, stride 2, pad 1, ceil: span 4 -> ceil(4/2)+1 = 3 windows starting at
        // -1, 1, 3; a 4th would start at 5 >= 4 + 1 (in the right padding), so PyTorch drops it.
        // Width 5: span 5 -> ceil(5/2)+1 = 4, but the 4th starts at column 5 = width (padding): 3.
        // Width 6: span 6 -> 4 windows; the last starts at column 5 < 6, inside the image: kept.
        #expect(row(width: 4, kernel: 2, stride: 2, padding: 1, ceil: true, kind: .max).outputWidth == 3)
        #expect(row(width: 5, kernel: 2, stride: 2, padding: 1, ceil: true, kind: .max).outputWidth == 3)
        #expect(row(width: 6, kernel: 2, stride: 2, padding: 1, ceil: true, kind: .max).outputWidth == 4)
    }
}
