//! CI-CAM and KD-CI-CAM through `wsol train`'s code path: config, training, checkpoint, teachers.
import Foundation
import Testing
import TensorCore
import WSOLEvaluation
import WSOLModels
@testable import WSOLTraining

@Suite struct CICAMConfigTests {
    /// `method.cicam` keys are read with defaults for the rest; unknown keys are refused by name;
    /// kd-ci-cam requires both teachers.
    @Test func settingsDecodeAndValidate() throws {
        let json = #"{"dataRoot": "d", "method": {"name": "ci-cam", "cicam": {"updateRate": 0.02, "combination": "sum_1"}}}"#
        let config = try TrainingConfig.decode(Data(json.utf8), source: "c.json")
        #expect(config.method.cicam.updateRate == 0.02)
        #expect(config.method.cicam.combination == "sum_1")
        #expect(config.method.cicam.alpha == 0.8)
        try config.validate()
        let unknown = #"{"method": {"name": "ci-cam", "cicam": {"bogus": 1}}}"#
        #expect(throws: TrainingConfigError(field: "method.cicam.bogus", reason: "is not a known setting (see docs/training.md)", path: "c.json")) {
            try TrainingConfig.decode(Data(unknown.utf8), source: "c.json")
        }
        var student = config
        student.method.name = "kd-ci-cam"
        #expect(throws: TrainingConfigError.self) { try student.validate() }
        var wrong = config
        wrong.method.cicam.combination = "cubic"
        #expect(throws: TrainingConfigError.self) { try wrong.validate() }
    }

    /// Three pixels of mass 1, 1, 2 on foreground, background, ignored: the ignored one does not
    /// count, so the leak is 1 / (1 + 1) = 0.5; an all-zero map has no leak figure.
    @Test func contextLeakShare() {
        let mask = GroundTruthMask(width: 3, height: 1, labels: [1, 0, 255])
        #expect(ContextLeak.share(map: [1, 1, 2], mask: mask) == 0.5)
        #expect(ContextLeak.share(map: [0, 0, 0], mask: mask) == nil)
        var accumulator = ContextLeakAccumulator()
        accumulator.accumulate(map: [1, 1, 2], mask: mask)
        accumulator.accumulate(map: [1, 0, 0], mask: mask)
        #expect(accumulator.meanPercent == 25)
    }
}

@Suite(.serialized) struct CICAMTrainingTests {
    /// A CI-CAM teacher trains for one epoch on SynthWSOL tiny; the run's model rebuilt from its
    /// directory holds the trained pool; a KD-CI-CAM student then trains with it as both teachers.
    @Test func teacherThenStudent() throws {
        var config = TrainingFixtures.config("cicam-teacher", epochs: 1, method: "ci-cam")
        config.method.cicam.auxiliary = "aux"
        config.method.cicam.sparsity = 1
        let trainer = try TrainingSetup.makeTrainer(config: config, packageVersion: "test")
        #expect(try trainer.run() == .finished)
        let trained = try #require(trainer.model as? CICAMModel)
        #expect(trained.contextPool.value.scalars.contains { $0 != 0 })
        let validation = try #require(trainer.state.history.last?.validation)
        #expect(validation.maxBoxAccV2 != nil && validation.contextLeak != nil)

        let rebuilt = try #require(try TrainedRunModel.load(directory: config.outputDirectory, checkpoint: "last") as? CICAMModel)
        #expect(rebuilt.contextPool.value.scalars == trained.contextPool.value.scalars)

        var student = TrainingFixtures.config("cicam-student", epochs: 1, method: "kd-ci-cam")
        student.method.cicam.classificationTeacher = config.outputDirectory
        student.method.cicam.localizationTeacher = config.outputDirectory
        student.method.cicam.teacherCheckpoint = "last"
        let studentTrainer = try TrainingSetup.makeTrainer(config: student, packageVersion: "test")
        #expect(try studentTrainer.run() == .finished)
        #expect(studentTrainer.state.history.last?.trainLoss.isFinite == true)

        student.method.cicam.classificationTeacher = student.outputDirectory + "/missing"
        #expect(throws: (any Error).self) { try TrainingSetup.makeTrainer(config: student, packageVersion: "test") }
    }
}
