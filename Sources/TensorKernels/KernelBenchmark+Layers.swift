//! Timings of the memory-bound kernels: pooling and batch norm.

/// Which pooling pass to time.
public enum PoolingPass: String, CaseIterable, Sendable { case forward, backward }

/// Which batch-norm pass to time.
public enum BatchNormPass: String, CaseIterable, Sendable { case training, inference, backward }

extension KernelBenchmark {
    /// Seconds (per `statistic`) of one pooling `pass` of `geometry` on `kernels`.
    /// Bytes moved, for a GB/s figure: about `4 * (inputCount + outputCount)` forward.
    public static func pool(
        _ geometry: Pool2dGeometry, pass: PoolingPass = .forward,
        kernels: any KernelSet = Kernels.accelerated, repeats: Int = 10,
        statistic: BenchmarkStatistic = .median, clock: BenchmarkClock = .wall
    ) -> Double {
        let g = geometry
        let input = filled(g.inputCount)
        let outputGradient = filled(g.outputCount)
        var output = [Float](repeating: 0, count: g.outputCount)
        var inputGradient = [Float](repeating: 0, count: g.inputCount)
        return seconds(repeats: repeats, statistic, clock: clock) {
            switch pass {
            case .forward:
                kernels.pool2dForward(g, input: input, output: &output)
            case .backward:
                kernels.pool2dBackward(g, input: input, outputGradient: outputGradient, inputGradient: &inputGradient)
            }
        }
    }

    /// Seconds (per `statistic`) of one batch-norm `pass` of `geometry` on `kernels`.
    public static func batchNorm(
        _ geometry: BatchNormGeometry, pass: BatchNormPass = .training,
        kernels: any KernelSet = Kernels.accelerated, repeats: Int = 10,
        statistic: BenchmarkStatistic = .median, clock: BenchmarkClock = .wall
    ) -> Double {
        let g = geometry
        let input = filled(g.count)
        let outputGradient = filled(g.count)
        let scale = [Float](repeating: 1, count: g.channels)
        let shift = [Float](repeating: 0, count: g.channels)
        let variance = [Float](repeating: 1, count: g.channels)
        var mean = [Float](repeating: 0, count: g.channels)
        var batchVariance = mean
        var output = [Float](repeating: 0, count: g.count)
        var scaleGradient = mean
        var shiftGradient = mean
        return seconds(repeats: repeats, statistic, clock: clock) {
            switch pass {
            case .training:
                kernels.batchNormForwardTraining(
                    g, input: input, scale: scale, shift: shift, output: &output, mean: &mean, variance: &batchVariance)
            case .inference:
                kernels.batchNormForwardInference(
                    g, input: input, scale: scale, shift: shift, mean: mean, variance: variance, output: &output)
            case .backward:
                kernels.batchNormBackward(
                    g, input: input, outputGradient: outputGradient, scale: scale, mean: mean, variance: variance,
                    inputGradient: &output, scaleGradient: &scaleGradient, shiftGradient: &shiftGradient)
            }
        }
    }
}
