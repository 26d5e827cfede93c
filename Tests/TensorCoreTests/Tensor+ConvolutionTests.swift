import Testing
import TensorCore
import TensorTestSupport

@Suite struct ConvolutionTests {
    @Test(arguments: KernelChoice.allCases)
    func convolutionMatchesHandValues(kernels: KernelChoice) {
        kernels.run {
            // 3x3 input 1..9, 2x2 kernel [[1, 0], [0, -1]], bias 10, stride 1, no padding:
            // out(y, x) = in(y, x) − in(y+1, x+1) + 10 = 1−5, 2−6, 4−8, 5−9 → all −4 + 10 = 6.
            let x = Tensor(shape: [1, 1, 3, 3], scalars: (1...9).map(Float.init))
            let w = Tensor(shape: [1, 1, 2, 2], scalars: [1, 0, 0, -1])
            let y = conv2d(x, weight: w, bias: Tensor(shape: [1], scalars: [10]))
            #expect(y.shape == [1, 1, 2, 2])
            #expect(y.scalars == [6, 6, 6, 6])
            // Padding 1, stride 2, 1x1 kernel of 2: output (i, j) samples input (2i − 1, 2j − 1), i.e.
            // rows/columns −1, 1, 3; only (1, 1) = 5 is inside, giving 10; the rest is padding.
            let sampled = conv2d(x, weight: Tensor(shape: [1, 1, 1, 1], scalars: [2]), stride: 2, padding: 1)
            #expect(sampled.shape == [1, 1, 3, 3])
            #expect(sampled.scalars == [0, 0, 0, 0, 10, 0, 0, 0, 0])
            // Dilation 2 with a 2x2 ones kernel on 3x3: corners 1 + 3 + 7 + 9 = 20.
            let dilated = conv2d(x, weight: Tensor.ones(shape: [1, 1, 2, 2]), dilation: 2)
            #expect(dilated.scalars == [20])
        }
    }

    @Test(arguments: KernelChoice.allCases)
    func depthwiseConvolutionKeepsChannelsApart(kernels: KernelChoice) {
        kernels.run {
            // 2 channels of ones, groups 2, weights 1x1 of [3] and [5]: channel c is scaled alone.
            let x = Tensor.ones(shape: [1, 2, 2, 2])
            let w = Tensor(shape: [2, 1, 1, 1], scalars: [3, 5])
            #expect(conv2d(x, weight: w, groups: 2).scalars == [3, 3, 3, 3, 5, 5, 5, 5])
        }
    }

    @Test(arguments: KernelChoice.allCases)
    func convolutionsPassGradientChecks(kernels: KernelChoice) {
        kernels.run {
            let x = testTensor([2, 4, 5, 5], seed: 30)
            let w = testTensor([3, 4, 3, 3], seed: 31), b = testTensor([3], seed: 32)
            checkGradients({ conv2d($0[0], weight: $0[1], bias: $0[2], padding: 1) }, at: [x, w, b], "3x3 pad 1")
            checkGradients({ conv2d($0[0], weight: $0[1], bias: $0[2], stride: 2) }, at: [x, w, b], "stride 2")
            checkGradients({ conv2d($0[0], weight: $0[1], padding: 2, dilation: 2) }, at: [x, w], "dilation 2")
            let grouped = testTensor([6, 2, 3, 3], seed: 33)
            checkGradients({ conv2d($0[0], weight: $0[1], padding: 1, groups: 2) }, at: [x, grouped], "groups 2")
            let depthwise = testTensor([4, 1, 3, 3], seed: 34)
            checkGradients({ conv2d($0[0], weight: $0[1], stride: 2, padding: 1, groups: 4) }, at: [x, depthwise], "depthwise")
            let wide = testTensor([2, 4, 1, 3], seed: 35)
            checkGradients({ conv2d($0[0], weight: $0[1], stride: (1, 2), padding: (0, 1)) }, at: [x, wide], "1x3 kernel")
        }
    }

    @Test func onlyNeededConvolutionGradientsAreComputed() {
        // d/d(weight) without d/d(input): result must still be right (backward-data skipped).
        let x = testTensor([1, 2, 4, 4], seed: 36), w = testTensor([2, 2, 3, 3], seed: 37)
        let y = conv2d(x, weight: w, padding: 1)
        let both = gradients(of: y, wrt: [x, w])
        let weightOnly = gradients(of: y, wrt: [w])
        #expect(weightOnly[0].scalars == both[1].scalars)
    }
}
