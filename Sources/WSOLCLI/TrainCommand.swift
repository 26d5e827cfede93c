//! `wsol train`: trains a classifier with image labels only (CAM, HaS, CutMix, ADL) and
//! evaluates its CAMs; resumable (docs/training.md).
import ArgumentParser
import Foundation
import Logging
import TensorDistributed
import WSOLTraining

/// `wsol train [--config FILE] [flags...]` or `wsol train --resume DIR`.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a WSOL classifier (CAM, HaS, CutMix, ADL) on a dataset in the wsolevaluation layout.",
        discussion: """
            Settings come from --config (JSON, docs/training.md), then from flags, which override the \
            file. The run directory (--out) receives checkpoint-last/best.safetensors, manifest.json \
            and log.jsonl. --resume DIR continues a killed run from its last checkpoint with the \
            config recorded in DIR/manifest.json; the result equals an uninterrupted run.
            """
    )

    @Option(name: .customLong("config"), help: "JSON config file (every key optional; see docs/training.md).")
    var configFile: String?
    @Option(help: "Continue the run in this directory from its last checkpoint.") var resume: String?
    @Flag(help: "After training, evaluate the last checkpoint on test and test-counter and print a table.")
    var test = false
    @Flag(help: "No progress bar and only warnings in the log.") var quiet = false
    @Flag(help: "Start a new run even if --out already holds one (its files are replaced).") var overwrite = false

    @Option(help: "Dataset root (image ids are relative to it).") var dataRoot: String?
    @Option(help: "Metadata root holding <dataset>/<split>/ (default <data-root>/metadata).") var metadataRoot: String?
    @Option(help: "Metadata directory name: SynthWSOL, CUB, ILSVRC, OpenImages or a custom name.") var dataset: String?
    @Option(help: "Backbone: tiny, small, mobilenetv2, resnet50(-cam), vgg16(-cam), inceptionv3(-cam).") var arch: String?
    @Option(help: "Channels of the first block of the tiny network.") var width: Int?
    @Option(help: "Safetensors weights to start from.") var pretrained: String?
    @Option(help: "Method: cam, has, cutmix, adl, c2am, box-regressor, dawsol, ci-cam or kd-ci-cam.") var method: String?
    @Option(help: "HaS patch side in pixels.") var hasGridSize: Int?
    @Option(help: "HaS probability of hiding a patch.") var hasDropRate: Float?
    @Option(help: "CutMix Beta(β, β) parameter.") var cutmixBeta: Double?
    @Option(help: "CutMix probability per batch.") var cutmixProbability: Float?
    @Option(help: "ADL probability of the drop mask.") var adlDropRate: Float?
    @Option(help: "ADL drop threshold γ (fraction of the attention maximum).") var adlThreshold: Float?
    @Option(help: "ADL layer (default: the CAM layer).") var adlLayer: String?
    @OptionGroup(title: "CI-CAM and KD-CI-CAM") var cicamFlags: CICAMFlags
    @Option(help: "Training crop and evaluation input side (pixels).") var inputSize: Int?
    @Option(help: "Side training images are resized to before the crop (pixels).") var resizeSize: Int?
    @Option(help: "Batch size.") var batchSize: Int?
    @Option(help: "Epochs.") var epochs: Int?
    @Option(help: "sgd or adam.") var optimizer: String?
    @Option(name: .customLong("lr"), help: "Base learning rate.") var learningRate: Float?
    @Option(help: "SGD momentum.") var momentum: Float?
    @Option(help: "Nesterov momentum (true/false).") var nesterov: Bool?
    @Option(help: "Weight decay.") var weightDecay: Float?
    @Option(help: "Learning-rate multiplier of the new layers.") var lrMultiplier: Float?
    @Option(help: "Schedule: step, constant, cosine or poly.") var schedule: String?
    @Option(help: "Step schedule: decay every this many epochs.") var decayEvery: Int?
    @Option(help: "Step schedule: decay factor.") var decayGamma: Float?
    @Option(help: "Seed of weights, data order, augmentation and method randomness.") var seed: UInt64?
    @Option(help: "Run directory.") var out: String?
    @Option(help: "Also checkpoint mid-epoch after this many minutes.") var checkpointMinutes: Double?
    @Option(help: "Threshold step of MaxBoxAccV2/PxAP (0.001 in wsolevaluation).") var camCurveInterval: Double?
    @Option(help: "Loader threads.") var workers: Int?
    @Flag(help: "List and skip training images that cannot be decoded (default: stop before training).")
    var skipBadImages = false
    @OptionGroup(title: "C2AM (--method c2am)") var c2am: C2AMOptions
    @Flag(help: "Under mpirun: batch norm statistics over all ranks' images (default: per rank).")
    var syncBatchNorm = false
    @OptionGroup(title: "DA-WSOL (--method dawsol)") var dawsolOptions: DAWSOLOptions

    /// The config: file (or the resumed run's manifest), then each flag given.
    func makeConfig() throws -> TrainingConfig {
        var config: TrainingConfig
        if let resume {
            config = try RunDirectory(path: resume).readManifest().config
            config.outputDirectory = resume
        } else {
            config = try configFile.map(TrainingConfig.read(path:)) ?? TrainingConfig()
        }
        func set<Value>(_ value: Value?, _ keyPath: WritableKeyPath<TrainingConfig, Value>) {
            if let value { config[keyPath: keyPath] = value }
        }
        set(dataRoot, \.dataRoot); set(metadataRoot, \.metadataRoot); set(dataset, \.dataset)
        set(arch, \.architecture); set(width, \.width); set(pretrained, \.pretrained)
        set(method, \.method.name); set(hasGridSize, \.method.hasGridSize); set(hasDropRate, \.method.hasDropRate)
        set(cutmixBeta, \.method.cutmixBeta); set(cutmixProbability, \.method.cutmixProbability)
        set(adlDropRate, \.method.adlDropRate); set(adlThreshold, \.method.adlThreshold); set(adlLayer, \.method.adlLayer)
        set(inputSize, \.inputSize); set(resizeSize, \.resizeSize); set(batchSize, \.batchSize); set(epochs, \.epochs)
        set(optimizer, \.optimizer); set(learningRate, \.learningRate); set(momentum, \.momentum)
        set(nesterov, \.nesterov); set(weightDecay, \.weightDecay); set(lrMultiplier, \.newLayerLearningRateMultiplier)
        set(schedule, \.schedule); set(decayEvery, \.decayEvery); set(decayGamma, \.decayGamma); set(seed, \.seed)
        set(resume == nil ? out : nil, \.outputDirectory); set(checkpointMinutes, \.checkpointMinutes)
        set(camCurveInterval, \.camCurveInterval); set(workers, \.workers)
        if skipBadImages { config.skipBadImages = true }
        c2am.apply(to: &config)
        if syncBatchNorm { config.syncBatchNorm = true }
        dawsolOptions.apply(to: &config)
        cicamFlags.apply(to: &config.method.cicam)
        try config.validate()
        return config
    }

    func run() throws {
        try DistributedLaunch.run { communicator in try train(communicator: communicator) }
    }

    /// The run on one rank of `communicator` (rank 0 writes, logs and draws the progress bar).
    func train(communicator: any Communicator) throws {
        let config = try makeConfig()
        let existing = RunDirectory(path: config.outputDirectory).manifestPath
        if resume == nil && !overwrite && FileManager.default.fileExists(atPath: existing) {
            throw ValidationError("\(config.outputDirectory) already holds a run (\(existing)); "
                                  + "continue it with --resume \(config.outputDirectory), or pass --overwrite or another --out")
        }
        // Every rank has checked for an existing run before rank 0 writes one.
        communicator.barrier()
        let logger = TrainingConsole.logger(quiet: quiet || !communicator.isRoot)
        let trainer = try TrainingSetup.makeTrainer(config: config, packageVersion: WSOLCommand.configuration.version,
                                                    logger: logger, communicator: communicator)
        if resume != nil { try Self.resumeOrRestart(trainer, logger: logger) }
        let drawsBar = !quiet && communicator.isRoot && isatty(STDERR_FILENO) == 1
        if drawsBar { trainer.hooks.onStep = TrainingConsole.drawProgress }
        trainer.hooks.onEpoch = { _ in TrainingConsole.clearProgress() }
        let interrupt = InterruptSignal()
        defer { interrupt.uninstall() }
        trainer.hooks.shouldStop = { interrupt.signalNumber != nil }
        do {
            if case .stopped(let step) = try trainer.run(), let number = interrupt.signalNumber {
                try Self.exitInterrupted(signal: number, afterStep: step, runDirectory: config.outputDirectory)
            }
        } catch {
            TrainingConsole.clearProgress()
            throw error
        }
        logger.info("run finished: \(config.outputDirectory) (best epoch \(trainer.state.bestEpoch.map(String.init) ?? "-"))")
        if communicator.size > 1 {
            logger.info("\(communicator.size) ranks: gradient allreduce \(String(format: "%.2f", trainer.communicationSeconds)) s in total")
        }
        if test && communicator.isRoot { try FinalEvaluation.run(trainer: trainer, config: config) }
    }
}
