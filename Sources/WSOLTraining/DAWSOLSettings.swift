//! DA-WSOL's settings in a training config (`method.dawsol`), with the official defaults.
import Foundation
import WSOLModels

/// `method.dawsol` in a config: used when `method.name` is `dawsol` (methods.md §6).
/// Every key is optional (defaults below, the official argparse defaults); unknown keys are refused.
public struct DAWSOLSettings: Codable, Sendable, Equatable {
    /// The base method DA-WSOL wraps: `cam`, `has`, `cutmix` or `adl` (its own `method.*` settings apply).
    public var base = "cam"
    /// `L_d`: `mmd` (linear-time multi-kernel MMD, the default) or `dann` (discriminator + gradient reversal).
    public var alignment = "mmd"
    /// λ1, the weight of `L_d` (official `--beta`).
    public var beta: Float = 0.3
    /// λ2, the weight of the Universum term `L_u` (official `--univer`).
    public var univer: Float = 0.3
    /// The domain terms are on for epochs (0-based) after this one (official `--start_epoch`).
    public var startEpoch = 0
    /// Size of each per-image source and target set (official `sample_num_source/target`, 32).
    public var samples = 32

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case base, alignment, beta, univer, startEpoch, samples
    }

    public init(from decoder: Decoder) throws {
        try rejectUnknownKeys(decoder, known: CodingKeys.allCases.map(\.rawValue), prefix: "method.dawsol.")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var settings = DAWSOLSettings()
        settings.base = try c.value(.base, or: settings.base)
        settings.alignment = try c.value(.alignment, or: settings.alignment)
        settings.beta = try c.value(.beta, or: settings.beta)
        settings.univer = try c.value(.univer, or: settings.univer)
        settings.startEpoch = try c.value(.startEpoch, or: settings.startEpoch)
        settings.samples = try c.value(.samples, or: settings.samples)
        self = settings
    }

    /// Base methods DA-WSOL can wrap.
    public static let baseNames = ["cam", "has", "cutmix", "adl"]

    func validate() throws {
        func require(_ condition: Bool, _ field: String, _ reason: String) throws {
            if !condition { throw TrainingConfigError(field: "method.dawsol." + field, reason: reason) }
        }
        try require(Self.baseNames.contains(base), "base", "'\(base)' is not one of \(Self.baseNames.joined(separator: ", "))")
        try require(DAWSOLTraining.Alignment(rawValue: alignment) != nil, "alignment", "'\(alignment)' is not mmd or dann")
        try require(beta >= 0 && beta.isFinite, "beta", "must be >= 0")
        try require(univer >= 0 && univer.isFinite, "univer", "must be >= 0")
        try require(startEpoch >= 0, "startEpoch", "must be >= 0")
        try require(samples > 1, "samples", "must be at least 2")
    }
}

extension TrainingSetup {
    /// DA-WSOL around the configured base method (whose own `method.*` settings apply).
    static func makeDAWSOL(_ settings: MethodSettings, seed: UInt64) -> any WSOLTrainingMethod {
        var baseSettings = settings
        baseSettings.name = settings.dawsol.base
        let options = settings.dawsol
        return DAWSOLTraining(base: makeMethod(baseSettings), alignment: DAWSOLTraining.Alignment(rawValue: options.alignment) ?? .mmd,
                              beta: options.beta, univer: options.univer, startEpoch: options.startEpoch,
                              sampleCount: options.samples, seed: seed)
    }
}
