//! Checkpoints: one safetensors file holding weights, optimizer state and method state as
//! arrays, and the training position as JSON metadata. Written atomically (temp file + rename).
import Foundation
import TensorNN
import WSOLModels

/// Saving and restoring everything a run needs to continue bit-for-bit.
public enum TrainingCheckpoint {
    /// The metadata key of the JSON ``TrainingState``.
    static let stateKey = "wsolkit.training_state"
    static let modelPrefix = "model."
    static let optimizerPrefix = "optimizer."
    static let methodPrefix = "method."

    /// Writes a checkpoint to `path` atomically: a reader sees the previous file or the new
    /// one, never a mix, even if the process is killed while writing.
    public static func save(model: any Module, optimizer: any Optimizer, method: any WSOLTrainingMethod,
                            state: TrainingState, to path: String) throws {
        var arrays = modelArrays(model)
        arrays += optimizer.stateArrays().map { (optimizerPrefix + $0.0, $0.1) }
        arrays += method.stateArrays().map { (methodPrefix + $0.0, $0.1) }
        let stateJSON = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
        try SafeTensors.write(SafeTensorsFile(arrays: arrays, metadata: [stateKey: stateJSON]), to: path)
    }

    private static func modelArrays(_ model: any Module) -> [(String, NamedArray)] {
        let file = model.stateDict()
        return file.names.map { (modelPrefix + $0, file.arrays[$0]!) }
    }

    /// Reads the training position of a checkpoint without touching any model.
    public static func readState(path: String) throws -> TrainingState {
        try state(of: SafeTensors.read(path), path: path)
    }

    /// Restores weights, optimizer and method state from `path`; returns the training position.
    /// Throws ``WeightsFileError`` naming the file for a corrupt file or a model mismatch.
    public static func restore(from path: String, model: any Module, optimizer: any Optimizer,
                               method: any WSOLTrainingMethod) throws -> TrainingState {
        let file = try SafeTensors.read(path)
        let state = try state(of: file, path: path)
        do {
            try model.loadStateDict(subset(file, prefix: modelPrefix), strict: true)
            try optimizer.loadStateArrays(subset(file, prefix: optimizerPrefix).arrays)
            try method.loadStateArrays(subset(file, prefix: methodPrefix).arrays)
        } catch let error as StateDictError {
            throw WeightsFileError(path: path, reason: "checkpoint does not match the run: \(error.reason)")
        }
        return state
    }

    /// Loads only the model weights of a checkpoint into `model` (strict: every name and shape
    /// must match). Throws ``WeightsFileError`` naming the file.
    public static func loadModel(from path: String, into model: any Module) throws {
        let file = try SafeTensors.read(path)
        _ = try state(of: file, path: path)
        do {
            try model.loadStateDict(subset(file, prefix: modelPrefix), strict: true)
        } catch let error as StateDictError {
            throw WeightsFileError(path: path, reason: "checkpoint does not match the run's model: \(error.reason)")
        }
    }

    /// Loads only the method state of a checkpoint (e.g. DA-WSOL's memory, for visualisation).
    /// Throws ``WeightsFileError`` naming the file.
    public static func loadMethodState(from path: String, into method: any WSOLTrainingMethod) throws {
        let file = try SafeTensors.read(path)
        _ = try state(of: file, path: path)
        do {
            try method.loadStateArrays(subset(file, prefix: methodPrefix).arrays)
        } catch let error as StateDictError {
            throw WeightsFileError(path: path, reason: "method state does not match the run: \(error.reason)")
        }
    }

    static func state(of file: SafeTensorsFile, path: String) throws -> TrainingState {
        guard let json = file.metadata[stateKey] else {
            throw WeightsFileError(path: path, reason: "not a WSOLKit training checkpoint (no '\(stateKey)' metadata)")
        }
        do {
            return try JSONDecoder().decode(TrainingState.self, from: Data(json.utf8))
        } catch {
            throw WeightsFileError(path: path, reason: "training state metadata is unreadable: \(error)")
        }
    }

    static func subset(_ file: SafeTensorsFile, prefix: String) -> SafeTensorsFile {
        SafeTensorsFile(arrays: file.names.filter { $0.hasPrefix(prefix) }
            .map { (String($0.dropFirst(prefix.count)), file.arrays[$0]!) })
    }
}
