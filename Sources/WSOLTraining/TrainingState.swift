//! Where a run is: the position the checkpoint restores, and the per-epoch history.
import Foundation

/// One finished epoch (also one line of `log.jsonl`).
public struct EpochRecord: Sendable, Equatable, Codable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Mean training loss over the epoch's batches.
    public var trainLoss: Double
    /// Training top-1 accuracy on the (augmented) batches, percent.
    public var trainAccuracy: Double
    /// Scores on train-fullsup (model selection split).
    public var validation: SplitScores?
    /// The base group's learning rate during the epoch.
    public var learningRate: Double
    /// Training images per second over the epoch (wall clock, excluding evaluation).
    public var imagesPerSecond: Double
    public var seconds: Double
    /// True when the model trains without labels (C²AM): `trainAccuracy` is then 0 and meaningless.
    public var labelFree: Bool? = nil
}

/// The resumable position of a run. Randomness is derived from `(seed, globalStep)` and the
/// loader's order from `(seed, epoch)`, so these counters are the whole random state.
public struct TrainingState: Sendable, Equatable, Codable {
    /// The epoch being run (0-based); equals `epochs` when training is finished.
    public var epoch = 0
    /// Batches of `epoch` already applied.
    public var batchInEpoch = 0
    /// Optimizer steps applied since the start.
    public var globalStep = 0
    /// Running sums of the current epoch (so a resumed epoch reports the same means).
    public var epochLossSum = 0.0
    public var epochCorrect = 0
    public var epochImages = 0
    public var epochSeconds = 0.0
    /// Finished epochs.
    public var history: [EpochRecord] = []
    /// Best train-fullsup MaxBoxAccV2 (or top-1 when no boxes) so far and its 1-based epoch.
    public var bestScore: Double?
    public var bestEpoch: Int?

    public init() {}

    /// The selection score of a record: MaxBoxAccV2 when measured, else top-1, else -loss.
    static func selectionScore(_ record: EpochRecord) -> Double {
        record.validation?.maxBoxAccV2 ?? record.validation?.top1Accuracy ?? -record.trainLoss
    }
}
