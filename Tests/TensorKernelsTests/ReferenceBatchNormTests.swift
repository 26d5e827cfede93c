import TensorKernels
import TensorTestSupport
import Testing

/// Batch 2, 2 channels, spatial 2 (NCHW order n0c0 n0c0 n0c1 n0c1 n1c0 n1c0 n1c1 n1c1).
/// Channel 0 holds 0, 2, 4, 6: mean 3, biased variance (9+1+1+9)/4 = 5; with eps 4, invstd = 1/3.
/// Channel 1 is constant 5: mean 5, variance 0, invstd = 1/2.
@Suite struct ReferenceBatchNormTests {
    let kernels = ReferenceKernels()
    let geometry = BatchNormGeometry(batch: 2, channels: 2, spatial: 2, epsilon: 4)
    let input: [Float] = [0, 2, 5, 5, 4, 6, 5, 5]
    let scale: [Float] = [3, 2]
    let shift: [Float] = [1, -1]

    @Test func trainingForward() {
        var mean = [Float](repeating: .nan, count: 2)
        var variance = mean
        let y = output(8) { y in
            kernels.batchNormForwardTraining(
                geometry, input: input, scale: scale, shift: shift,
                output: y, mean: &mean, variance: &variance)
        }
        expectClose(mean, [3, 5])
        expectClose(variance, [5, 0])
        // Channel 0: (x - 3) / 3 * 3 + 1 = x - 2. Channel 1: 0 * 2 - 1 = -1.
        expectClose(y, [-2, 0, -1, -1, 2, 4, -1, -1])
    }

    @Test func inferenceUsesGivenStatistics() {
        // mean [0, 1], variance [0, 12]: channel 0 scale 3 / sqrt(4) = 1.5 -> 1.5x + 1;
        // channel 1: (5 - 1) / 4 * 2 - 1 = 1.
        let y = output(8) { y in
            kernels.batchNormForwardInference(
                geometry, input: input, scale: scale, shift: shift,
                mean: [0, 1], variance: [0, 12], output: y)
        }
        expectClose(y, [1, 4, 1, 1, 7, 10, 1, 1])
    }

    @Test func backward() {
        // Channel 0, dy = [1,0,0,0] over x = [0,2,4,6]: xhat = [-1,-1/3,1/3,1], dshift = 1, dscale = -1,
        // dx = 3 * (1/3) / 4 * (4 dy - 1 + xhat) = [0.5, -1/3, -1/6, 0].
        // Channel 1, dy = 1 everywhere: dshift = 4, dscale = 0, dx = 0.5 * 2 / 4 * (4 - 4) = 0.
        let dy: [Float] = [1, 0, 1, 1, 0, 0, 1, 1]
        var dscale = [Float](repeating: .nan, count: 2)
        var dshift = dscale
        let dx = output(8) { dx in
            kernels.batchNormBackward(
                geometry, input: input, outputGradient: dy, scale: scale,
                mean: [3, 5], variance: [5, 0], inputGradient: dx,
                scaleGradient: &dscale, shiftGradient: &dshift)
        }
        expectClose(dshift, [1, 4])
        expectClose(dscale, [-1, 0])
        expectClose(dx, [0.5, -1.0 / 3, 0, 0, -1.0 / 6, 0, 0, 0], atol: 1e-6)
    }
}
