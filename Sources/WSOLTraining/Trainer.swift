//! The training loop: epochs of method steps, per-epoch evaluation, checkpoints, NaN stop.
import Foundation
import Logging
import TensorCore
import TensorDistributed
import TensorNN
import WSOLData
import WSOLModels

/// Progress of one step, for progress bars.
public struct StepProgress: Sendable {
    /// 0-based epoch and batch, and the epoch's batch count.
    public var epoch: Int, batch: Int, batchCount: Int, epochs: Int
    public var globalStep: Int
    /// Running means of the epoch so far (loss; top-1 accuracy in percent).
    public var loss: Double, accuracy: Double
    public var imagesPerSecond: Double
    /// Estimated seconds left in the run (training steps only).
    public var secondsLeft: Double
}

/// Callbacks and test hooks.
public struct TrainingHooks {
    public var onStep: ((StepProgress) -> Void)?
    public var onEpoch: ((EpochRecord) -> Void)?
    /// Test hook simulating a kill: return right after this global step, writing nothing more.
    public var stopAfterStep: Int?
    /// Also write the last checkpoint every this many steps (tests; the CLI uses minutes).
    public var checkpointEverySteps: Int?
    /// Asked after every step: `true` writes the last checkpoint and ends `run()` with `.stopped`
    /// (the CLI's Ctrl-C handler sets a flag that this reads; the run resumes from that checkpoint).
    public var shouldStop: (() -> Bool)?
    public init() {}
}

/// How `run()` ended.
public enum TrainingOutcome: Sendable, Equatable {
    case finished
    /// Stopped by ``TrainingHooks/stopAfterStep`` or ``TrainingHooks/shouldStop`` after this global step.
    case stopped(afterStep: Int)
}

/// Runs a configured training to the end (or to a hook's stop), resumable from its checkpoints.
///
/// Determinism: the data order depends on `(seed, epoch)`, augmentation on `(seed, epoch, image)`
/// and the method's randomness on `(seed, global step)`; with weights, optimizer state and the
/// counters of ``TrainingState`` in the checkpoint, a resumed run equals an uninterrupted one
/// bit for bit (on the same machine and thread count).
public final class Trainer {
    public let config: TrainingConfig
    public let model: any FeatureMapClassifier
    public let optimizer: any Optimizer
    public let method: any WSOLTrainingMethod
    public let loader: ImageLoader
    /// Per-epoch model selection split (train-fullsup), if any.
    public let evaluator: SplitEvaluator?
    public let directory: RunDirectory
    public internal(set) var manifest: RunManifest
    public internal(set) var state = TrainingState()
    public var hooks = TrainingHooks()
    /// The ranks training together (`Trainer+Distributed.swift`); one process by default.
    /// Set before ``resume()``/``run()``; the loader must be sharded to match (``TrainingSetup``).
    public var communicator: any Communicator = SingleProcessCommunicator() {
        didSet { gradientAverager = GradientAverager(communicator: communicator) }
    }
    var gradientAverager = GradientAverager(communicator: SingleProcessCommunicator())
    /// Seconds spent averaging gradients across ranks since this object was made (0 with one rank).
    public internal(set) var communicationSeconds = 0.0
    let logger: Logger

    public init(config: TrainingConfig, model: any FeatureMapClassifier, optimizer: any Optimizer,
                method: any WSOLTrainingMethod, loader: ImageLoader, evaluator: SplitEvaluator?,
                manifest: RunManifest, logger: Logger = Logger(label: "wsol.train")) throws {
        guard loader.batchCount > 0 else {
            throw TrainingError.emptyEpoch(images: loader.items.count, batchSize: loader.options.batchSize)
        }
        (self.config, self.model, self.optimizer, self.method) = (config, model, optimizer, method)
        (self.loader, self.evaluator, self.manifest, self.logger) = (loader, evaluator, manifest, logger)
        directory = RunDirectory(path: config.outputDirectory)
    }

    /// Continues from the run directory's last checkpoint (weights, optimizer, method, position).
    public func resume() throws {
        state = try TrainingCheckpoint.restore(from: directory.lastCheckpoint, model: model,
                                               optimizer: optimizer, method: method)
        manifest.metrics.epochs = state.history
        (manifest.metrics.bestEpoch, manifest.metrics.bestScore) = (state.bestEpoch, state.bestScore)
        if isRoot { try directory.writeLog(state.history) }
        logger.info("resuming \(directory.path) at epoch \(state.epoch + 1), batch \(state.batchInEpoch), step \(state.globalStep)")
    }

