import TensorKernels
import TensorTestSupport
import Testing

/// oneDNN batch norm against the reference. Inputs are 3 + 2u (u uniform in [-1, 1]) so the mean is
/// far from zero, which exposes a naive E[x^2] - E[x]^2 variance. Statistics over M <= 600 values
/// lose about sqrt(M) * 6e-8 relative in Float32; outputs are O(1): rtol = atol = 1e-4. The input
/// gradient cancels three O(1) terms, hence the same absolute tolerance rather than a relative one.
@Suite struct DNNLBatchNormTests {
    let reference = ReferenceKernels()
    let accelerated = DNNLKernels()

    static let geometries = [
        BatchNormGeometry(batch: 2, channels: 3, spatial: 25),
        BatchNormGeometry(batch: 1, channels: 16, spatial: 49),
        BatchNormGeometry(batch: 3, channels: 5, spatial: 1),  // [N, C] input (BatchNorm1d)
        BatchNormGeometry(batch: 4, channels: 32, spatial: 9, epsilon: 1e-3),
        BatchNormGeometry(batch: 2, channels: 64, spatial: 300),
    ]

    struct Data {
        let input, scale, shift, outputGradient, runningMean, runningVariance: [Float]
        init(_ g: BatchNormGeometry) {
            var generator = SeededGenerator(seed: 9)
            input = randomValues(g.count, &generator).map { 3 + 2 * $0 }
            scale = randomValues(g.channels, &generator).map { 1 + 0.5 * $0 }
            shift = randomValues(g.channels, &generator)
            outputGradient = randomValues(g.count, &generator)
            runningMean = randomValues(g.channels, &generator)
            runningVariance = randomValues(g.channels, &generator).map { 1.5 + $0 }
        }
    }

    @Test(arguments: geometries)
    func training(_ g: BatchNormGeometry) {
        let d = Data(g)
        func run(_ kernels: any KernelSet) -> ([Float], [Float], [Float]) {
            var mean = [Float](repeating: .nan, count: g.channels)
            var variance = mean
            let y = output(g.count) {
                kernels.batchNormForwardTraining(
                    g, input: d.input, scale: d.scale, shift: d.shift, output: $0,
                    mean: &mean, variance: &variance)
            }
            return (y, mean, variance)
        }
        let (expectedY, expectedMean, expectedVariance) = run(reference)
        let (actualY, actualMean, actualVariance) = run(accelerated)
        expectClose(actualMean, expectedMean, rtol: 1e-5, atol: 1e-5)
        expectClose(actualVariance, expectedVariance, rtol: 1e-4, atol: 1e-5)
        expectClose(actualY, expectedY, rtol: 1e-4, atol: 1e-4)
    }

    @Test(arguments: geometries)
    func inference(_ g: BatchNormGeometry) {
        let d = Data(g)
        func run(_ kernels: any KernelSet) -> [Float] {
            output(g.count) {
                kernels.batchNormForwardInference(
                    g, input: d.input, scale: d.scale, shift: d.shift,
                    mean: d.runningMean, variance: d.runningVariance, output: $0)
            }
        }
        expectClose(run(accelerated), run(reference), rtol: 1e-5, atol: 1e-5)
    }

    @Test(arguments: geometries)
    func backward(_ g: BatchNormGeometry) {
        let d = Data(g)
        var mean = [Float](repeating: 0, count: g.channels)
        var variance = mean
        _ = output(g.count) {
            reference.batchNormForwardTraining(
                g, input: d.input, scale: d.scale, shift: d.shift, output: $0,
                mean: &mean, variance: &variance)
        }
        func run(_ kernels: any KernelSet) -> ([Float], [Float], [Float]) {
            var scaleGradient = [Float](repeating: .nan, count: g.channels)
            var shiftGradient = scaleGradient
            let dx = output(g.count) {
                kernels.batchNormBackward(
                    g, input: d.input, outputGradient: d.outputGradient, scale: d.scale,
                    mean: mean, variance: variance, inputGradient: $0,
                    scaleGradient: &scaleGradient, shiftGradient: &shiftGradient)
            }
            return (dx, scaleGradient, shiftGradient)
        }
        let (expectedDx, expectedScale, expectedShift) = run(reference)
        let (actualDx, actualScale, actualShift) = run(accelerated)
        expectClose(actualShift, expectedShift, rtol: 1e-4, atol: 1e-4)
        expectClose(actualScale, expectedScale, rtol: 1e-4, atol: 1e-4)
        expectClose(actualDx, expectedDx, rtol: 1e-4, atol: 1e-4)
    }
}
