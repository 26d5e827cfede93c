import Testing
import TensorCore
import TensorTestSupport

@Suite struct PoolingTests {
    // 4x4 plane 0..15.
    let x = Tensor(shape: [1, 1, 4, 4], scalars: (0..<16).map(Float.init))

    @Test(arguments: KernelChoice.allCases)
    func poolingMatchesHandValues(kernels: KernelChoice) {
        kernels.run {
            // 2x2 windows: maxima 5, 7, 13, 15; means (0+1+4+5)/4 = 2.5, 4.5, 10.5, 12.5.
            #expect(maxPool2d(x, kernelSize: 2).scalars == [5, 7, 13, 15])
            #expect(avgPool2d(x, kernelSize: 2).scalars == [2.5, 4.5, 10.5, 12.5])
            // 3x3, stride 2, padding 1: window at (0,0) covers rows/cols −1..1, in-image {0,1,4,5}.
            // Including padding: 10 / 9; excluding: 10 / 4 = 2.5.
            let included = avgPool2d(x, kernelSize: 3, stride: 2, padding: 1)
            expectClose([included.scalars[0]], [10 / Float(9)])
            let excluded = avgPool2d(x, kernelSize: 3, stride: 2, padding: 1, countIncludePad: false)
            #expect(excluded.scalars[0] == 2.5)
            #expect(maxPool2d(x, kernelSize: 3, stride: 2, padding: 1).scalars == [5, 7, 13, 15])
            // ceil mode: 4 wide, kernel 3 stride 2 -> floor 1, ceil 2 outputs per side.
            #expect(maxPool2d(x, kernelSize: 3, stride: 2, ceilMode: true).shape == [1, 1, 2, 2])
        }
    }

    @Test func adaptiveAndGlobalPoolingMatchHandValues() {
        // Global mean of 0..15 is 7.5.
        #expect(globalAvgPool2d(x).scalars == [7.5])
        #expect(globalAvgPool2d(x).shape == [1, 1, 1, 1])
        // 4 -> 2 adaptive equals 2x2 average pooling.
        #expect(adaptiveAvgPool2d(x, outputHeight: 2, outputWidth: 2).scalars == [2.5, 4.5, 10.5, 12.5])
        // 4 -> 3: windows [0,2), [1,3), [2,4) per axis. Top-left (0+1+4+5)/4 = 2.5,
        // centre rows 1..2 cols 1..2 = (5+6+9+10)/4 = 7.5.
        let three = adaptiveAvgPool2d(x, outputHeight: 3, outputWidth: 3)
        #expect(three.scalars[0] == 2.5)
        #expect(three.scalars[4] == 7.5)
    }

    @Test(arguments: KernelChoice.allCases)
    func poolingPassesGradientChecks(kernels: KernelChoice) {
        kernels.run {
            let t = distinctTestTensor([2, 2, 5, 5], seed: 40, spacing: 0.05)
            checkGradients({ maxPool2d($0[0], kernelSize: 2) }, at: [t], "max 2x2")
            checkGradients({ maxPool2d($0[0], kernelSize: 3, stride: 2, padding: 1) }, at: [t], "max 3x3 s2 p1")
            checkGradients({ maxPool2d($0[0], kernelSize: 2, ceilMode: true) }, at: [t], "max ceil")
            checkGradients({ avgPool2d($0[0], kernelSize: 3, stride: 2, padding: 1) }, at: [t], "avg incl pad")
            checkGradients({ avgPool2d($0[0], kernelSize: 3, stride: 1, padding: 1, countIncludePad: false) },
                           at: [t], "avg excl pad")
            checkGradients({ adaptiveAvgPool2d($0[0], outputHeight: 3, outputWidth: 2) }, at: [t], "adaptive")
            checkGradients({ globalAvgPool2d($0[0]) }, at: [t], "global")
        }
    }
}
