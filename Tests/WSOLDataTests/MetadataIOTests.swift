import Foundation
import Testing
@testable import WSOLData

/// Reading and writing split directories (WSOLMetadata+IO, +Parsing, +Validation).
@Suite struct MetadataIOTests {
    /// Reads `files` written into a temporary split directory.
    private func read(_ files: [String: String]) throws -> WSOLMetadata {
        try withTemporaryDirectory { directory in
            try writeFiles(files, in: directory)
            return try WSOLMetadata.read(directory: directory)
        }
    }

    /// The error thrown when reading `files`, or nil.
    private func readError(_ files: [String: String]) throws -> MetadataError? {
        do {
            _ = try read(files)
            return nil
        } catch let error as MetadataError {
            return error
        }
    }

    private let cubStyle: [String: String] = [
        // No trailing newline, as in the reference repository.
        "image_ids.txt": "001.A/a.jpg\n002.B/b.jpg",
        "class_labels.txt": "001.A/a.jpg,0\n002.B/b.jpg,1",
        "image_sizes.txt": "001.A/a.jpg,500,375\n002.B/b.jpg,300,200",
        "localization.txt": "001.A/a.jpg,60,27,385,331\n002.B/b.jpg,0,3,293,184",
    ]

    @Test func readsBoxSplitWithoutTrailingNewline() throws {
        let metadata = try read(cubStyle)
        #expect(metadata.imageIDs == ["001.A/a.jpg", "002.B/b.jpg"])
        #expect(metadata.classLabels == ["001.A/a.jpg": 0, "002.B/b.jpg": 1])
        #expect(metadata.imageSizes["001.A/a.jpg"] == ImageSize(width: 500, height: 375))
        // Corners stored as written (CUB x1 = x + w is not re-interpreted).
        #expect(metadata.boxes["001.A/a.jpg"] == [MetadataBox(x0: 60, y0: 27, x1: 385, y1: 331)])
        #expect(metadata.masks.isEmpty)
        #expect(metadata.classCount == 2)
    }

