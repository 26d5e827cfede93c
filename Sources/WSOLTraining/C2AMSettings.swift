//! C²AM's settings in a training config (`method.c2am`), methods.md §7.
import Foundation
import WSOLModels

/// `method.c2am` of a ``TrainingConfig``: every key optional, unknown keys rejected.
public struct C2AMSettings: Codable, Sendable, Equatable {
    /// α of the rank weights `exp(−α (rank − 1))`: 0.05 with supervised or no initialisation
    /// (the official CUB/ILSVRC setting), 0.75 with MoCo/DetCo on CUB, 0.25 for VOC (WSSS).
    public var alpha: Float = 0.05
    /// Backbone layers whose outputs are concatenated (deepest first); empty = the defaults of
    /// ``C2AMModel/defaultLayers(for:)``.
    public var layers: [String] = []
    /// Reproduce the official optimiser quirks: SGD momentum 1e-4 (the weight decay lands in
    /// the momentum slot), no Nesterov, and every BatchNorm affine frozen. Default: off (the
    /// paper's intent: the configured momentum, all parameters trained).
    public var quirkCompat = false
    /// Keep every BatchNorm affine at its initial value (the part of `quirkCompat` that
    /// stabilises training from scratch on SynthWSOL, docs/c2am.md) with the configured optimiser.
    public var freezeBatchNormAffine = false

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case alpha, layers, quirkCompat, freezeBatchNormAffine }

    public init(from decoder: Decoder) throws {
        try rejectUnknownKeys(decoder, known: CodingKeys.allCases.map(\.rawValue), prefix: "method.c2am.")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var settings = C2AMSettings()
        settings.alpha = try c.value(.alpha, or: settings.alpha)
        settings.layers = try c.value(.layers, or: settings.layers)
        settings.quirkCompat = try c.value(.quirkCompat, or: settings.quirkCompat)
        settings.freezeBatchNormAffine = try c.value(.freezeBatchNormAffine, or: settings.freezeBatchNormAffine)
        self = settings
    }

    func validate() throws {
        if !(alpha >= 0 && alpha.isFinite) { throw TrainingConfigError(field: "method.c2am.alpha", reason: "must be >= 0") }
        if !(layers.isEmpty || layers.count == 2) {
            throw TrainingConfigError(field: "method.c2am.layers", reason: "must name two layers (or none for the defaults)")
        }
    }

    /// The training method these settings describe.
    func makeMethod(seed: UInt64) -> C2AMTraining {
        C2AMTraining(alpha: alpha, layers: layers, freezesBatchNormAffine: quirkCompat || freezeBatchNormAffine, seed: seed)
    }

    /// The official code's effective SGD momentum (its weight decay, 1e-4, passed positionally).
    static let quirkMomentum: Float = 1e-4
}
