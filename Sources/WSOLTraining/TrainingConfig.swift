//! The description of a training run: one JSON document (Foundation Codable), every field optional
//! in the file (defaults below) and overridable by a `wsol train` flag. Format: docs/training.md.
import Foundation

/// A training run's settings. Field names are the JSON keys; units in the comments.
public struct TrainingConfig: Codable, Sendable, Equatable {
    /// Dataset root: image ids and mask paths are relative to it.
    public var dataRoot = ""
    /// Folder holding `<dataset>/<split>/` metadata; empty = `<dataRoot>/metadata`.
    public var metadataRoot = ""
    /// Metadata directory name (`SynthWSOL`, `CUB`, `ILSVRC`, `OpenImages`, or a custom name).
    public var dataset = "SynthWSOL"
    /// Backbone name (`tiny`; the model zoo's names once available).
    public var architecture = "tiny"
    /// Channels of the first block of `tiny`.
    public var width = 16
    /// Optional safetensors weights loaded before training (missing/unexpected names tolerated,
    /// the classifier is re-initialised when its shape differs).
    public var pretrained = ""
    /// Training method and its hyper-parameters.
    public var method = MethodSettings()
    /// Side of the square training crop and of the evaluation input (pixels).
    public var inputSize = 224
    /// Side the training images are resized to before the random crop (pixels).
    public var resizeSize = 256
    /// The global batch: under `mpirun -np N` each rank takes `batchSize / N` images of it
    /// (must divide), so a run's steps and results do not depend on N (docs/distributed.md).
    public var batchSize = 32
    public var epochs = 10
    /// `sgd` (momentum, Nesterov as wsolevaluation) or `adam`.
    public var optimizer = "sgd"
    public var learningRate: Float = 0.01
    public var momentum: Float = 0.9
    public var nesterov = true
    public var weightDecay: Float = 1e-4
    /// Learning-rate factor of the new layers (wsolevaluation's `lr_classifier_ratio`).
    public var newLayerLearningRateMultiplier: Float = 10
    /// `step` (x `decayGamma` every `decayEvery` epochs, wsolevaluation), `constant`, `cosine`, `poly`.
    public var schedule = "step"
    public var decayEvery = 15
    public var decayGamma: Float = 0.1
    /// Seed of the weights, data order, augmentation and method randomness.
    public var seed: UInt64 = 0
    /// The run directory (checkpoints, manifest, log).
    public var outputDirectory = "runs/train"
    /// A mid-epoch checkpoint is also written when this many minutes passed since the last one.
    public var checkpointMinutes: Double = 10
    /// Threshold step of the MaxBoxAccV2 sweep on train-fullsup (0.001 in wsolevaluation).
    public var camCurveInterval = 0.01
    /// Background loader threads.
    public var workers = 2
    /// Skip (and list) training images that fail to decode instead of stopping before training.
    public var skipBadImages = false
    /// Under `mpirun -np N`: batch norm statistics over the whole global batch (all ranks)
    /// instead of each rank's part (docs/distributed.md). No effect with one process.
    public var syncBatchNorm = false

    public init() {}

    /// Checks ranges and names. Throws ``TrainingConfigError`` naming the field.
    public func validate() throws {
        func require(_ condition: Bool, _ field: String, _ reason: String) throws {
            if !condition { throw TrainingConfigError(field: field, reason: reason) }
        }
        try require(!dataRoot.isEmpty, "dataRoot", "is required (the dataset folder)")
        try require(inputSize > 0 && resizeSize >= inputSize, "resizeSize", "must be >= inputSize > 0")
        try require(batchSize > 0, "batchSize", "must be positive")
        try require(epochs > 0, "epochs", "must be positive")
        try require(["sgd", "adam"].contains(optimizer), "optimizer", "must be sgd or adam")
        try require(learningRate > 0 && learningRate.isFinite, "learningRate", "must be positive")
        try require(["step", "constant", "cosine", "poly"].contains(schedule), "schedule", "must be step, constant, cosine or poly")
        try require(decayEvery > 0, "decayEvery", "must be positive")
        try require(camCurveInterval > 0 && camCurveInterval < 1, "camCurveInterval", "must be in (0, 1)")
        try require(workers > 0, "workers", "must be positive")
        try method.validate()
    }
}

/// The method and its hyper-parameters (wsolevaluation's defaults, methods.md §3.6).
public struct MethodSettings: Codable, Sendable, Equatable {
    /// `cam`, `has`, `cutmix` or `adl`.
    public var name = "cam"
    public var hasGridSize = 4
    public var hasDropRate: Float = 0.5
    public var cutmixBeta = 1.0
    public var cutmixProbability: Float = 1
    public var adlDropRate: Float = 0.75
    public var adlThreshold: Float = 0.9
    /// Layer ADL acts on; empty = the model's CAM layer.
    public var adlLayer = ""
    /// C²AM's settings (`method.c2am`).
    public var c2am = C2AMSettings()
    /// DA-WSOL's settings (used when `name` is `dawsol`).
    public var dawsol = DAWSOLSettings()
    /// CI-CAM and KD-CI-CAM settings (CICAMSettings.swift).
    public var cicam = CICAMSettings()

    public init(name: String = "cam") { self.name = name }

    public static let knownNames = ["cam", "has", "cutmix", "adl"] + ["c2am", "box-regressor"] + ["dawsol"] + ["ci-cam", "kd-ci-cam"]

    func validate() throws {
        guard Self.knownNames.contains(name) else {
            throw TrainingConfigError(field: "method.name", reason: "'\(name)' is not one of \(Self.knownNames.joined(separator: ", "))")
        }
        if hasGridSize <= 0 { throw TrainingConfigError(field: "method.hasGridSize", reason: "must be positive") }
        for (field, value) in [("hasDropRate", hasDropRate), ("cutmixProbability", cutmixProbability),
                               ("adlDropRate", adlDropRate), ("adlThreshold", adlThreshold)] where !(0...1).contains(value) {
            throw TrainingConfigError(field: "method.\(field)", reason: "must be in [0, 1]")
        }
        if !(cutmixBeta > 0) { throw TrainingConfigError(field: "method.cutmixBeta", reason: "must be positive") }
        try c2am.validate()
        if name == "dawsol" { try dawsol.validate() }
        try cicam.validate(method: name)
    }
}

/// A config value that is out of range or unknown.
public struct TrainingConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    public var field: String
    public var reason: String
    /// The config file, when the error comes from one.
    public var path: String?

    public init(field: String, reason: String, path: String? = nil) {
        self.field = field
        self.reason = reason
        self.path = path
    }

    public var description: String {
        (path.map { "\($0): " } ?? "") + "config field '\(field)' \(reason)"
    }
}
