import Testing
import TensorCore
import TensorTestSupport

@Suite struct ReductionTests {
    // x = [[1, 2, 3], [4, 5, 6]]
    let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])

    @Test func sumAndMeanMatchHandValues() {
        #expect(x.sum().scalars == [21])
        #expect(x.sum().shape == [])
        #expect(x.sum(axes: [0]).scalars == [5, 7, 9])
        #expect(x.sum(axes: [1]).scalars == [6, 15])
        #expect(x.sum(axes: [1], keepDims: true).shape == [2, 1])
        #expect(x.sum(axes: [-1]).scalars == [6, 15])
        #expect(x.mean(axes: [1]).scalars == [2, 5])
        #expect(x.mean().scalars == [3.5])
    }

    @Test func sumOverNonAdjacentAxesOfNCHW() {
        // [2, 2, 1, 2] summed over N, H, W (batch-norm statistics layout): per channel.
        // channel 0: 1 + 2 + 5 + 6 = 14; channel 1: 3 + 4 + 7 + 8 = 22.
        let t = Tensor(shape: [2, 2, 1, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(t.sum(axes: [0, 2, 3]).scalars == [14, 22])
        #expect(t.sum(axes: [0, 2, 3], keepDims: true).shape == [1, 2, 1, 1])
    }

    @Test func longSumUsesEveryElement() {
        // 1000 ones plus the tail: exercises the SIMD blocks and the scalar remainder.
        let ones = Tensor.ones(shape: [3, 1003])
        #expect(ones.sum(axes: [1]).scalars == [1003, 1003, 1003])
    }

    @Test func varianceMatchesHandValues() {
        // Rows [1, 2, 3] and [4, 5, 6]: mean 2 and 5, squared deviations 1 + 0 + 1 = 2.
        // Biased: 2/3; unbiased: 2/2 = 1.
        expectClose(x.variance(axes: [1]).scalars, [2 / Float(3), 2 / Float(3)])
        expectClose(x.variance(axes: [1], unbiased: true).scalars, [1, 1])
    }

    @Test func maxMinArgmaxMatchHandValues() {
        let t = Tensor(shape: [2, 3], scalars: [3, 9, 1, 4, 4, 7])
        #expect(t.max(axis: 1).scalars == [9, 7])
        #expect(t.min(axis: 1).scalars == [1, 4])
        #expect(t.max(axis: 0).scalars == [4, 9, 7])
        #expect(t.argmax(axis: 1) == [1, 2])
        #expect(t.argmin(axis: 1) == [2, 0])   // tie 4, 4: the first wins
        #expect(t.max().scalars == [9])
        #expect(t.min().scalars == [1])
        #expect(t.max(axes: [0, 1], keepDims: true).shape == [1, 1])
        let cube = Tensor(shape: [2, 2, 2], scalars: [1, 8, 3, 4, 5, 6, 7, 2])
        #expect(cube.max(axes: [0, 2]).scalars == [8, 7])   // axis-1 slices {1,8,5,6} and {3,4,7,2}
        #expect(cube.min(axes: [1, 2]).scalars == [1, 2])
    }

    @Test func maxGradientGoesToTheFirstMaximum() {
        // Ties [5, 5, 1]: PyTorch's max(dim) routes the gradient to index 0 only.
        let t = Tensor(shape: [1, 3], scalars: [5, 5, 1])
        #expect(gradients(of: t.max(axis: 1), wrt: [t])[0].scalars == [1, 0, 0])
    }

    @Test func reductionsPassGradientChecks() {
        let t = distinctTestTensor([2, 3, 4], seed: 12)
        checkGradients({ $0[0].sum() }, at: [t])
        checkGradients({ $0[0].sum(axes: [0, 2]) }, at: [t])
        checkGradients({ $0[0].sum(axes: [1], keepDims: true) }, at: [t])
        checkGradients({ $0[0].mean(axes: [2]) }, at: [t])
        checkGradients({ $0[0].variance(axes: [0, 2]) }, at: [t])
        checkGradients({ $0[0].variance(axes: [1], unbiased: true) }, at: [t])
        checkGradients({ $0[0].max(axis: 1) }, at: [t])
        checkGradients({ $0[0].min(axis: 2, keepDims: true) }, at: [t])
        checkGradients({ $0[0].max(axes: [0, 2]) }, at: [t])
        checkGradients({ $0[0].max() }, at: [t])
    }
}
