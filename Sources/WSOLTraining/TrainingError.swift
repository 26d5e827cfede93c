//! Why a run stopped.

/// A training failure that is not a file or config error.
public enum TrainingError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The loss became NaN or infinite; nothing of that step was applied or saved.
    case nonFiniteLoss(value: Float, step: Int, epoch: Int, batch: Int, lastCheckpoint: String?)
    /// The training split has fewer images than one batch.
    case emptyEpoch(images: Int, batchSize: Int)

    public var description: String {
        switch self {
        case let .nonFiniteLoss(value, step, epoch, batch, checkpoint):
            let kept = checkpoint.map { "the last good checkpoint is kept: \($0)" } ?? "no checkpoint was written before it"
            return "loss is \(value) at step \(step) (epoch \(epoch + 1), batch \(batch + 1)); training stopped, \(kept)"
        case let .emptyEpoch(images, batchSize):
            return "the training split has \(images) images, fewer than one batch of \(batchSize)"
        }
    }
}
