import Foundation
import Testing
@testable import WSOLData

/// Writing a data set to disk (SynthGenerator, SynthGenerator+Writing, SynthContactSheet).
@Suite struct SynthGeneratorTests {
    /// 2 classes x (3 + 1 + 2 + 2) = 16 images of 64 px: quick in a debug build.
    private var smallConfig: SynthConfig {
        var config = SynthPreset.tiny.config
        config.classCount = 2
        config.backgroundFamilyCount = 3
        config.trainPerClass = 3
        config.valPerClass = 1
        config.testPerClass = 2
        config.testCounterPerClass = 2
        config.supersampling = 2
        config.seed = 7
        return config
    }

    /// Every regular file under `root` (relative path -> bytes).
    private func files(under root: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = try #require(FileManager.default.enumerator(atPath: root))
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = root + "/" + relative
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                result[relative] = FileManager.default.contents(atPath: path)
            }
        }
        return result
    }

    @Test func sameSeedGivesByteIdenticalFilesWhateverTheThreadCount() throws {
        try withTemporaryDirectory { root in
            let generator = try SynthGenerator(config: smallConfig)
            try generator.write(to: root + "/a", threads: 1)
            try generator.write(to: root + "/b", threads: 2)
            let a = try files(under: root + "/a"), b = try files(under: root + "/b")
            // 16 images + 16 masks + 16 part masks + ignore mask + 4 splits x 6 metadata files
            // + classes.txt + synthwsol.json.
            #expect(a.count == 16 + 16 + 16 + 1 + 24 + 2)
            #expect(a == b)
            var other = smallConfig
            other.seed = 8
            (other.trainPerClass, other.valPerClass, other.testPerClass, other.testCounterPerClass) = (1, 0, 0, 0)
            try SynthGenerator(config: other).write(to: root + "/c")
            let c = try files(under: root + "/c")
            #expect(c["images/train/00_oval_red_solid/0000.png"] != a["images/train/00_oval_red_solid/0000.png"])
        }
    }

    @Test func metadataReadsBackAndBoxesMatchTheMaskFiles() throws {
        try withTemporaryDirectory { root in
            let summary = try SynthGenerator(config: smallConfig).write(to: root)
            #expect(summary.imagesPerSplit == [.train: 6, .val: 2, .test: 4, .testCounter: 4])
            #expect(summary.ownBackgroundRate[.testCounter] == 0)
            for split in DatasetSplit.allCases {
                let metadata = try WSOLMetadata.read(metadataRoot: root + "/metadata", dataset: "SynthWSOL", split: split)
                #expect(metadata.imageIDs.count == summary.imagesPerSplit[split])
                for id in metadata.imageIDs {
                    let image = try ImageCodec.read(root + "/" + id)
                    #expect(image.width == 64 && image.height == 64)
                    let maskFiles = try #require(metadata.masks[id])
                    #expect(maskFiles.instancePaths.count == 1 && maskFiles.ignorePath == "masks/ignore_none.png")
                    let mask = try ImageCodec.read(root + "/" + maskFiles.instancePaths[0], gray: true)
                    #expect(metadata.boxes[id] == [SynthRenderer.boundingBox(of: mask)])
                    #expect(metadata.imageSizes[id] == ImageSize(width: 64, height: 64))
                }
            }
            let scenes = try readText("metadata/SynthWSOL/test-counter/synthwsol_scenes.txt", in: root)
            #expect(scenes.split(separator: "\n").allSatisfy { $0.split(separator: ",")[2] == "0" })
            let ignore = try ImageCodec.read(root + "/masks/ignore_none.png", gray: true)
            #expect(ignore.width == 64 && ignore.pixels.allSatisfy { $0 == 0 })
            let record = try SynthRecord.read(path: root + "/synthwsol.json")
            #expect(record.config == smallConfig && record.generatorVersion == SynthGenerator.generatorVersion)
            #expect(try readText("metadata/SynthWSOL/classes.txt", in: root) == "00_oval_red_solid\n01_box_yellow_stripes\n")
        }
    }

    @Test func refusesANonEmptyDirectoryUnlessOverwriting() throws {
        try withTemporaryDirectory { root in
            try writeFiles(["notes.txt": "mine", "images/stale.png": "x"], in: root)
            var config = smallConfig
            config.trainPerClass = 1
            config.valPerClass = 0
            config.testPerClass = 0
            config.testCounterPerClass = 0
            let generator = try SynthGenerator(config: config)
            #expect(throws: MetadataError.self) { try generator.write(to: root) }
            try generator.write(to: root, overwrite: true)
            // Our own previous output is replaced, other files are left alone.
            #expect(!FileManager.default.fileExists(atPath: root + "/images/stale.png"))
            #expect(FileManager.default.fileExists(atPath: root + "/notes.txt"))
        }
    }

    @Test func contactSheetHasOneRowPerClass() throws {
        var config = smallConfig
        config.imageSize = 64
        let sheet = try SynthGenerator(config: config).contactSheet(perSplit: 1)
        // 3 columns of (64 + 2) + 2 = 200 wide; 2 rows: 2 * 66 + 2 = 134 high.
        #expect(sheet.width == 200 && sheet.height == 134 && sheet.channels == 3)
    }

    @Test func invalidConfigIsRejectedBeforeWriting() {
        var config = smallConfig
        config.imageSize = 32
        #expect(throws: SynthConfigError.self) { try SynthGenerator(config: config) }
    }
}

extension SynthGeneratorTests {
    /// Part masks: every part pixel is an object pixel, and the part covers 5-10% (planned part
    /// fraction) of the object, give or take anti-aliasing at the mask edges (3-15% here).
    @Test func partMasksLieInsideTheObjectMask() throws {
        try withTemporaryDirectory { root in
            let generator = try SynthGenerator(config: smallConfig)
            try generator.write(to: root, threads: 2)
            let metadata = try WSOLMetadata.read(metadataRoot: root + "/metadata", dataset: "SynthWSOL", split: .train)
            for id in metadata.imageIDs {
                let maskPath = try #require(metadata.masks[id]?.instancePaths.first)
                let object = try ImageCodec.read(root + "/" + maskPath, gray: true).pixels
                let part = try ImageCodec.read(root + "/parts" + maskPath.dropFirst("masks".count), gray: true).pixels
                #expect(zip(part, object).allSatisfy { $0 == 0 || $1 != 0 }, "part outside the object in \(id)")
                let share = Double(part.filter { $0 != 0 }.count) / Double(object.filter { $0 != 0 }.count)
                #expect(share > 0.03 && share < 0.15, "part share \(share) in \(id)")
            }
        }
    }
}
