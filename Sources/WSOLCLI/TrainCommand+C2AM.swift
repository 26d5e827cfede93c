//! `wsol train --method c2am` flags (methods.md §7; docs/c2am.md).
import ArgumentParser
import Foundation
import WSOLTraining

/// C²AM's flags; each overrides `method.c2am` of the config.
struct C2AMOptions: ParsableArguments {
    @Option(name: .customLong("c2am-alpha"), help: "C2AM rank-weight alpha in exp(-alpha (rank - 1)) (default 0.05).")
    var alpha: Float?
    @Option(name: .customLong("c2am-layers"), help: "C2AM: two backbone layers to concatenate, comma-separated, deepest first (default: the two last stages).")
    var layers: String?
    @Flag(name: .customLong("quirk-compat"), help: "C2AM: reproduce the official optimiser quirks (SGD momentum 1e-4, BatchNorm affines frozen).")
    var quirkCompat = false
    @Flag(name: .customLong("c2am-freeze-bn-affine"), help: "C2AM: keep BatchNorm affines frozen (part of --quirk-compat) with the configured optimiser.")
    var freezeBatchNormAffine = false

    func apply(to config: inout TrainingConfig) {
        if let alpha { config.method.c2am.alpha = alpha }
        if let layers { config.method.c2am.layers = layers.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
        if quirkCompat { config.method.c2am.quirkCompat = true }
        if freezeBatchNormAffine { config.method.c2am.freezeBatchNormAffine = true }
    }
}