    @Test func trailingNewlineAndCRLFReadTheSame() throws {
        var withNewlines = cubStyle
        for (name, text) in cubStyle { withNewlines[name] = text.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n" }
        #expect(try read(withNewlines) == read(cubStyle))
    }

    @Test func severalBoxesPerImageKeepFileOrder() throws {
        let metadata = try read([
            "image_ids.txt": "val/1.JPEG\n",
            "class_labels.txt": "val/1.JPEG,7\n",
            "image_sizes.txt": "",
            "localization.txt": "val/1.JPEG,10,20,30,40\nval/1.JPEG,1.5,2,3.25,4\n",
        ])
        #expect(metadata.boxes["val/1.JPEG"] == [MetadataBox(x0: 10, y0: 20, x1: 30, y1: 40),
                                                 MetadataBox(x0: 1.5, y0: 2, x1: 3.25, y1: 4)])
        #expect(metadata.imageSizes.isEmpty)
    }

    @Test func readsOpenImagesMasksWithIgnoreOnFirstLineOnly() throws {
        // No image_sizes.txt at all, as for OpenImages test.
        let metadata = try read([
            "image_ids.txt": "t/a.jpg\nt/b.jpg",
            "class_labels.txt": "t/a.jpg,3\nt/b.jpg,4",
            "localization.txt": "t/a.jpg,t/a_m1.png,t/a_ignore.png\nt/b.jpg,t/b_m1.png,\nt/a.jpg,t/a_m2.png,",
        ])
        #expect(metadata.masks["t/a.jpg"] == MaskFiles(instancePaths: ["t/a_m1.png", "t/a_m2.png"],
                                                       ignorePath: "t/a_ignore.png"))
        #expect(metadata.masks["t/b.jpg"] == MaskFiles(instancePaths: ["t/b_m1.png"], ignorePath: nil))
        #expect(metadata.boxes.isEmpty && metadata.imageSizes.isEmpty)
    }

    @Test(arguments: [
        // (file, text, expected line, words the reason must contain)
        ("class_labels.txt", "001.A/a.jpg,0\n002.B/b.jpg,1,9", 2, "expected 2"),
        ("class_labels.txt", "001.A/a.jpg,0\n002.B/b.jpg,one", 2, "not an integer"),
        ("class_labels.txt", "001.A/a.jpg,-1\n002.B/b.jpg,1", 1, "negative"),
        ("image_sizes.txt", "001.A/a.jpg,500,375\n\n002.B/b.jpg,-3,200", 3, "not positive"),
        ("localization.txt", "001.A/a.jpg,60,27,385,331\n002.B/b.jpg,50,3,40,184", 2, "x1 (40.0) < x0 (50.0)"),
        ("localization.txt", "001.A/a.jpg,60,27,385,331\n002.B/b.jpg,0,3,x,184", 2, "'x' is not a finite number"),
        ("localization.txt", "001.A/a.jpg,60,27,385,331\n002.B/b.jpg,m.png,", 2, "box line"),
        ("localization.txt", "001.A/a.jpg,60,27,385", 1, "expected 5 fields"),
        ("image_ids.txt", "001.A/a.jpg\n002.B/b.jpg\n001.A/a.jpg", 3, "duplicate image id '001.A/a.jpg' (first on line 1)"),
    ])
    func malformedLineNamesFileAndLine(file: String, text: String, line: Int, reason: String) throws {
        var files = cubStyle
        files[file] = text
        let error = try #require(try readError(files))
        #expect(error.path.hasSuffix("/" + file))
        #expect(error.line == line)
        #expect(error.reason.contains(reason), "\(error)")
        #expect(error.description.contains("\(file):\(line): "))
    }

    @Test func invalidUTF8IsReportedWithItsLine() throws {
        try withTemporaryDirectory { directory in
            try writeFiles(cubStyle, in: directory)
            // Line 2 holds the byte 0xFF, which never occurs in UTF-8.
            let bytes = Data("001.A/a.jpg\n002.B/b".utf8) + Data([0xFF]) + Data(".jpg\n".utf8)
            try bytes.write(to: URL(fileURLWithPath: directory + "/image_ids.txt"))
            #expect(throws: MetadataError(path: directory + "/image_ids.txt", line: 2, reason: "not valid UTF-8 text")) {
                try WSOLMetadata.read(directory: directory)
            }
        }
    }

    @Test func byteOrderMarkAndNonASCIIIdsAreRead() throws {
        var files = cubStyle
        files["image_ids.txt"] = "\u{FEFF}001.A/a.jpg\n002.B/b.jpg"
        files["class_labels.txt"] = "001.A/a.jpg, 0 \n002.B/b.jpg,1"  // blanks around a number are fine
        #expect(try read(files).classLabels["001.A/a.jpg"] == 0)
        let accented = try read([
            "image_ids.txt": "oiseaux/mésange bleue.jpg", "class_labels.txt": "oiseaux/mésange bleue.jpg,2",
        ])
        #expect(accented.imageIDs == ["oiseaux/mésange bleue.jpg"] && accented.classLabels.count == 1)
    }

    @Test func ignorePathOnLaterMaskLineIsAnError() throws {
        let error = try #require(try readError([
            "image_ids.txt": "a.jpg",
            "class_labels.txt": "a.jpg,0",
            "localization.txt": "a.jpg,m1.png,ign.png\na.jpg,m2.png,ign.png",
        ]))
        #expect(error.line == 2 && error.reason.contains("ignore path"))
    }

    @Test func idsThatDoNotJoinAreListed() throws {
        var files = cubStyle
        // Seven labels for unknown ids: the message shows five and the count.
        files["class_labels.txt"] = (["001.A/a.jpg,0", "002.B/b.jpg,1"] + (1...7).map { "x\($0).jpg,0" })
            .joined(separator: "\n")
        let error = try #require(try readError(files))
        #expect(error.path.hasSuffix("/class_labels.txt") && error.line == nil)
        #expect(error.reason.contains("7 image id(s) with a class label are not in image_ids.txt"))
        #expect(error.reason.contains("'x1.jpg', 'x2.jpg', 'x3.jpg', 'x4.jpg', 'x5.jpg', ... (7 in all)"))
    }

    @Test func missingBoxAndMissingLabelAreReported() throws {
        var files = cubStyle
        files["localization.txt"] = "001.A/a.jpg,60,27,385,331"
        #expect(try readError(files)?.reason == "1 image id(s) of image_ids.txt have no box: '002.B/b.jpg'")
        files = cubStyle
        files["class_labels.txt"] = "002.B/b.jpg,1"
        #expect(try readError(files)?.reason.contains("have no class label: '001.A/a.jpg'") == true)
    }

    @Test func missingRequiredFileIsNamed() throws {
        var files = cubStyle
        files["class_labels.txt"] = nil
        let error = try #require(try readError(files))
        #expect(error.path.hasSuffix("class_labels.txt") && error.reason == "cannot read file")
    }

    @Test func writesExactTextAndReadsItBack() throws {
        let metadata = WSOLMetadata(
            imageIDs: ["b.png", "a.png"], classLabels: ["a.png": 1, "b.png": 0],
            imageSizes: ["a.png": ImageSize(width: 4, height: 3), "b.png": ImageSize(width: 5, height: 6)],
            boxes: ["b.png": [MetadataBox(x0: 0, y0: 1, x1: 2.5, y1: 3)],
                    "a.png": [MetadataBox(x0: 1, y0: 1, x1: 2, y1: 2), MetadataBox(x0: 0, y0: 0, x1: 3, y1: 2)]])
        try withTemporaryDirectory { root in
            let directory = root + "/meta/DS/train"
            try metadata.write(to: directory)
            // imageIDs order, `\n` endings, integral coordinates without ".0".
            #expect(try readText("image_ids.txt", in: directory) == "b.png\na.png\n")
            #expect(try readText("class_labels.txt", in: directory) == "b.png,0\na.png,1\n")
            #expect(try readText("image_sizes.txt", in: directory) == "b.png,5,6\na.png,4,3\n")
            #expect(try readText("localization.txt", in: directory) == "b.png,0,1,2.5,3\na.png,1,1,2,2\na.png,0,0,3,2\n")
            #expect(try WSOLMetadata.read(directory: directory) == metadata)
            // No temporary files left behind.
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
                == ["class_labels.txt", "image_ids.txt", "image_sizes.txt", "localization.txt"])
        }
    }

    @Test func masksAndBoxesRoundTripThroughTheSidecar() throws {
        let metadata = WSOLMetadata(
            imageIDs: ["i/0.png", "i/1.png"], classLabels: ["i/0.png": 0, "i/1.png": 2],
            boxes: ["i/0.png": [MetadataBox(x0: 3, y0: 4, x1: 10, y1: 12)],
                    "i/1.png": [MetadataBox(x0: 0, y0: 0, x1: 5, y1: 5)]],
            masks: ["i/0.png": MaskFiles(instancePaths: ["m/0.png"], ignorePath: "m/0_ignore.png"),
                    "i/1.png": MaskFiles(instancePaths: ["m/1a.png", "m/1b.png"], ignorePath: nil)])
        try withTemporaryDirectory { directory in
            try metadata.write(to: directory)
            #expect(try readText("localization.txt", in: directory)
                == "i/0.png,m/0.png,m/0_ignore.png\ni/1.png,m/1a.png,\ni/1.png,m/1b.png,\n")
            #expect(try readText("localization_boxes.txt", in: directory) == "i/0.png,3,4,10,12\ni/1.png,0,0,5,5\n")
            #expect(try WSOLMetadata.read(directory: directory) == metadata)
        }
    }

    @Test func writeRefusesTablesThatDoNotJoinAndWritesNothing() throws {
        let metadata = WSOLMetadata(imageIDs: ["a.png"], classLabels: ["b.png": 0])
        try withTemporaryDirectory { root in
            let directory = root + "/split"
            #expect(throws: MetadataError.self) { try metadata.write(to: directory) }
            #expect(!FileManager.default.fileExists(atPath: directory))
        }
    }
}
