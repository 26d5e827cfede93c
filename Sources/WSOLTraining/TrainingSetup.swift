//! Building a run from a config: data, model, optimizer, method, evaluator, manifest.
import Foundation
import Logging
import TensorDistributed
import TensorNN
import WSOLData
import WSOLModels

/// The pieces of a run, built from a ``TrainingConfig``.
public enum TrainingSetup {
    /// Builds a ``Trainer`` for `config`. Reads metadata (train and, if present, val), checks images'
    /// headers, builds the backbone and loads `pretrained` weights.
    /// - Parameters:
    ///   - packageVersion: recorded in the manifest.
    ///   - communicator: the ranks of a data-parallel run; each loads `batchSize / size` images
    ///     of every global batch (docs/distributed.md).
    public static func makeTrainer(config: TrainingConfig, packageVersion: String,
                                   logger: Logger = Logger(label: "wsol.train"),
                                   communicator: any Communicator = SingleProcessCommunicator()) throws -> Trainer {
        try config.validate()
        guard config.batchSize % communicator.size == 0 else {
            throw TrainingConfigError(field: "batchSize", reason: "(\(config.batchSize), the global batch) must be a multiple of the \(communicator.size) MPI ranks")
        }
        var shardOptions = LoaderOptions(batchSize: config.batchSize / communicator.size, shuffle: true, seed: config.seed,
                                         dropLast: true, workerCount: config.workers, skipBadImages: config.skipBadImages)
        shardOptions.shard = LoaderShard(index: communicator.rank, count: communicator.size)
        let metadataRoot = config.metadataRoot.isEmpty ? config.dataRoot + "/metadata" : config.metadataRoot
        let trainDirectory = try WSOLMetadata.locate(metadataRoot: metadataRoot, dataset: config.dataset, split: .train)
        let train = try WSOLMetadata.read(directory: trainDirectory)
        let classCount = (train.classLabels.values.max() ?? 0) + 1
        if config.method.name == "box-regressor" { try requireBoxes(train, directory: trainDirectory) }
        let loader = try ImageLoader(metadata: train, root: config.dataRoot,
                                     pipeline: .wsolTrain(resize: config.resizeSize, crop: config.inputSize),
                                     options: shardOptions)
        for bad in loader.badImages {
            logger.warning("skipping a training image that cannot be read: \(bad)")
        }
        var splitDirectories = [trainDirectory]
        var evaluator: SplitEvaluator? = nil
        if let valDirectory = try? WSOLMetadata.locate(metadataRoot: metadataRoot, dataset: config.dataset, split: .val) {
            splitDirectories.append(valDirectory)
            evaluator = try SplitEvaluator(metadata: WSOLMetadata.read(directory: valDirectory), root: config.dataRoot,
                                           inputSize: config.inputSize, interval: config.camCurveInterval,
                                           batchSize: config.batchSize, workers: config.workers)
        } else {
            logger.warning("no train-fullsup (val) split under \(metadataRoot)/\(config.dataset): no localization metrics per epoch")
        }
        let method = makeMethod(config: config)
        let model = try buildModel(config: config, classCount: classCount, method: method)
        let optimizer = makeOptimizer(config: config, model: model)
        let manifest = RunManifest(
            config: config, seed: config.seed, packageVersion: packageVersion,
            dataFingerprint: DataFingerprint.compute(splitDirectories: splitDirectories, dataRoot: config.dataRoot),
            status: "created", metrics: RunMetrics(), classCount: classCount)
        let trainer = try Trainer(config: config, model: model, optimizer: optimizer, method: method,
                                  loader: loader, evaluator: evaluator, manifest: manifest, logger: logger)
        trainer.communicator = communicator
        return trainer
    }

    /// The box regressor learns from the training split's boxes: every image needs one.
    static func requireBoxes(_ train: WSOLMetadata, directory: String) throws {
        let boxless = train.imageIDs.filter { (train.boxes[$0] ?? []).isEmpty }
        guard let missing = boxless.first else { return }
        let count = boxless.count
        throw TrainingConfigError(field: "method.name", reason: """
            box-regressor trains on the train split's boxes, but \(count) of its \(train.imageIDs.count) images \
            have none (first: \(missing), in \(directory)); make pseudo boxes with `wsol pseudo-boxes`
            """)
    }

    /// The model a run trains: the configured backbone (with its `pretrained` weights), then
    /// wrapped by the method (``WSOLTrainingMethod/prepareModel(_:)``). `wsol localize --run`
    /// rebuilds a trained run's model with this before loading its checkpoint.
    public static func buildModel(config: TrainingConfig, classCount: Int,
                                  method: any WSOLTrainingMethod) throws -> any FeatureMapClassifier {
        try method.prepareModel(BackboneFactory.build(config: config, classCount: classCount))
    }

