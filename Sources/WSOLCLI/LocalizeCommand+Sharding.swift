//! `mpirun -np N wsol localize`: each rank localizes a contiguous block of the images and writes
//! their per-image files and its spool of summary rows; rank 0 merges the spools (in rank order =
//! image order) into boxes.json, predictions.csv and top5.csv, identical to a single process's.
import Foundation
import WSOLEvaluation

/// The rows of `boxes.json`, `predictions.csv` and `top5.csv` for some images, in image order.
struct LocalizeRows: Codable {
    /// One COCO-style result box (fields as written in `boxes.json`).
    struct BoxRow: Codable {
        var imageID: String
        var category: Int
        var categoryName: String
        /// `[x, y, width, height]`, inclusive pixels in the map's frame.
        var bbox: [Int]
        /// Kept as its bit pattern in transit, so the gathered value is exact.
        var scoreBits: UInt64
        var mapWidth: Int
        var mapHeight: Int

        init(imageID: String, category: Int, categoryName: String, bbox: [Int], score: Double, mapWidth: Int, mapHeight: Int) {
            (self.imageID, self.category, self.categoryName, self.bbox) = (imageID, category, categoryName, bbox)
            (self.scoreBits, self.mapWidth, self.mapHeight) = (score.bitPattern, mapWidth, mapHeight)
        }

        var json: JSONValue {
            .object([
                ("image_id", .string(imageID)), ("category_id", .integer(category)),
                ("category_name", .string(categoryName)), ("bbox", .array(bbox.map { .integer($0) })),
                ("score", .number(Double(bitPattern: scoreBits))),
                ("map_width", .integer(mapWidth)), ("map_height", .integer(mapHeight)),
            ])
        }
    }

    var boxes: [BoxRow] = []
    var predictions: [String] = []
    var top5: [String] = []
}

extension Array {
    /// The contiguous block of `part` out of `parts` (sizes differ by at most one).
    func block(_ part: Int, of parts: Int) -> ArraySlice<Element> {
        self[(count * part / parts)..<(count * (part + 1) / parts)]
    }
}
