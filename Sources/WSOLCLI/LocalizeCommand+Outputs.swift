//! `wsol localize`: the files written under `--out`.
import Foundation
import TensorNN
import WSOLData
import WSOLEvaluation
import WSOLLocalization

/// What was computed for one image, ready to be written.
struct LocalizedImage {
    var item: LocalizeItem
    var photo: PixelImage
    /// Maps explaining `classes`, best target first.
    var maps: [ScoreMap]
    var classes: [Int]
    /// Softmax probability of each class, `[K]`.
    var probabilities: [Float]
    /// Predicted boxes of each map (in the map's frame).
    var boxes: [[Box]]
    /// Ground-truth boxes in the map's frame.
    var groundTruth: [Box]
}

/// Writes `scoremaps/`, `overlays/`, `masks/`, `boxes.json`, `predictions.csv`, `top5.csv`.
///
/// - `scoremaps/<id without extension>.npy`: float32 `[H, W]` in [0, 1] (the wsolevaluation
///   contract); with top-k, rank r >= 2 maps go to `<id without extension>.top<r>.npy`.
/// - `overlays/<id without extension>.png`: the first map over the photo, predicted boxes green,
///   ground truth magenta.
/// - `masks/<id without extension>.png`: 0/255 foreground of the first map at the threshold.
/// - `boxes.json`: COCO-style results, one object per box: `image_id`, `category_id`,
///   `category_name`, `bbox` `[x, y, width, height]` (inclusive pixels: width = x1 - x0 + 1, in
///   the map's frame), `score` (the class's softmax probability), `map_width`, `map_height`.
/// - `predictions.csv`: `image_id,class_1..class_k,probability_1..probability_k` with a header, k = min(5, K).
/// - `top5.csv`: `image_id,c1,...,c5` without header (`wsol evaluate --predictions`).
final class LocalizeOutputs {
    let directory: String
    let classNames: [String]
    let threshold: Double
    let maskClosing: Int?
    let overlay = HeatmapOverlay()
    /// This rank's rows of the three summary files, spooled in image order.
    let rows: LocalizeRowSpool

    init(directory: String, classNames: [String], threshold: Double, maskClosing: Int?, rank: Int = 0) throws {
        self.directory = directory
        self.classNames = classNames
        self.threshold = threshold
        self.maskClosing = maskClosing
        rows = try LocalizeRowSpool(directory: directory, rank: rank)
    }

    func path(_ parts: String...) -> String {
        parts.reduce(directory) { ($0 as NSString).appendingPathComponent($1) }
    }

    /// Writes one image's files and records its boxes and predictions.
    func write(_ result: LocalizedImage) throws {
        let stem = (result.item.imageID as NSString).deletingPathExtension
        for (rank, map) in result.maps.enumerated() {
            let name = rank == 0 ? "\(stem).npy" : "\(stem).top\(rank + 1).npy"
            try NumpyFile.writeFloat32(map.values, shape: [map.height, map.width], to: path("scoremaps", name))
        }
        guard let first = result.maps.first else { return }
        try writePNG(maskImage(first), path("masks", stem + ".png"))
        let marked = (result.boxes.first ?? []).map(HeatmapOverlay.MarkedBox.predicted)
            + result.groundTruth.map(HeatmapOverlay.MarkedBox.groundTruth)
        try writePNG(overlay.render(photo: result.photo, map: first, boxes: marked), path("overlays", stem + ".png"))
        try record(result)
    }

    private func maskImage(_ map: ScoreMap) -> PixelImage {
        let mask = BinaryMask(map, threshold: threshold, closingKernelSize: maskClosing)
        return PixelImage(width: mask.width, height: mask.height, channels: 1, pixels: mask.values.map { $0 * 255 })
    }

    private func writePNG(_ image: PixelImage, _ file: String) throws {
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try ImageCodec.writePNG(image, to: file)
    }

    private func record(_ result: LocalizedImage) throws {
        let id = result.item.imageID
        for (rank, boxes) in result.boxes.enumerated() {
            let category = result.classes[rank], map = result.maps[rank]
            for box in boxes {
                try rows.append(box: LocalizeRows.BoxRow(
                    imageID: id, category: category, categoryName: classNames[category],
                    bbox: [box.x0, box.y0, box.width, box.height], score: Double(result.probabilities[category]),
                    mapWidth: map.width, mapHeight: map.height))
            }
        }
        let ranked = result.probabilities.indices.sorted { result.probabilities[$0] > result.probabilities[$1] }.prefix(5)
        let probabilities = ranked.map { String(format: "%.6f", Double(result.probabilities[$0])) }
        try rows.append(prediction: ([csvField(id)] + ranked.map(String.init) + probabilities).joined(separator: ","),
                        top5: ([id] + ranked.map(String.init)).joined(separator: ","))
    }

    /// Writes `boxes.json`, `predictions.csv` and `top5.csv` (atomically) from the spools of
    /// `ranks` ranks; call on one rank after every rank's ``closeRows()``.
    func finish(ranks: Int = 1) throws {
        // As many columns as the rows have: min(5, K) (a 4-class model has 4).
        let columns = 1...max(1, min(5, classNames.count))
        let header = "image_id," + columns.map { "class_\($0)" }.joined(separator: ",") + ","
            + columns.map { "probability_\($0)" }.joined(separator: ",")
        try LocalizeRowSpool.merge(into: directory, ranks: ranks, predictionsHeader: header)
    }

    /// Publishes this rank's spooled rows.
    func closeRows() throws { try rows.close() }

    private func csvField(_ text: String) -> String {
        text.contains(",") || text.contains("\"") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
