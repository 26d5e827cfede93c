//! `wsol synth`: generates the SynthWSOL benchmark (docs/synthwsol.md).
import ArgumentParser
import Foundation
import WSOLData

/// `wsol synth --out DIR --preset tiny|standard --seed N [knobs...]`.
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Generate SynthWSOL: procedural WSOL data with boxes, masks and a counter-context test split.",
        discussion: """
            Start from a preset (or a previous run's synthwsol.json) and override any knob. Same config \
            and seed give byte-identical files. Every knob is explained in docs/synthwsol.md.
            """
    )

    @Option(help: "Output dataset root (images/, masks/, metadata/SynthWSOL/, synthwsol.json).")
    var out: String

    @Option(help: "Starting point: tiny (312 images, 4 classes, 64 px) or standard (7,500 images, 10 classes, 96 px).")
    var preset: String = "standard"

    @Option(help: "Start from the config recorded in a previous run's synthwsol.json instead of a preset.")
    var fromRecord: String?

    @Option(help: "Random seed.") var seed: UInt64?
    @Option(help: "Number of classes (2-30).") var classes: Int?
    @Option(help: "Number of background families (2-24; default = classes for the presets).") var backgrounds: Int?
    @Option(help: "Number of body shapes shared among classes (1-5).") var shapes: Int?
    @Option(help: "Image side in pixels (64-256).") var imageSize: Int?
    @Option(help: "Probability of the class's own background in train/val/test (0-1).") var rho: Double?
    @Option(help: "Training images per class.") var train: Int?
    @Option(help: "Validation (train-fullsup) images per class.") var val: Int?
    @Option(help: "Test images per class.") var test: Int?
    @Option(help: "Counter-context test images per class.") var testCounter: Int?
    @Option(help: "Smallest object size as a fraction of the side.") var minScale: Double?
    @Option(help: "Largest object size as a fraction of the side.") var maxScale: Double?
    @Option(help: "Smallest part area as a fraction of the body.") var minPart: Double?
    @Option(help: "Largest part area as a fraction of the body.") var maxPart: Double?
    @Option(help: "Probability that an image has distractor bodies.") var distractorProbability: Double?
    @Option(help: "Most distractors per image (0-4).") var maxDistractors: Int?
    @Option(help: "Anti-aliasing samples per pixel side (1-8).") var supersampling: Int?
    @Option(help: "Image format: png or jpeg (masks are always PNG).") var format: String?
    @Option(help: "JPEG quality (1-100).") var jpegQuality: Int?

    @Option(help: "Worker threads (the output does not depend on it).") var threads: Int = 2
    @Flag(help: "Replace a previous run in --out.") var overwrite = false
    @Option(help: "Also write a PNG contact sheet (rows = classes; train, test, test-counter).") var contactSheet: String?

    /// The config: preset or record, then each given knob.
    func makeConfig() throws -> SynthConfig {
        var config: SynthConfig
        if let fromRecord {
            let record = try SynthRecord.read(path: fromRecord)
            if record.generatorVersion != SynthGenerator.generatorVersion {
                print("note: \(fromRecord) was written by generator version \(record.generatorVersion); this is "
                      + "version \(SynthGenerator.generatorVersion), so the images will differ")
            }
            config = record.config
        } else {
            guard let chosen = SynthPreset(rawValue: preset) else {
                throw ValidationError("unknown preset '\(preset)' (use tiny or standard)")
            }
            config = chosen.config
        }
        func set<Value>(_ value: Value?, _ keyPath: WritableKeyPath<SynthConfig, Value>) {
            if let value { config[keyPath: keyPath] = value }
        }
        set(seed, \.seed); set(classes, \.classCount); set(shapes, \.shapeCount)
        set(imageSize, \.imageSize); set(rho, \.rho)
        set(train, \.trainPerClass); set(val, \.valPerClass); set(test, \.testPerClass)
        set(testCounter, \.testCounterPerClass)
        set(minScale, \.minScale); set(maxScale, \.maxScale); set(minPart, \.minPartFraction); set(maxPart, \.maxPartFraction)
        set(distractorProbability, \.distractorProbability); set(maxDistractors, \.maxDistractors)
        set(supersampling, \.supersampling); set(jpegQuality, \.jpegQuality)
        // One background family per class unless told otherwise, also when only --classes is given.
        config.backgroundFamilyCount = backgrounds ?? (classes ?? config.backgroundFamilyCount)
        if let format {
            guard let imageFormat = SynthImageFormat(rawValue: format == "jpg" ? "jpeg" : format) else {
                throw ValidationError("unknown format '\(format)' (use png or jpeg)")
            }
            config.imageFormat = imageFormat
        }
        try config.validate()
        return config
    }

    func run() throws {
        let config = try makeConfig()
        let generator = try SynthGenerator(config: config)
        let total = config.totalImages
        let started = Date()
        let summary = try generator.write(to: out, threads: max(1, threads), overwrite: overwrite) { done in
            if done % 500 == 0 || done == total { print("  \(done)/\(total) images") }
        }
        let seconds = Date().timeIntervalSince(started)
        print("wrote \(out): \(total) images in \(String(format: "%.1f", seconds)) s")
        for split in DatasetSplit.allCases {
            let count = summary.imagesPerSplit[split] ?? 0
            let own = (summary.ownBackgroundRate[split] ?? 0) * 100
            print("  \(split.directoryName): \(count) images, \(String(format: "%.1f", own))% on own background")
        }
        if let contactSheet {
            try ImageCodec.writePNG(generator.contactSheet(), to: contactSheet)
            print("contact sheet: \(contactSheet)")
        }
    }
}
