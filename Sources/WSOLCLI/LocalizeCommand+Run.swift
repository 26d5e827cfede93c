//! `wsol localize --run DIR`: the model of a `wsol train` run, rebuilt from its manifest.
import Foundation
import WSOLData
import WSOLModels
import WSOLTraining

extension LocalizeModelLoader {
    /// Rebuilds the run's model (architecture, class count and the method's wrapping, from
    /// `manifest.json`) and loads the weights of its `best` or `last` checkpoint.
    /// - Throws: ``LocalizeInputError`` naming the run's file at fault.
    static func loadRun(_ directory: String, checkpoint: String) throws -> any FeatureMapClassifier {
        try loadRunWithMethod(directory, checkpoint: checkpoint).model
    }

    /// ``loadRun(_:checkpoint:)`` that also returns the run's training method with its state
    /// (e.g. DA-WSOL's memory) restored from the same checkpoint. `checkpoint` is `best`, `last`
    /// or the path of a checkpoint file of the run.
    static func loadRunWithMethod(_ directory: String, checkpoint: String) throws
        -> (model: any FeatureMapClassifier, method: any WSOLTrainingMethod)
    {
        let run = RunDirectory(path: directory)
        var config = try run.readManifest().config
        let classCount = try runClassCount(run, config: config)
        // The checkpoint holds every weight: the starting weights need not exist any more.
        config.pretrained = ""
        let method = TrainingSetup.makeMethod(config.method, seed: config.seed)
        let model = try TrainingSetup.buildModel(config: config, classCount: classCount, method: method)
        let path = switch checkpoint {
        case "last": run.lastCheckpoint
        case "best": run.bestCheckpoint
        default: checkpoint
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw LocalizeInputError(path: path, reason: "no \(checkpoint) checkpoint in this run (try --checkpoint last)")
        }
        try TrainingCheckpoint.loadModel(from: path, into: model)
        try TrainingCheckpoint.loadMethodState(from: path, into: method)
        model.eval()
        return (model, method)
    }

    /// K from the manifest, or (runs written before it was recorded) from the training split.
    private static func runClassCount(_ run: RunDirectory, config: TrainingConfig) throws -> Int {
        if let recorded = try run.readManifest().classCount { return recorded }
        let root = config.metadataRoot.isEmpty ? config.dataRoot + "/metadata" : config.metadataRoot
        do {
            let train = try WSOLMetadata.read(directory: WSOLMetadata.locate(metadataRoot: root, dataset: config.dataset, split: .train))
            return (train.classLabels.values.max() ?? 0) + 1
        } catch {
            throw LocalizeInputError(path: run.manifestPath,
                                     reason: "no class count recorded and the training split cannot be read (\(error))")
        }
    }
}
