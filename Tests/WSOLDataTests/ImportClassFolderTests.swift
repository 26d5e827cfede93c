import Foundation
import Testing
@testable import WSOLData

/// The class-folder importer and writing an imported split (ClassFolderImporter, ImportedDataset).
@Suite struct ImportClassFolderTests {
    /// A dataset root with `train/<class>/...` files; contents are irrelevant (never decoded).
    private func makeTree(_ root: String) throws {
        try writeFiles([
            "train/zebra/z1.JPG": "x", "train/zebra/.hidden.jpg": "x",
            "train/ant/b.png": "x", "train/ant/a.jpeg": "x", "train/ant/notes.txt": "x",
            "train/ant/sub/c.jpg": "x", "train/Bee/1.jpg": "x", "train/readme.md": "x",
        ], in: root)
    }

    @Test func labelsFollowSortedFolderNames() throws {
        try withTemporaryDirectory { root in
            try makeTree(root)
            let imported = try ClassFolderImporter.importFolder(datasetRoot: root, imagesDirectory: "train")
            // Byte order: "Bee" (B = 0x42) < "ant" (a = 0x61) < "zebra".
            #expect(imported.classNames == ["Bee", "ant", "zebra"])
            #expect(imported.metadata.imageIDs == ["train/Bee/1.jpg", "train/ant/a.jpeg", "train/ant/b.png",
                                                   "train/ant/sub/c.jpg", "train/zebra/z1.JPG"])
            #expect(imported.metadata.classLabels["train/ant/sub/c.jpg"] == 1)
            #expect(imported.metadata.classLabels["train/zebra/z1.JPG"] == 2)
            #expect(imported.metadata.boxes.isEmpty && imported.metadata.imageSizes.isEmpty)
            #expect(imported.notes == ["1 file(s) directly in \(root)/train ignored (not in a class folder)"])
        }
    }

    @Test func givenClassListFixesTheLabels() throws {
        try withTemporaryDirectory { root in
            try makeTree(root)
            let imported = try ClassFolderImporter.importFolder(
                datasetRoot: root, imagesDirectory: "./train", classNames: ["zebra", "yak", "ant", "Bee"])
            #expect(imported.metadata.classLabels["train/zebra/z1.JPG"] == 0)
            #expect(imported.metadata.classLabels["train/Bee/1.jpg"] == 3)
            #expect(imported.classNames.count == 4)
            // A folder outside the list is refused.
            #expect(throws: MetadataError.self) {
                try ClassFolderImporter.importFolder(datasetRoot: root, imagesDirectory: "train", classNames: ["ant"])
            }
        }
    }

    @Test func sizesComeFromTheImageHeaders() throws {
        try withTemporaryDirectory { root in
            try FileManager.default.createDirectory(atPath: root + "/imgs/a", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: root + "/imgs/b", withIntermediateDirectories: true)
            try ImageCodec.writePNG(PixelImage(width: 5, height: 3, channels: 3), to: root + "/imgs/a/x.png")
            try ImageCodec.writeJPEG(PixelImage(width: 8, height: 16, channels: 3), to: root + "/imgs/b/y.jpg")
            let imported = try ClassFolderImporter.importFolder(datasetRoot: root, imagesDirectory: "imgs", readSizes: true)
            #expect(imported.metadata.imageSizes == ["imgs/a/x.png": ImageSize(width: 5, height: 3),
                                                     "imgs/b/y.jpg": ImageSize(width: 8, height: 16)])
            // A file that is not an image fails with an error naming it.
            try writeFiles(["imgs/b/bad.jpg": "not a jpeg"], in: root)
            #expect { try ClassFolderImporter.importFolder(datasetRoot: root, imagesDirectory: "imgs", readSizes: true) }
                throws: { "\($0)".contains("bad.jpg") }
        }
    }

    @Test func folderWithoutClassFoldersIsAnError() throws {
        try withTemporaryDirectory { root in
            try writeFiles(["flat/a.jpg": "x"], in: root)
            do {
                _ = try ClassFolderImporter.importFolder(datasetRoot: root, imagesDirectory: "flat")
                Issue.record("expected an error")
            } catch let error as MetadataError {
                #expect(error.path == root + "/flat" && error.reason.contains("no class sub-folders"))
            }
            #expect(throws: MetadataError.self) {
                try ClassFolderImporter.importFolder(datasetRoot: root, imagesDirectory: "missing")
            }
        }
    }

    @Test func writesSplitAndClassesAndRefusesOtherClasses() throws {
        try withTemporaryDirectory { root in
            try makeTree(root)
            let imported = try ClassFolderImporter.importFolder(datasetRoot: root, imagesDirectory: "train")
            let directory = try imported.write(metadataRoot: root + "/metadata", dataset: "Mine", split: .train)
            #expect(directory == root + "/metadata/Mine/train")
            #expect(try readText("classes.txt", in: root + "/metadata/Mine") == "Bee\nant\nzebra\n")
            #expect(try readText("class_labels.txt", in: directory).hasPrefix("train/Bee/1.jpg,0\ntrain/ant/a.jpeg,1\n"))
            #expect(try WSOLMetadata.read(directory: directory) == imported.metadata)
            var other = imported
            other.classNames = ["Bee", "ant"]
            #expect(throws: MetadataError.self) {
                try other.write(metadataRoot: root + "/metadata", dataset: "Mine", split: .val)
            }
            #expect(try ClassNamesFile.readIfPresent(root + "/metadata/Mine/classes.txt") == ["Bee", "ant", "zebra"])
        }
    }
}
