import Foundation
import Testing
@testable import WSOLData

/// Split and dataset names, and locating `metadata/<DATASET>/<split>/` (DatasetSplit.swift).
@Suite struct MetadataSplitTests {
    @Test func splitNamesParseBothSpellings() {
        #expect(DatasetSplit(name: "val") == .val)
        #expect(DatasetSplit(name: "train-fullsup") == .val)
        #expect(DatasetSplit(name: "train-weaksup") == .train)
        #expect(DatasetSplit(name: "test-counter") == .testCounter)
        #expect(DatasetSplit(name: "validation") == nil)
        #expect(DatasetSplit.testCounter.directoryName == "test-counter")
    }

    @Test func datasetKindFromDirectoryName() {
        #expect(DatasetKind(directoryName: "CUB") == .cub)
        #expect(DatasetKind(directoryName: "openimages") == .openImages)
        #expect(DatasetKind(directoryName: "SynthWSOL") == .synthetic)
        #expect(DatasetKind(directoryName: "MyBirds") == .custom)
        #expect(DatasetKind.custom.metadataDirectoryName == nil)
    }

    @Test func locatesDirectAndNestedSplitDirectories() throws {
        try withTemporaryDirectory { root in
            try writeFiles(["metadata/CUB/val/image_ids.txt": "a.jpg",
                            "metadata/CUB/val/class_labels.txt": "a.jpg,0"], in: root)
            let expected = root + "/metadata/CUB/val"
            #expect(try WSOLMetadata.locate(metadataRoot: root + "/metadata", dataset: "CUB", split: .val) == expected)
            // The dataset root (parent of metadata/) is accepted too.
            #expect(try WSOLMetadata.locate(metadataRoot: root, dataset: "CUB", split: .val) == expected)
            let metadata = try WSOLMetadata.read(metadataRoot: root, dataset: "CUB", split: .val)
            #expect(metadata.imageIDs == ["a.jpg"])
        }
    }

    @Test func missingSplitListsTheAvailableOnes() throws {
        try withTemporaryDirectory { root in
            try writeFiles(["CUB/val/image_ids.txt": "", "CUB/train/image_ids.txt": ""], in: root)
            do {
                _ = try WSOLMetadata.locate(metadataRoot: root, dataset: "CUB", split: .test)
                Issue.record("expected an error")
            } catch let error as MetadataError {
                #expect(error.path == root + "/CUB/test")
                #expect(error.reason == "split 'test' not found (available splits: train, val)")
            }
        }
    }
}
