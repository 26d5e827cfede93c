import TensorKernels
import TensorTestSupport
import Testing

/// Hand-worked convolutions on a 3x3 image x = [[1,2,3],[4,5,6],[7,8,9]].
@Suite struct ReferenceConvolutionTests {
    let kernels = ReferenceKernels()
    let image = ramp(9)

    func single(kernel: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1) -> Conv2dGeometry {
        Conv2dGeometry(
            batch: 1, inputChannels: 1, inputHeight: 3, inputWidth: 3, outputChannels: 1,
            kernelHeight: kernel, kernelWidth: kernel, strideHeight: stride, strideWidth: stride,
            paddingHeight: padding, paddingWidth: padding,
            dilationHeight: dilation, dilationWidth: dilation)
    }

    @Test func forwardWithBias() {
        // w = [[1,0],[0,-1]]: y[r,c] = x[r,c] - x[r+1,c+1] = -4 everywhere, + bias 0.5.
        let g = single(kernel: 2)
        let y = output(4) { kernels.conv2dForward(g, input: image, weight: [1, 0, 0, -1], bias: [0.5], output: $0) }
        expectClose(y, [-3.5, -3.5, -3.5, -3.5])
    }

    @Test func forwardStridePadding() {
        // 3x3 ones, stride 2, padding 1: output 2x2; windows hold the 2x2 image corners:
        // 1+2+4+5 = 12, 2+3+5+6 = 16, 4+5+7+8 = 24, 5+6+8+9 = 28.
        let g = single(kernel: 3, stride: 2, padding: 1)
        #expect(g.outputHeight == 2 && g.outputWidth == 2)
        let y = output(4) {
            kernels.conv2dForward(g, input: image, weight: [Float](repeating: 1, count: 9), bias: nil, output: $0)
        }
        expectClose(y, [12, 16, 24, 28])
    }

    @Test func forwardDilation() {
        // 2x2 ones dilated by 2 touch the four corners: 1 + 3 + 7 + 9 = 20.
        let g = single(kernel: 2, dilation: 2)
        let y = output(1) { kernels.conv2dForward(g, input: image, weight: [1, 1, 1, 1], bias: nil, output: $0) }
        expectClose(y, [20])
    }

    @Test func forwardGroupsAndDepthwise() {
        // Two 1x1 input channels [3, 5]. groups 2, 2 outputs, w = [2, 10]: [3*2, 5*10] = [6, 50].
        let grouped = Conv2dGeometry(
            batch: 1, inputChannels: 2, inputHeight: 1, inputWidth: 1,
            outputChannels: 2, kernelHeight: 1, kernelWidth: 1, groups: 2)
        let y = output(2) { kernels.conv2dForward(grouped, input: [3, 5], weight: [2, 10], bias: nil, output: $0) }
        expectClose(y, [6, 50])
        // Depthwise with multiplier 2: outputs 0,1 read channel 0, outputs 2,3 read channel 1:
        // w = [1,2,3,4] -> [3, 6, 15, 20].
        var depthwise = grouped
        depthwise.outputChannels = 4
        let z = output(4) {
            kernels.conv2dForward(depthwise, input: [3, 5], weight: [1, 2, 3, 4], bias: nil, output: $0)
        }
        expectClose(z, [3, 6, 15, 20])
    }

    @Test func backwardDataTwoByTwo() {
        // w = [[1,0],[0,-1]], dy = ones(2x2): +1 lands on the top-left 2x2, -1 on the bottom-right 2x2.
        let g = single(kernel: 2)
        let dx = output(9) {
            kernels.conv2dBackwardData(g, outputGradient: [1, 1, 1, 1], weight: [1, 0, 0, -1], inputGradient: $0)
        }
        expectClose(dx, [1, 1, 0, 1, 0, -1, 0, -1, -1])
    }

    @Test func backwardDataStridePadding() {
        // 3x3 ones, stride 2, pad 1, dy = [1,2,3,4]: each pixel sums dy of the windows covering it.
        // Centre is in all four (10); corners in one each. Adjoint check: <conv(x), dy> =
        // 12+32+72+112 = 228 = <x, dx> = 1*1+2*3+3*2+4*4+5*10+6*6+7*3+8*7+9*4.
        let g = single(kernel: 3, stride: 2, padding: 1)
        let dx = output(9) {
            kernels.conv2dBackwardData(
                g, outputGradient: [1, 2, 3, 4], weight: [Float](repeating: 1, count: 9), inputGradient: $0)
        }
        expectClose(dx, [1, 3, 2, 4, 10, 6, 3, 7, 4])
    }

    @Test func backwardWeightsStridePadding() {
        // dW[ky,kx] = sum dy[oy,ox] * x[2oy-1+ky, 2ox-1+kx]; e.g. centre = 1*1 + 2*3 + 3*7 + 4*9 = 64,
        // dW[0,0] = 4 * x[1,1] = 20. Sum of dW = 228 (= <conv(x, ones), dy>). Bias grad = 1+2+3+4.
        let g = single(kernel: 3, stride: 2, padding: 1)
        let (dw, db) = outputs(9, 1) {
            kernels.conv2dBackwardWeights(
                g, input: image, outputGradient: [1, 2, 3, 4], weightGradient: $0, biasGradient: $1)
        }
        expectClose(dw, [20, 36, 15, 36, 64, 26, 10, 16, 5])
        expectClose(db, [10])
    }

    @Test func backwardWeightsGroupedBatch() {
        // groups 2, 1x1 kernels, batch 2: x = [[3,5],[1,2]] (n, c), dy = [[1,1],[2,-1]].
        // dW[0] = 3*1 + 1*2 = 5, dW[1] = 5*1 + 2*(-1) = 3; db = [1+2, 1-1] = [3, 0].
        let g = Conv2dGeometry(
            batch: 2, inputChannels: 2, inputHeight: 1, inputWidth: 1,
            outputChannels: 2, kernelHeight: 1, kernelWidth: 1, groups: 2)
        let (dw, db) = outputs(2, 2) {
            kernels.conv2dBackwardWeights(
                g, input: [3, 5, 1, 2], outputGradient: [1, 1, 2, -1], weightGradient: $0, biasGradient: $1)
        }
        expectClose(dw, [5, 3])
        expectClose(db, [3, 0])
    }
}
