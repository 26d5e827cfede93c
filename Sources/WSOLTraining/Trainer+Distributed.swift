//! Data-parallel training (docs/distributed.md): the Trainer's collectives.
import TensorCore
import TensorDistributed
import TensorNN

extension Trainer {
    /// Rank 0 writes checkpoints, the log and the manifest.
    var isRoot: Bool { communicator.isRoot }

    /// Mixed into the step seed and dropout key: 0 on rank 0 (a single process's streams are
    /// unchanged), distinct per rank so that ranks do not draw the same masks for their images.
    var rankStream: UInt64 { UInt64(communicator.rank) &* 0x9E37_79B9_7F4A_7C15 }

    /// Makes every rank start from rank 0's weights and buffers, and switches batch norm to
    /// synchronised statistics if the config asks (with more than one rank).
    func prepareRanks() {
        model.broadcastParameters(over: communicator)
        if config.syncBatchNorm && communicator.size > 1 { model.synchronizeBatchNorm(over: communicator) }
    }

    /// One step's loss, correct predictions and images over all ranks: the mean of the ranks'
    /// mean losses (equal shares of the global batch) and the summed counters, equal everywhere,
    /// so that a non-finite loss on any rank stops every rank at the same step.
    func globalTotals(loss: Float, correct: Int, images: Int) -> (meanLoss: Float, correct: Int, images: Int) {
        guard communicator.size > 1 else { return (loss, correct, images) }
        let sums = communicator.sum([Double(loss), Double(correct), Double(images)])
        return (Float(sums[0] / Double(communicator.size)), Int(sums[1]), Int(sums[2]))
    }

    /// The gradients averaged over ranks (bucketed allreduce), keyed for the optimizer.
    func averagedGradients(_ gradients: Gradients) -> Gradients {
        guard communicator.size > 1 else { return gradients }
        let parameters = optimizer.groups.flatMap { $0.parameters.map(\.value) }
        let averaged = gradientAverager.average(gradients, parameters: parameters)
        communicationSeconds += gradientAverager.lastSeconds
        return averaged
    }
}
