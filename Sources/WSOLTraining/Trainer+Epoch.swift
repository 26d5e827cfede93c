//! The end of an epoch: evaluation, history, checkpoints, manifest and log.
import Foundation
import WSOLModels

extension Trainer {
    /// Evaluates, records the epoch, writes the last (and, if improved, best) checkpoint, then
    /// the log and manifest. The checkpoint goes first: a kill between the writes leaves a log
    /// that the resumed run rewrites from the checkpoint's history.
    func finishEpoch() throws {
        method.epochFinished(state.epoch, model: model)
        // Rank 0 alone evaluates (the others wait at their next collective): the record only
        // feeds rank 0's files; the weights are the same on every rank.
        let validation = isRoot ? try evaluator?.evaluate(model) : nil
        let record = EpochRecord(
            epoch: state.epoch + 1, trainLoss: state.epochLossSum / Double(max(state.batchInEpoch, 1)),
            trainAccuracy: Double(state.epochCorrect) * 100 / Double(max(state.epochImages, 1)),
            validation: validation, learningRate: Double(optimizer.groups.first?.learningRate ?? 0),
            imagesPerSecond: Double(state.epochImages) / max(state.epochSeconds, 1e-9), seconds: state.epochSeconds,
            labelFree: model is any LabelFreeModel ? true : nil)
        state.history.append(record)
        (state.epoch, state.batchInEpoch, state.epochLossSum) = (state.epoch + 1, 0, 0)
        (state.epochCorrect, state.epochImages, state.epochSeconds) = (0, 0, 0)
        let score = TrainingState.selectionScore(record)
        let improved = state.bestScore.map { score > $0 } ?? true
        if improved { (state.bestScore, state.bestEpoch) = (score, record.epoch) }
        try saveLast()
        guard isRoot else { return }
        if improved {
            try TrainingCheckpoint.save(model: model, optimizer: optimizer, method: method, state: state,
                                        to: directory.bestCheckpoint)
        }
        try directory.writeLog(state.history)
        manifest.metrics.epochs = state.history
        (manifest.metrics.bestEpoch, manifest.metrics.bestScore) = (state.bestEpoch, state.bestScore)
        try directory.writeManifest(manifest)
        logger.info("\(Self.summary(record))")
        hooks.onEpoch?(record)
    }

    /// One human-readable line per epoch.
    static func summary(_ record: EpochRecord) -> String {
        let labelFree = record.labelFree == true
        var text = "epoch \(record.epoch): loss \(format(record.trainLoss, 4)), "
            + (labelFree ? "label-free (no accuracy)" : "train acc \(format(record.trainAccuracy, 1))%")
        if let validation = record.validation {
            if !labelFree { text += ", train-fullsup top-1 \(format(validation.top1Accuracy, 1))%" }
            if let box = validation.maxBoxAccV2 { text += ", MaxBoxAccV2 \(format(box, 1))" }
        }
        return text + ", \(format(record.imagesPerSecond, 0)) img/s"
    }

    static func format(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
}

extension Trainer {
    /// Stores final evaluations (by split name) in the manifest.
    public func recordFinalScores(_ scores: [String: SplitScores]) throws {
        manifest.metrics.final.merge(scores) { $1 }
        try directory.writeManifest(manifest)
    }
}
