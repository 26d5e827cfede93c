//! Reference batch normalisation over NCHW (statistics per channel over batch x spatial).
//!
//! Training forward: `mean_c = sum x / M`, `var_c = sum (x - mean_c)^2 / M` (biased), M = N * spatial;
//! `y = (x - mean) / sqrt(var + eps) * scale + shift`.
//! Backward (statistics depend on x), with `xhat = (x - mean) * invstd`:
//! `dshift = sum dy`, `dscale = sum dy * xhat`, `dx = scale * invstd / M * (M * dy - dshift - xhat * dscale)`.

extension ReferenceKernels {
    public func batchNormForwardTraining(
        _ geometry: BatchNormGeometry, input: UnsafePointer<Float>, scale: UnsafePointer<Float>,
        shift: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>
    ) {
        let g = geometry
        let count = Double(g.batch * g.spatial)
        for c in 0..<g.channels {
            var sum = 0.0
            forEachIndex(g, channel: c) { sum += Double(input[$0]) }
            let channelMean = sum / count
            var squares = 0.0
            forEachIndex(g, channel: c) {
                squares += (Double(input[$0]) - channelMean) * (Double(input[$0]) - channelMean)
            }
            mean[c] = Float(channelMean)
            variance[c] = Float(squares / count)
        }
        batchNormForwardInference(
            g, input: input, scale: scale, shift: shift,
            mean: mean, variance: variance, output: output)
    }

    public func batchNormForwardInference(
        _ geometry: BatchNormGeometry, input: UnsafePointer<Float>, scale: UnsafePointer<Float>,
        shift: UnsafePointer<Float>, mean: UnsafePointer<Float>, variance: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>
    ) {
        let g = geometry
        for c in 0..<g.channels {
            let inverseDeviation = 1 / (Double(variance[c]) + Double(g.epsilon)).squareRoot()
            let channelMean = Double(mean[c])
            let channelScale = Double(scale[c])
            let channelShift = Double(shift[c])
            forEachIndex(g, channel: c) {
                output[$0] = Float((Double(input[$0]) - channelMean) * inverseDeviation * channelScale + channelShift)
            }
        }
    }

    public func batchNormBackward(
        _ geometry: BatchNormGeometry, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        scale: UnsafePointer<Float>, mean: UnsafePointer<Float>, variance: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>, scaleGradient: UnsafeMutablePointer<Float>,
        shiftGradient: UnsafeMutablePointer<Float>
    ) {
        let g = geometry
        let count = Double(g.batch * g.spatial)
        for c in 0..<g.channels {
            let inverseDeviation = 1 / (Double(variance[c]) + Double(g.epsilon)).squareRoot()
            let channelMean = Double(mean[c])
            var gradientSum = 0.0
            var weightedSum = 0.0
            forEachIndex(g, channel: c) {
                let normalized = (Double(input[$0]) - channelMean) * inverseDeviation
                gradientSum += Double(outputGradient[$0])
                weightedSum += Double(outputGradient[$0]) * normalized
            }
            shiftGradient[c] = Float(gradientSum)
            scaleGradient[c] = Float(weightedSum)
            let factor = Double(scale[c]) * inverseDeviation / count
            forEachIndex(g, channel: c) {
                let normalized = (Double(input[$0]) - channelMean) * inverseDeviation
                inputGradient[$0] = Float(
                    factor * (count * Double(outputGradient[$0]) - gradientSum - normalized * weightedSum))
            }
        }
    }

    /// Calls `body` with every flat NCHW index of channel `channel`.
    private func forEachIndex(_ g: BatchNormGeometry, channel: Int, _ body: (Int) -> Void) {
        for n in 0..<g.batch {
            let start = (n * g.channels + channel) * g.spatial
            for i in start..<(start + g.spatial) { body(i) }
        }
    }
}