    /// Trains until `config.epochs` are done. Throws ``TrainingError/nonFiniteLoss`` on NaN/Inf.
    public func run() throws -> TrainingOutcome {
        prepareRanks()
        manifest.status = "running"
        if isRoot {
            try directory.create()
            try directory.writeManifest(manifest)
        }
        var lastSave = Date()
        while state.epoch < config.epochs {
            let factor = schedule.factor(epoch: state.epoch)
            optimizer.scaleLearningRates(by: factor)
            model.train()
            let batches = loader.epoch(state.epoch, startingAtBatch: state.batchInEpoch)
            var started = Date()
            while let batch = try batches.next() {
                try step(batch)
                state.epochSeconds += Date().timeIntervalSince(started)
                started = Date()
                reportStep()
                if let stop = hooks.stopAfterStep, state.globalStep >= stop { return .stopped(afterStep: state.globalStep) }
                if hooks.shouldStop?() == true {
                    try saveLast()
                    return .stopped(afterStep: state.globalStep)
                }
                if checkpointDue(since: lastSave) {
                    try saveLast()
                    lastSave = Date()
                }
            }
            try finishEpoch()
            lastSave = Date()
        }
        manifest.status = "finished"
        if isRoot { try directory.writeManifest(manifest) }
        return .finished
    }

    var schedule: LearningRateSchedule {
        switch config.schedule {
        case "constant": return .constant
        case "cosine": return .cosine(totalEpochs: config.epochs, minimumFactor: 0)
        case "poly": return .poly(totalEpochs: config.epochs, power: 0.9)
        default: return .stepDecay(every: config.decayEvery, gamma: config.decayGamma)
        }
    }

    /// One optimizer step; refuses a non-finite loss before anything is applied.
    func step(_ batch: ImageBatch) throws {
        var random = RandomGenerator(seed: Self.stepSeed(config.seed ^ rankStream, state.globalStep))
        method.prepareStep(at: TrainingPosition(epoch: state.epoch, epochs: config.epochs, globalStep: state.globalStep,
                                                totalSteps: config.epochs * loader.batchCount))
        // Dropout masks are keyed to the step too, so a resumed run draws the same ones.
        let output = DropoutContext.$step.withValue(UInt64(state.globalStep) ^ rankStream) {
            method.step(model: model, batch: batch.trainingBatch, random: &random)
        }
        let predictions = output.logits.argmax(axis: 1)
        let totals = globalTotals(loss: output.loss.scalar, correct: zip(predictions, batch.labels).filter { $0 == $1 }.count,
                                  images: batch.count)
        let loss = totals.meanLoss
        guard loss.isFinite else {
            let kept = FileManager.default.fileExists(atPath: directory.lastCheckpoint) ? directory.lastCheckpoint : nil
            let error = TrainingError.nonFiniteLoss(value: loss, step: state.globalStep + 1, epoch: state.epoch,
                                                    batch: state.batchInEpoch, lastCheckpoint: kept)
            manifest.status = "stopped: \(error)"
            if isRoot { try? directory.writeManifest(manifest) }
            throw error
        }
        optimizer.step(averagedGradients(output.loss.backward()))
        method.synchronize(using: communicator)
        if !(model is any LabelFreeModel) { state.epochCorrect += totals.correct }
        state.epochImages += totals.images
        state.epochLossSum += Double(loss)
        state.batchInEpoch += 1
        state.globalStep += 1
    }

    /// A per-step seed: SplitMix-style mixing so neighbouring steps get unrelated streams.
    static func stepSeed(_ seed: UInt64, _ step: Int) -> UInt64 {
        var z = seed &+ UInt64(step) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        return z ^ (z >> 27)
    }

    func checkpointDue(since lastSave: Date) -> Bool {
        if let every = hooks.checkpointEverySteps { return state.globalStep % every == 0 }
        return Date().timeIntervalSince(lastSave) >= config.checkpointMinutes * 60
    }

    func saveLast() throws {
        guard isRoot else { return }
        try TrainingCheckpoint.save(model: model, optimizer: optimizer, method: method, state: state,
                                    to: directory.lastCheckpoint)
    }

    func reportStep() {
        guard let onStep = hooks.onStep else { return }
        let batchesLeft = (config.epochs - state.epoch) * loader.batchCount - state.batchInEpoch
        let secondsPerBatch = state.epochSeconds / Double(max(state.batchInEpoch, 1))
        onStep(StepProgress(epoch: state.epoch, batch: state.batchInEpoch - 1, batchCount: loader.batchCount,
                            epochs: config.epochs, globalStep: state.globalStep,
                            loss: state.epochLossSum / Double(max(state.batchInEpoch, 1)),
                            accuracy: Double(state.epochCorrect) * 100 / Double(max(state.epochImages, 1)),
                            imagesPerSecond: Double(state.epochImages) / max(state.epochSeconds, 1e-9),
                            secondsLeft: Double(batchesLeft) * secondsPerBatch))
    }
}

extension ImageBatch {
    /// The batch as a method sees it (images, labels, and boxes in the augmented input frame).
    var trainingBatch: TrainingBatch {
        TrainingBatch(images: tensor, labels: labels, boxes: boxes.map { list in
            list.map { TrainingBox(x0: Float($0.x0), y0: Float($0.y0), x1: Float($0.x1), y1: Float($0.y1)) }
        })
    }
}
