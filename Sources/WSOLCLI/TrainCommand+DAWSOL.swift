//! `wsol train` flags of DA-WSOL (`--method dawsol`), applied to `method.dawsol` of the config.
import ArgumentParser
import WSOLTraining

/// DA-WSOL's flags; each overrides the config's `method.dawsol` value when given.
struct DAWSOLOptions: ParsableArguments {
    @Option(name: .customLong("dawsol-base"), help: "DA-WSOL: the base method it wraps (cam, has, cutmix, adl).")
    var base: String?
    @Option(name: .customLong("dawsol-alignment"), help: "DA-WSOL: domain loss, mmd (default) or dann.")
    var alignment: String?
    @Option(name: .customLong("dawsol-beta"), help: "DA-WSOL: weight λ1 of the domain loss (default 0.3).")
    var beta: Float?
    @Option(name: .customLong("dawsol-univer"), help: "DA-WSOL: weight λ2 of the Universum loss (default 0.3).")
    var univer: Float?
    @Option(name: .customLong("dawsol-start-epoch"), help: "DA-WSOL: domain losses on after this 0-based epoch (default 0).")
    var startEpoch: Int?
    @Option(name: .customLong("dawsol-samples"), help: "DA-WSOL: source/target samples per image (default 32).")
    var samples: Int?

    func apply(to config: inout TrainingConfig) {
        if let base { config.method.dawsol.base = base }
        if let alignment { config.method.dawsol.alignment = alignment }
        if let beta { config.method.dawsol.beta = beta }
        if let univer { config.method.dawsol.univer = univer }
        if let startEpoch { config.method.dawsol.startEpoch = startEpoch }
        if let samples { config.method.dawsol.samples = samples }
    }
}
