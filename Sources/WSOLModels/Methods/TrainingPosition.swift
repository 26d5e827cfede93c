//! Where a run is, as the training loop tells its method before each step.

/// The position of the next training step in the run (all counters 0-based).
public struct TrainingPosition: Sendable, Equatable {
    /// The epoch the step belongs to, in `0..<epochs`.
    public var epoch: Int
    /// The run's number of epochs.
    public var epochs: Int
    /// Steps done before this one.
    public var globalStep: Int
    /// Steps of the whole run (`epochs × batches per epoch`).
    public var totalSteps: Int

    public init(epoch: Int, epochs: Int, globalStep: Int, totalSteps: Int) {
        (self.epoch, self.epochs, self.globalStep, self.totalSteps) = (epoch, epochs, globalStep, totalSteps)
    }

    /// Training progress in [0, 1): `globalStep / totalSteps` (DANN's gradient-reversal schedule).
    public var progress: Double { totalSteps > 0 ? Double(globalStep) / Double(totalSteps) : 0 }
}
