//! `wsol localize --run DIR`: the model of a `wsol train` run, rebuilt from its manifest.
import Foundation
import WSOLModels
import WSOLTraining

extension LocalizeModelLoader {
    /// Rebuilds the run's model (``TrainedRunModel``) and loads its `best` or `last` checkpoint.
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
        do {
            return try TrainedRunModel.loadWithMethod(directory: directory, checkpoint: checkpoint)
        } catch let error as TrainedRunError {
            throw LocalizeInputError(path: error.path, reason: error.reason)
        }
    }
}
