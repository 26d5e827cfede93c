import Foundation
import Testing
import TensorCore
import TensorNN
import WSOLData
import WSOLModels
@testable import WSOLTraining

extension TrainerNetworkTests {
@Suite struct C2AMTrainingTests {
    /// A copy of the fixture's metadata whose class labels are rewritten by `relabel` in every split.
    func relabelledMetadata(_ name: String, relabel: (Int) -> Int) throws -> String {
        let source = TrainingFixtures.synthRoot + "/metadata"
        let target = TrainingFixtures.runDirectory("meta-\(name)") + "/metadata"
        try FileManager.default.copyItem(atPath: source, toPath: target)
        let files = FileManager.default.enumerator(atPath: target)!.compactMap { $0 as? String }.filter { $0.hasSuffix("class_labels.txt") }
        #expect(files.count >= 3)
        for file in files {
            let path = target + "/" + file
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line -> String in
                let fields = line.split(separator: ",")
                return "\(fields[0]),\(relabel(Int(fields[1])!))"
            }
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        return target
    }

    /// Every parameter and buffer except the untouched backbone classifier (whose shape depends
    /// on the class count), by name.
    func weights(_ trainer: Trainer) -> [String: [Float]] {
        Dictionary(uniqueKeysWithValues: trainer.model.namedParameters()
            .filter { !$0.0.hasPrefix("backbone.fc.") }.map { ($0.0, $0.1.value.scalars) })
    }

    /// `wsol train --method c2am` reads no label: permuting the classes (c → (c + 1) mod 4) or
    /// collapsing every label to 0 trains bit-identical weights (same seed, same data order), and
    /// neither the log nor the evaluation reports a classification accuracy.
    @Test func labelsDoNotChangeTraining() throws {
        func train(_ name: String, metadataRoot: String) throws -> Trainer {
            var config = TrainingFixtures.config("c2am-\(name)", epochs: 1, batchSize: 16, method: "c2am")
            config.metadataRoot = metadataRoot
            let trainer = try TrainingSetup.makeTrainer(config: config, packageVersion: "test")
            #expect(try trainer.run() == .finished)
            return trainer
        }
        let original = try train("original", metadataRoot: "")
        let permuted = try train("permuted", metadataRoot: relabelledMetadata("permuted") { ($0 + 1) % 4 })
        let collapsed = try train("collapsed", metadataRoot: relabelledMetadata("collapsed") { _ in 0 })
        #expect(collapsed.model.classCount == 1 && original.model.classCount == 4)
        let reference = weights(original)
        #expect(reference.keys.contains("disentangler.conv.weight") && reference.keys.contains("polarity"))
        #expect(weights(permuted) == reference)
        #expect(weights(collapsed) == reference)
        #expect(original.state.history.map(\.trainLoss) == collapsed.state.history.map(\.trainLoss))
        // The polarity was decided after epoch 1 (never left at 0, "unchecked").
        #expect(reference["polarity"] == [1] || reference["polarity"] == [-1])
        for record in original.state.history {
            #expect(record.labelFree == true && record.trainAccuracy == 0)
            #expect(record.validation?.labelFree == true && record.validation?.top1Accuracy == 0)
            #expect(record.validation?.maxBoxAccV2 != nil)
            #expect(!Trainer.summary(record).contains("acc "), "\(Trainer.summary(record))")
        }
    }

    /// A run killed mid-epoch 0 (checkpoint at step 5 of 12, killed after step 7) and resumed ends
    /// with the same weights and the same polarity verdict as an uninterrupted one, bit for bit.
    @Test func resumedRunEqualsUninterruptedRun() throws {
        let configA = TrainingFixtures.config("c2am-resume-a", epochs: 1, batchSize: 16, method: "c2am")
        let runA = try TrainingSetup.makeTrainer(config: configA, packageVersion: "test")
        #expect(try runA.run() == .finished)
        var configB = configA
        configB.outputDirectory = TrainingFixtures.runDirectory("c2am-resume-b")
        let runB = try TrainingSetup.makeTrainer(config: configB, packageVersion: "test")
        runB.hooks.checkpointEverySteps = 5
        runB.hooks.stopAfterStep = 7
        #expect(try runB.run() == .stopped(afterStep: 7))
        let runC = try TrainingSetup.makeTrainer(config: configB, packageVersion: "test")
        try runC.resume()
        #expect(runC.state.globalStep == 5)
        #expect(try runC.run() == .finished)
        let weightsA = runA.model.stateDict(), weightsC = runC.model.stateDict()
        #expect(weightsA.names == weightsC.names && weightsA.names.contains("polarity"))
        for name in weightsA.names {
            #expect(weightsA.arrays[name]!.values.map(\.bitPattern) == weightsC.arrays[name]!.values.map(\.bitPattern),
                    "weights \(name) differ")
        }
    }

