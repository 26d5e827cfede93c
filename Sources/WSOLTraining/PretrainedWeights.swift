//! `pretrained` weights of a run: a plain safetensors state dict, or another run's checkpoint.
import Foundation
import TensorNN

/// Reads the weights a run starts from (`config.pretrained`).
public enum PretrainedWeights {
    /// The backbone weights in `path`: a safetensors state dict as it is, or, for a WSOLKit
    /// training checkpoint, its model weights without the `model.` prefix (and without the
    /// `backbone.` prefix of a method's wrapper, e.g. a C²AM run), its optimizer and method state
    /// left out. So `--pretrained runs/cam-s0/checkpoint-last.safetensors` starts from that
    /// run's trained backbone (as for any pretrained file, a zoo model's classifier is
    /// re-initialised unless the class count is 1000; `tiny` keeps a classifier of the right
    /// shape). Throws ``WeightsFileError`` naming the file.
    public static func read(_ path: String) throws -> SafeTensorsFile {
        let file = try SafeTensors.read(path)
        guard file.metadata[TrainingCheckpoint.stateKey] != nil else { return file }
        let model = TrainingCheckpoint.subset(file, prefix: TrainingCheckpoint.modelPrefix)
        let wrapped = TrainingCheckpoint.subset(model, prefix: "backbone.")
        return wrapped.names.isEmpty ? model : wrapped
    }

    /// Throws when nothing of `path` was loaded: a file for another architecture would otherwise
    /// start the run from scratch without a word.
    static func requireSomethingLoaded(_ loadedCount: Int, path: String, architecture: String) throws {
        guard loadedCount == 0 else { return }
        throw WeightsFileError(path: path, reason: "no tensor matches the '\(architecture)' backbone's names and shapes")
    }
}
