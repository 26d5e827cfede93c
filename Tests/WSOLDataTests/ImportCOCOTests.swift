import Foundation
import Testing
@testable import WSOLData

/// The COCO JSON importer (COCOImporter, COCOFormat).
@Suite struct ImportCOCOTests {
    private func importJSON(_ json: String) throws -> ImportedDataset {
        try withTemporaryDirectory { root in
            try writeFiles(["ann.json": json], in: root)
            return try COCOImporter.importFile(annotationsPath: root + "/ann.json", imagesDirectory: "val2017")
        }
    }

    private func importError(_ json: String) throws -> MetadataError? {
        do {
            _ = try importJSON(json)
            return nil
        } catch let error as MetadataError {
            return error
        }
    }

    private let sample = """
        {"info": {"year": 2017},
         "images": [{"id": 5, "file_name": "a.jpg", "width": 100, "height": 80},
                    {"id": 2, "file_name": "b.jpg", "width": 50, "height": 40},
                    {"id": 9, "file_name": "empty.jpg", "width": 10, "height": 10}],
         "categories": [{"id": 18, "name": "dog"}, {"id": 3, "name": "car"}],
         "annotations": [
            {"id": 1, "image_id": 5, "category_id": 18, "bbox": [10.4, 20.5, 30.0, 40.2], "iscrowd": 0},
            {"id": 2, "image_id": 5, "category_id": 3, "bbox": [0, 0, 5, 5]},
            {"id": 3, "image_id": 5, "category_id": 18, "bbox": [90.6, 70.0, 12.0, 12.0]},
            {"id": 4, "image_id": 2, "category_id": 3, "bbox": [1, 1, 2, 2]},
            {"id": 5, "image_id": 2, "category_id": 18, "bbox": [3, 3, 4, 4]}]}
        """

    @Test func convertsBoxesLabelsAndSizes() throws {
        let imported = try importJSON(sample)
        // Categories sorted by id: 3 car -> 0, 18 dog -> 1.
        #expect(imported.classNames == ["car", "dog"])
        #expect(imported.metadata.imageIDs == ["val2017/a.jpg", "val2017/b.jpg"])
        // a.jpg: two dog boxes vs one car box -> dog; the car box is dropped.
        #expect(imported.metadata.classLabels["val2017/a.jpg"] == 1)
        // [10.4, 20.5, 30, 40.2]: x0 = round(10.4) = 10, y0 = round(20.5) = 21 (half away from zero),
        // x1 = round(40.4) = 40, y1 = round(60.7) = 61.
        // [90.6, 70, 12, 12]: x0 = 91, y0 = 70, x1 = round(102.6) = 103 -> clamped to width 100, y1 = 82 -> 80.
        #expect(imported.metadata.boxes["val2017/a.jpg"] == [MetadataBox(x0: 10, y0: 21, x1: 40, y1: 61),
                                                             MetadataBox(x0: 91, y0: 70, x1: 100, y1: 80)])
        // b.jpg: one car, one dog -> tie, the first annotation (car) wins.
        #expect(imported.metadata.classLabels["val2017/b.jpg"] == 0)
        #expect(imported.metadata.boxes["val2017/b.jpg"] == [MetadataBox(x0: 1, y0: 1, x1: 3, y1: 3)])
        #expect(imported.metadata.imageSizes["val2017/b.jpg"] == ImageSize(width: 50, height: 40))
        #expect(imported.notes == [
            "1 image(s) without annotation skipped (no label)",
            "2 image(s) had several categories: labelled with the majority one, 2 other box(es) dropped",
        ])
        #expect(imported.metadata.joinProblems().isEmpty)
    }

    @Test func stringIdentifiersAreAccepted() throws {
        let imported = try importJSON("""
            {"images": [{"id": "x1", "file_name": "sub/x.png"}], "categories": [{"id": "c", "name": "cat"}],
             "annotations": [{"image_id": "x1", "category_id": "c", "bbox": [0, 0, 1, 1]}]}
            """)
        #expect(imported.metadata.imageIDs == ["val2017/sub/x.png"])
        // No width/height: no sizes and no clamping.
        #expect(imported.metadata.imageSizes.isEmpty)
        #expect(imported.metadata.boxes["val2017/sub/x.png"] == [MetadataBox(x0: 0, y0: 0, x1: 1, y1: 1)])
    }

    @Test(arguments: [
        ("{\"images\": [", "not a COCO annotation file: invalid JSON"),
        ("{\"images\": [], \"categories\": []}", "missing key 'annotations' at top level"),
        ("{\"images\": [{\"id\": 1, \"file_name\": 7}], \"categories\": [], \"annotations\": []}", "at images[0].file_name"),
        ("""
         {"images": [{"id": 1, "file_name": "a"}], "categories": [{"id": 1, "name": "c"}],
          "annotations": [{"id": 8, "image_id": 2, "category_id": 1, "bbox": [0, 0, 1, 1]}]}
         """, "annotation 8 names unknown image id 2"),
        ("""
         {"images": [{"id": 1, "file_name": "a"}], "categories": [{"id": 1, "name": "c"}],
          "annotations": [{"image_id": 1, "category_id": 1, "bbox": [0, 0, -1, 1]}]}
         """, "annotation #0: bbox [0.0, 0.0, -1.0, 1.0] has a negative width or height"),
        ("""
         {"images": [{"id": 1, "file_name": "a"}], "categories": [{"id": 1, "name": "c"}],
          "annotations": [{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1]}]}
         """, "bbox must be 4 finite numbers"),
        ("""
         {"images": [{"id": 1, "file_name": "a"}, {"id": 2, "file_name": "a"}], "categories": [{"id": 1, "name": "c"}],
          "annotations": [{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1]},
                          {"image_id": 2, "category_id": 1, "bbox": [0, 0, 1, 1]}]}
         """, "duplicate file_name 'a'"),
    ])
    func malformedInputNamesTheFile(json: String, reason: String) throws {
        let error = try #require(try importError(json))
        #expect(error.path.hasSuffix("/ann.json"))
        #expect(error.reason.contains(reason), "\(error)")
    }

    @Test func majorityLabelRule() {
        #expect(COCOImporter.majorityLabel([]) == nil)
        #expect(COCOImporter.majorityLabel([4, 2, 2]) == 2)
        #expect(COCOImporter.majorityLabel([4, 2, 2, 4]) == 4)  // tie: 4 was seen first
    }
}
