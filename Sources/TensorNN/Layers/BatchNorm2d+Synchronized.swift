//! Synchronised batch norm: statistics over the union of every rank's batch (data parallel).
import TensorCore
import TensorDistributed

extension BatchNorm2d {
    /// Training-mode batch norm with the mean and biased variance of all ranks' samples
    /// (PyTorch `SyncBatchNorm`). Built from differentiable ops and two cross-rank sums
    /// (the channel sums, then the sums of squared deviations from the global mean: two passes,
    /// as the single-pass `E[x²] - E[x]²` loses precision when the mean is large); the backward
    /// of each sum is a sum of gradients over ranks, which gives the exact gradient of the
    /// global statistics. With one rank this equals the fused kernel up to rounding.
    func synchronizedForward(_ input: Tensor, communicator: any Communicator) -> Tensor {
        let channels = input.shape[1]
        let axes = input.rank == 4 ? [0, 2, 3] : [0]
        let channelShape = input.rank == 4 ? [1, channels, 1, 1] : [1, channels]
        let sampleCount = communicator.sum([input.count / max(channels, 1)])[0]
        let mean = communicator.sumAcrossRanks(input.sum(axes: axes)) / Float(sampleCount)
        let centered = input - mean.reshaped(to: channelShape)
        let variance = communicator.sumAcrossRanks((centered * centered).sum(axes: axes)) / Float(sampleCount)
        let normalized = centered / sqrt(variance + epsilon).reshaped(to: channelShape)
        updateRunningStatistics(mean: mean, biasedVariance: variance, sampleCount: sampleCount)
        return normalized * weight.value.reshaped(to: channelShape) + bias.value.reshaped(to: channelShape)
    }
}

extension Module {
    /// Every module of the tree (this one first, then children depth-first).
    public func allModules() -> [any Module] {
        [self] + children.flatMap { $0.1.allModules() }
    }

    /// Switches every batch norm of the tree to synchronised statistics over `communicator`'s
    /// ranks (nil: back to per-rank statistics). Returns how many layers were switched.
    @discardableResult
    public func synchronizeBatchNorm(over communicator: (any Communicator)?) -> Int {
        let layers = allModules().compactMap { $0 as? BatchNorm2d }
        for layer in layers { layer.synchronizer = communicator }
        return layers.count
    }

    /// Overwrites every parameter and buffer with `root`'s values, so all ranks start equal.
    public func broadcastParameters(over communicator: any Communicator, root: Int = 0) {
        guard communicator.size > 1 else { return }
        for (_, parameter) in namedParameters() {
            var value = parameter.value
            value.withUnsafeMutableBufferPointer { communicator.broadcast(UnsafeMutableRawBufferPointer($0), root: root) }
            parameter.value = value
        }
    }
}
