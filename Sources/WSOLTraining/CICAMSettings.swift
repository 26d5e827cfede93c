//! Config of CI-CAM (`method.name` `ci-cam`) and of the KD-CI-CAM student (`kd-ci-cam`): the
//! `method.cicam` object of a training config (docs/cicam.md). Absent keys keep the defaults.
import Foundation
import WSOLModels

/// CI-CAM and KD-CI-CAM hyper-parameters (defaults: the official CUB VGG16 scripts, methods.md §5.7).
public struct CICAMSettings: Codable, Sendable, Equatable {
    /// Pool update rate λ_u.
    public var updateRate: Float = 0.01
    /// Layers followed by a self-attention block; empty = the backbone's default (docs/cicam.md).
    public var attentionLayers: [String] = []
    /// `quadratic`, `linear`, `sum_1`, `sum_2` or `none` (the down map of the class asked for).
    public var combination = "quadratic"
    /// m of `sum_1`/`sum_2`.
    public var lowestCount = 20
    /// Teacher auxiliary loss: `none`, `fore`, `diff` or `aux`.
    public var auxiliary = "none"
    public var auxiliaryRate: Float = 1
    /// The auxiliary losses' mask threshold (share of the map's maximum).
    public var segThreshold: Float = 0.08
    /// 0 none, 1 at map resolution, 2 after upsampling.
    public var sparsity = 0
    public var sparsityRate: Float = 0.04
    /// KD-CI-CAM: run directories of the two teachers (CI-CAM runs) and the checkpoint to use.
    public var classificationTeacher = ""
    public var localizationTeacher = ""
    public var teacherCheckpoint = "best"
    public var alpha: Float = 0.8
    public var classificationTemperature: Float = 15
    public var localizationTemperature: Float = 15
    /// The official KL on probabilities (no T²) instead of the true KL with T².
    public var compatibleKL = false
    public var classificationMinScale: Float = 0.2
    public var localizationMinScale: Float = 0.1

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case updateRate, attentionLayers, combination, lowestCount, auxiliary, auxiliaryRate, segThreshold
        case sparsity, sparsityRate, classificationTeacher, localizationTeacher, teacherCheckpoint, alpha
        case classificationTemperature, localizationTemperature, compatibleKL, classificationMinScale, localizationMinScale
    }

    public init(from decoder: Decoder) throws {
        try rejectUnknownKeys(decoder, known: CodingKeys.allCases.map(\.rawValue), prefix: "method.cicam.")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var s = CICAMSettings()
        s.updateRate = try c.value(.updateRate, or: s.updateRate)
        s.attentionLayers = try c.value(.attentionLayers, or: s.attentionLayers)
        s.combination = try c.value(.combination, or: s.combination)
        s.lowestCount = try c.value(.lowestCount, or: s.lowestCount)
        s.auxiliary = try c.value(.auxiliary, or: s.auxiliary)
        s.auxiliaryRate = try c.value(.auxiliaryRate, or: s.auxiliaryRate)
        s.segThreshold = try c.value(.segThreshold, or: s.segThreshold)
        s.sparsity = try c.value(.sparsity, or: s.sparsity)
        s.sparsityRate = try c.value(.sparsityRate, or: s.sparsityRate)
        s.classificationTeacher = try c.value(.classificationTeacher, or: s.classificationTeacher)
        s.localizationTeacher = try c.value(.localizationTeacher, or: s.localizationTeacher)
        s.teacherCheckpoint = try c.value(.teacherCheckpoint, or: s.teacherCheckpoint)
        s.alpha = try c.value(.alpha, or: s.alpha)
        s.classificationTemperature = try c.value(.classificationTemperature, or: s.classificationTemperature)
        s.localizationTemperature = try c.value(.localizationTemperature, or: s.localizationTemperature)
        s.compatibleKL = try c.value(.compatibleKL, or: s.compatibleKL)
        s.classificationMinScale = try c.value(.classificationMinScale, or: s.classificationMinScale)
        s.localizationMinScale = try c.value(.localizationMinScale, or: s.localizationMinScale)
        self = s
    }

    /// Checks ranges and names; the teachers are required for `kd-ci-cam` only.
    func validate(method: String) throws {
        func require(_ condition: Bool, _ field: String, _ reason: String) throws {
            if !condition { throw TrainingConfigError(field: "method.cicam." + field, reason: reason) }
        }
        try require(updateRate >= 0 && updateRate.isFinite, "updateRate", "must be >= 0")
        try require(RankCombination(rawValue: combination) != nil, "combination",
                    "'\(combination)' is not one of \(RankCombination.allCases.map(\.rawValue).joined(separator: ", "))")
        try require(lowestCount > 0, "lowestCount", "must be positive")
        try require(CICAMAuxiliaryLoss(rawValue: auxiliary) != nil, "auxiliary", "'\(auxiliary)' is not one of none, fore, diff, aux")
        try require((0...1).contains(segThreshold), "segThreshold", "must be in [0, 1]")
        try require((0...2).contains(sparsity), "sparsity", "must be 0, 1 or 2")
        try require((0...1).contains(alpha), "alpha", "must be in [0, 1]")
        try require(classificationTemperature > 0 && localizationTemperature > 0, "classificationTemperature", "temperatures must be positive")
        try require((0.01...1).contains(classificationMinScale) && (0.01...1).contains(localizationMinScale),
                    "classificationMinScale", "crop scales must be in [0.01, 1]")
        try require(["best", "last"].contains(teacherCheckpoint), "teacherCheckpoint", "must be best or last")
        if method == "kd-ci-cam" {
            try require(!classificationTeacher.isEmpty, "classificationTeacher", "is required for kd-ci-cam (a CI-CAM run directory)")
            try require(!localizationTeacher.isEmpty, "localizationTeacher", "is required for kd-ci-cam (a CI-CAM run directory)")
        }
    }

    /// The network and loss options for a training crop of `inputSize`.
    public func options(inputSize: Int) -> CICAMOptions {
        var options = CICAMOptions()
        options.updateRate = updateRate
        options.attentionLayers = attentionLayers
        options.combination = RankCombination(rawValue: combination) ?? .quadratic
        options.lowestCount = lowestCount
        options.auxiliary = CICAMAuxiliaryLoss(rawValue: auxiliary) ?? .none
        options.auxiliaryRate = auxiliaryRate
        options.segThreshold = segThreshold
        options.sparsity = sparsity
        options.sparsityRate = sparsityRate
        options.inputSize = inputSize
        return options
    }

    /// The student's options.
    public func distillationOptions(inputSize: Int) -> KDCICAMOptions {
        var options = KDCICAMOptions()
        options.student = self.options(inputSize: inputSize)
        options.alpha = alpha
        options.classificationTemperature = classificationTemperature
        options.localizationTemperature = localizationTemperature
        options.compatibleKL = compatibleKL
        options.classificationMinScale = classificationMinScale
        options.localizationMinScale = localizationMinScale
        return options
    }

    /// Loads the two teachers' run directories as CI-CAM models.
    func loadTeachers() throws -> KDCICAMTraining.Teachers {
        func load(_ directory: String) throws -> CICAMModel {
            guard let model = try TrainedRunModel.load(directory: directory, checkpoint: teacherCheckpoint) as? CICAMModel else {
                throw TrainedRunError(path: directory, reason: "is not a CI-CAM run (a KD-CI-CAM teacher must be trained with --method ci-cam)")
            }
            return model
        }
        return (try load(classificationTeacher), try load(localizationTeacher))
    }
}

extension TrainingSetup {
    /// The configured method, with the settings that depend on the rest of the config (CI-CAM's
    /// pool is sized by the input); every other method is ``makeMethod(_:)``.
    public static func makeMethod(config: TrainingConfig) -> any WSOLTrainingMethod {
        let settings = config.method.cicam
        switch config.method.name {
        case "ci-cam": return CICAMTraining(options: settings.options(inputSize: config.inputSize))
        case "kd-ci-cam":
            return KDCICAMTraining(options: settings.distillationOptions(inputSize: config.inputSize),
                                   loadTeachers: settings.loadTeachers)
        default: return makeMethod(config.method, seed: config.seed)
        }
    }
}
