//! Shared fixtures: one SynthWSOL `tiny` data set per test process, and small configs.
import Foundation
import Testing
import WSOLData
import WSOLTraining

enum TrainingFixtures {
    /// SynthWSOL `tiny` (4 classes, 64 px, 48 train / 6 val / 12 test images per class) with its
    /// two traps softened, because these tests check the training pipeline, not WSOL methods:
    /// rho 0 (backgrounds say nothing about the class; with the default 0.8 a tiny network first
    /// learns the backgrounds and its CAMs light the context), a larger coloured part (15-25% of
    /// the body instead of 5-10%, so the class cue is visible at 32 px and its activation spreads
    /// over much of the body) and no distractor bodies. Objects span 30-70% of the side;
    /// supersampling 1 keeps generation fast in debug builds. Generated once per process.
    static let synthRoot: String = {
        let root = NSTemporaryDirectory() + "wsol-training-tests-\(getpid())/synth"
        var config = SynthPreset.tiny.config
        config.supersampling = 1
        config.rho = 0
        config.minScale = 0.3
        config.minPartFraction = 0.15
        config.maxPartFraction = 0.25
        config.distractorProbability = 0
        do {
            try SynthGenerator(config: config).write(to: root, threads: 2)
        } catch {
            fatalError("test fixture: cannot generate SynthWSOL tiny: \(error)")
        }
        return root
    }()

    /// A fresh, empty run directory.
    static func runDirectory(_ name: String) -> String {
        let path = NSTemporaryDirectory() + "wsol-training-tests-\(getpid())/runs/\(name)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The tiny network on SynthWSOL tiny at 32 px (resize 36, crop 32), Adam lr 0.003 constant.
    static func config(_ name: String, epochs: Int, batchSize: Int = 8, method: String = "cam") -> TrainingConfig {
        var config = TrainingConfig()
        config.dataRoot = synthRoot
        config.architecture = "tiny"
        config.width = 16
        config.inputSize = 32
        config.resizeSize = 36
        config.batchSize = batchSize
        config.epochs = epochs
        config.learningRate = 0.003
        config.optimizer = "adam"
        config.weightDecay = 1e-4
        config.schedule = "constant"
        config.seed = 7
        config.method = MethodSettings(name: method)
        config.outputDirectory = runDirectory(name)
        config.camCurveInterval = 0.02
        return config
    }
}

/// The suites that train networks run one test at a time: they are CPU-bound on 2 cores anyway,
/// and running oneDNN from several tests at once crashed inside oneDNN's JIT code after the
/// 2026-11-21 kernel changes on main (reported to the coordinator).
@Suite(.serialized) enum TrainerNetworkTests {}