    /// `--quirk-compat`: BN affines stay at (1, 0) and SGD runs with momentum 1e-4, no Nesterov.
    @Test func quirkCompatFreezesBatchNormAffine() throws {
        var config = TrainingFixtures.config("c2am-quirk", epochs: 1, batchSize: 16, method: "c2am")
        config.method.c2am.quirkCompat = true
        config.optimizer = "sgd"
        let trainer = try TrainingSetup.makeTrainer(config: config, packageVersion: "test")
        let sgd = try #require(trainer.optimizer as? SGD)
        #expect(sgd.momentum == 1e-4 && !sgd.nesterov)
        #expect(try trainer.run() == .finished)
        let named = Dictionary(uniqueKeysWithValues: trainer.model.namedParameters().map { ($0.0, $0.1.value.scalars) })
        #expect(named["disentangler.bn.weight"] == [1] && named["disentangler.bn.bias"] == [0])
        #expect(named["backbone.block2.1.weight"]!.allSatisfy { $0 == 1 })
        #expect(named["disentangler.bn.running_mean"] != [0], "running statistics still update")
    }

    /// `freezeBatchNormAffine` alone: the same frozen affines, the configured optimiser untouched.
    @Test func freezeBatchNormAffineKeepsTheOptimizer() throws {
        var config = TrainingFixtures.config("c2am-freeze", epochs: 1, batchSize: 16, method: "c2am")
        config.method.c2am.freezeBatchNormAffine = true
        (config.optimizer, config.momentum, config.nesterov) = ("sgd", 0.9, true)
        let trainer = try TrainingSetup.makeTrainer(config: config, packageVersion: "test")
        let sgd = try #require(trainer.optimizer as? SGD)
        #expect(sgd.momentum == 0.9 && sgd.nesterov)
        func weights() -> [String: [Float]] {
            Dictionary(uniqueKeysWithValues: trainer.model.namedParameters().map { ($0.0, $0.1.value.scalars) })
        }
        let initial = weights()
        #expect(try trainer.run() == .finished)
        let named = weights()
        #expect(named["disentangler.bn.weight"] == [1] && named["backbone.block3.1.bias"]!.allSatisfy { $0 == 0 })
        // Everything else still trains.
        #expect(named["disentangler.conv.weight"] != initial["disentangler.conv.weight"])
        #expect(named["backbone.block3.0.weight"] != initial["backbone.block3.0.weight"])
    }
}
}

@Suite struct C2AMConfigTests {
    @Test func decodesDefaultsAndRejectsUnknownKeys() throws {
        let config = try TrainingConfig.decode(Data(#"{"dataRoot": "d", "method": {"name": "c2am", "c2am": {"alpha": 0.25}}}"#.utf8),
                                               source: "c.json")
        #expect(config.method.name == "c2am" && config.method.c2am.alpha == 0.25)
        #expect(config.method.c2am.layers.isEmpty && !config.method.c2am.quirkCompat && !config.method.c2am.freezeBatchNormAffine)
        let frozen = try TrainingConfig.decode(Data(#"{"method": {"name": "c2am", "c2am": {"freezeBatchNormAffine": true}}}"#.utf8),
                                               source: "f.json")
        #expect((TrainingSetup.makeMethod(frozen.method) as? C2AMTraining)?.freezesBatchNormAffine == true)
        #expect(TrainingSetup.makeMethod(config.method) is C2AMTraining)
        #expect(throws: TrainingConfigError.self) {
            try TrainingConfig.decode(Data(#"{"method": {"c2am": {"alhpa": 1}}}"#.utf8), source: "c.json")
        }
        var bad = config
        bad.method.c2am.alpha = -1
        #expect(throws: TrainingConfigError.self) { try bad.validate() }
        // A manifest written before C²AM existed (no `c2am` key) still decodes.
        let old = try TrainingConfig.decode(Data(#"{"method": {"name": "cam"}}"#.utf8), source: "old.json")
        #expect(old.method.c2am == C2AMSettings())
    }
}