    /// The configured method. `seed` initialises a method's own heads (C²AM's disentangler).
    public static func makeMethod(_ settings: MethodSettings, seed: UInt64 = 0) -> any WSOLTrainingMethod {
        switch settings.name {
        case "dawsol": return makeDAWSOL(settings, seed: seed)
        case "has": return HideAndSeekTraining(gridSize: settings.hasGridSize, dropRate: settings.hasDropRate)
        case "cutmix": return CutMixTraining(beta: settings.cutmixBeta, probability: settings.cutmixProbability)
        case "adl":
            return AttentionDropoutTraining(dropRate: settings.adlDropRate, threshold: settings.adlThreshold,
                                            layer: settings.adlLayer.isEmpty ? nil : settings.adlLayer)
        case "c2am": return settings.c2am.makeMethod(seed: seed)
        case "box-regressor": return BoxRegressorTraining(seed: seed)
        default: return VanillaCAMTraining()
        }
    }

    /// SGD (Nesterov momentum as wsolevaluation) or Adam, with two groups: base rate, and
    /// `newLayerLearningRateMultiplier` x for the backbone's new layers.
    public static func makeOptimizer(config: TrainingConfig, model: any FeatureMapClassifier) -> any Optimizer {
        let isNew = BackboneFactory.newLayerPredicate(config: config, model: model)
        var base: [Parameter] = []
        var new: [Parameter] = []
        let frozen = model as? any FrozenParameterModel
        for (name, parameter) in model.namedParameters() where parameter.isTrainable {
            if frozen?.isFrozenParameter(named: name) == true { continue }
            if isNew(name) { new.append(parameter) } else { base.append(parameter) }
        }
        let groups = [
            ParameterGroup(parameters: base, learningRate: config.learningRate, weightDecay: config.weightDecay),
            ParameterGroup(parameters: new, learningRate: config.learningRate * config.newLayerLearningRateMultiplier,
                           weightDecay: config.weightDecay),
        ]
        if config.optimizer == "adam" { return Adam(groups: groups) }
        if config.method.name == "c2am" && config.method.c2am.quirkCompat {
            return SGD(groups: groups, momentum: C2AMSettings.quirkMomentum, nesterov: false)
        }
        return SGD(groups: groups, momentum: config.momentum, nesterov: config.nesterov && config.momentum > 0)
    }
}

/// Backbones by name: `tiny` (``TinyCAMNet``) and the model zoo's architectures (`small`,
/// `mobilenetv2`, `resnet50-cam`, `vgg16-cam`, `inceptionv3-cam`, ...).
public enum BackboneFactory {
    public static var knownArchitectures: [String] { ["tiny"] + ModelKind.allCases.map(\.rawValue) }

    public static func build(config: TrainingConfig, classCount: Int) throws -> any FeatureMapClassifier {
        guard config.architecture != "tiny" else { return try buildTiny(config: config, classCount: classCount) }
        guard let kind = try? ModelKind(name: config.architecture) else {
            throw TrainingConfigError(field: "architecture",
                                      reason: "'\(config.architecture)' is not one of \(knownArchitectures.joined(separator: ", "))")
        }
        let model = ModelZoo.build(kind, options: ModelOptions(classCount: classCount, seed: config.seed))
        if !config.pretrained.isEmpty {
            // ImageNet weights for another class count: the classifier is re-initialised (wsolevaluation).
            let report = try model.loadPretrained(PretrainedWeights.read(config.pretrained), strict: false,
                                                  dropClassifier: classCount != 1000)
            try PretrainedWeights.requireSomethingLoaded(report.loadedCount, path: config.pretrained, architecture: config.architecture)
        }
        return model
    }

    static func buildTiny(config: TrainingConfig, classCount: Int) throws -> any FeatureMapClassifier {
        let model = TinyCAMNet(classCount: classCount, width: config.width, seed: config.seed)
        if !config.pretrained.isEmpty {
            let weights = try PretrainedWeights.read(config.pretrained)
            // A classifier for another class count is dropped (re-initialised), as wsolevaluation does.
            let mismatched = Set(weights.names.filter { name in
                model.namedParameters().first { $0.0 == name }.map { $0.1.value.shape != weights.arrays[name]!.shape } ?? false
            })
            let missing = try model.loadStateDict(weights, strict: false, ignoring: mismatched).missing
            let loaded = model.namedParameters().count - missing.count - mismatched.count
            try PretrainedWeights.requireSomethingLoaded(loaded, path: config.pretrained, architecture: "tiny")
        }
        return model
    }

    /// Which parameters train at the multiplied rate: the zoo models' own 10x groups (methods.md
    /// §3); `tiny` trains from scratch, so only with pretrained weights does its `fc.` count as new.
    static func newLayerPredicate(config: TrainingConfig, model: any FeatureMapClassifier) -> (String) -> Bool {
        if let grouped = model as? any LearningRateGrouped { return { grouped.isFastParameter(named: $0) } }
        let pretrained = !config.pretrained.isEmpty
        return { name in pretrained && name.hasPrefix("fc.") }
    }
}
