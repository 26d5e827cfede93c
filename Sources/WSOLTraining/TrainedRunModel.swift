//! The model of a finished (or running) `wsol train` run, rebuilt from its manifest: used by
//! `wsol localize --run` and to load KD-CI-CAM's frozen teachers.
import Foundation
import WSOLData
import WSOLModels

/// A run directory whose model cannot be rebuilt.
public struct TrainedRunError: Error, CustomStringConvertible, Sendable {
    /// The run's file at fault.
    public var path: String
    public var reason: String
    public init(path: String, reason: String) { (self.path, self.reason) = (path, reason) }
    public var description: String { "\(path): \(reason)" }
}

public enum TrainedRunModel {
    /// Rebuilds the run's model (architecture, class count and the method's wrapping, from
    /// `manifest.json`) and loads the weights of its `best` or `last` checkpoint; evaluation mode.
    /// - Throws: ``TrainedRunError`` naming the missing file, or the checkpoint's own error.
    public static func load(directory: String, checkpoint: String = "best") throws -> any FeatureMapClassifier {
        try loadWithMethod(directory: directory, checkpoint: checkpoint).model
    }

    /// ``load(directory:checkpoint:)`` that also returns the run's training method with its
    /// state (e.g. DA-WSOL's memory) restored from the same checkpoint. `checkpoint` is `best`,
    /// `last` or the path of a checkpoint file of the run.
    public static func loadWithMethod(directory: String, checkpoint: String = "best") throws
        -> (model: any FeatureMapClassifier, method: any WSOLTrainingMethod)
    {
        let run = RunDirectory(path: directory)
        var config = try run.readManifest().config
        let classCount = try classCount(run, config: config)
        // The checkpoint holds every weight: the starting weights need not exist any more.
        config.pretrained = ""
        let method = TrainingSetup.makeMethod(config: config)
        let model = try TrainingSetup.buildModel(config: config, classCount: classCount, method: method)
        let path = switch checkpoint {
        case "last": run.lastCheckpoint
        case "best": run.bestCheckpoint
        default: checkpoint
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrainedRunError(path: path, reason: "no \(checkpoint) checkpoint in this run (try --checkpoint last)")
        }
        try TrainingCheckpoint.loadModel(from: path, into: model)
        try TrainingCheckpoint.loadMethodState(from: path, into: method)
        model.eval()
        return (model, method)
    }

    /// K from the manifest, or (runs written before it was recorded) from the training split.
    static func classCount(_ run: RunDirectory, config: TrainingConfig) throws -> Int {
        if let recorded = try run.readManifest().classCount { return recorded }
        let root = config.metadataRoot.isEmpty ? config.dataRoot + "/metadata" : config.metadataRoot
        do {
            let train = try WSOLMetadata.read(directory: WSOLMetadata.locate(metadataRoot: root, dataset: config.dataset, split: .train))
            return (train.classLabels.values.max() ?? 0) + 1
        } catch {
            throw TrainedRunError(path: run.manifestPath,
                                  reason: "no class count recorded and the training split cannot be read (\(error))")
        }
    }
}
