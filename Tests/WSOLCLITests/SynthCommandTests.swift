import ArgumentParser
import Foundation
import Testing
@testable import WSOLCLI
import WSOLData

/// `wsol synth` argument handling (SynthCommand.swift).
@Suite struct SynthCommandTests {
    private func config(_ arguments: [String]) throws -> SynthConfig {
        try SynthCommand.parse(["--out", "/tmp/unused"] + arguments).makeConfig()
    }

    @Test func presetThenKnobs() throws {
        let tiny = try config(["--preset", "tiny", "--seed", "5", "--rho", "0.6", "--image-size", "128"])
        var expected = SynthPreset.tiny.config
        expected.seed = 5
        expected.rho = 0.6
        expected.imageSize = 128
        #expect(tiny == expected)
        // Default preset is standard.
        #expect(try config([]) == SynthPreset.standard.config)
    }

    @Test func classesAlsoSetOneBackgroundFamilyPerClassUnlessGiven() throws {
        let six = try config(["--classes", "6"])
        #expect(six.classCount == 6 && six.backgroundFamilyCount == 6)
        let sixOnThree = try config(["--classes", "6", "--backgrounds", "3"])
        #expect(sixOnThree.backgroundFamilyCount == 3)
    }

    @Test func formatAndCountsAreParsed() throws {
        let parsed = try config(["--format", "jpg", "--train", "3", "--test-counter", "0", "--max-part", "0.2"])
        #expect(parsed.imageFormat == .jpeg && parsed.trainPerClass == 3 && parsed.testCounterPerClass == 0)
        #expect(parsed.maxPartFraction == 0.2)
    }

    @Test func badValuesAreRejected() {
        #expect(throws: (any Error).self) { try config(["--preset", "huge"]) }
        #expect(throws: (any Error).self) { try config(["--rho", "1.5"]) }
        #expect(throws: (any Error).self) { try config(["--format", "gif"]) }
        #expect(throws: (any Error).self) { try SynthCommand.parse([]) }  // --out is required
    }

    @Test func fromRecordReproducesTheRecordedConfig() throws {
        let directory = NSTemporaryDirectory() + "synthcmd-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var recorded = SynthPreset.tiny.config
        recorded.seed = 11
        recorded.trainPerClass = 1
        recorded.valPerClass = 0
        recorded.testPerClass = 0
        recorded.testCounterPerClass = 0
        try SynthGenerator(config: recorded).write(to: directory)
        #expect(try config(["--from-record", directory + "/synthwsol.json"]) == recorded)
        #expect(try config(["--from-record", directory + "/synthwsol.json", "--seed", "12"]).seed == 12)
    }

    @Test func synthAndImportAreRegistered() {
        let names = WSOLCommand.configuration.subcommands.map { $0.configuration.commandName }
        #expect(names.contains("synth") && names.contains("import"))
    }
}

/// `wsol import` argument handling (ImportCommand.swift).
@Suite struct SynthImportCommandTests {
    @Test func folderImportWritesMetadataUnderTheRoot() throws {
        let root = NSTemporaryDirectory() + "importcmd-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        for path in ["train/cat/1.jpg", "train/dog/2.png"] {
            try FileManager.default.createDirectory(atPath: root + "/" + (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: root + "/" + path, contents: Data([1]))
        }
        var command = try ImportFolderCommand.parse(["--root", root, "--images", "train", "--dataset", "Pets"])
        try command.run()
        let metadata = try WSOLMetadata.read(directory: root + "/metadata/Pets/train")
        #expect(metadata.classLabels == ["train/cat/1.jpg": 0, "train/dog/2.png": 1])
        command = try ImportFolderCommand.parse(["--root", root, "--images", "train", "--dataset", "Pets", "--split", "nope"])
        #expect(throws: (any Error).self) { try command.run() }
    }

    @Test func cocoImportRequiresAnnotations() {
        #expect(throws: (any Error).self) { try ImportCOCOCommand.parse(["--root", "/r", "--dataset", "D"]) }
        #expect(throws: Never.self) {
            try ImportCOCOCommand.parse(["--root", "/r", "--dataset", "D", "--annotations", "a.json", "--split", "val"])
        }
    }
}
