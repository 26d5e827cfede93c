//! `wsol localize --run DIR`: the model of a `wsol train` run, rebuilt from its manifest.
import Foundation
import WSOLModels
import WSOLTraining

extension LocalizeModelLoader {
    /// Rebuilds the run's model (``TrainedRunModel``) and loads its `best` or `last` checkpoint.
    /// - Throws: ``LocalizeInputError`` naming the run's file at fault.
    static func loadRun(_ directory: String, checkpoint: String) throws -> any FeatureMapClassifier {
        do {
            return try TrainedRunModel.load(directory: directory, checkpoint: checkpoint)
        } catch let error as TrainedRunError {
            throw LocalizeInputError(path: error.path, reason: error.reason)
        }
    }
}
