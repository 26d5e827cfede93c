//! Importer for COCO-style JSON boxes into the wsolevaluation layout (single label per image).
import Foundation

/// Imports a COCO "instances" file (`images`, `annotations` with `bbox` = `[x, y, w, h]`,
/// `categories`) as one split.
///
/// - Classes: the categories sorted by id (numeric ids numerically); label `i` = `i`-th category.
/// - Image id: `<imagesDirectory>/<file_name>`, relative to the dataset root; images in file order.
/// - Label: WSOL is single-label, so each image takes the category with the most annotations in it;
///   a tie goes to the tied category whose first annotation comes first in the file. Only the boxes
///   of that category are kept (like ILSVRC, whose boxes are those of the image's class); the
///   dropped boxes are counted in `notes`. Images without annotation are skipped (no label).
/// - Boxes: see `metadataBox(fromCOCO:imageSize:)`.
/// - Sizes: `width`/`height` of the images, written when every kept image has them.
public enum COCOImporter {
    /// Reads and converts `annotationsPath`. Throws `MetadataError` naming the file for unreadable
    /// or malformed JSON (with the JSON path of the bad value), a bbox that is not 4 numbers or has a
    /// negative width or height, an annotation naming an unknown image or category, a duplicate
    /// image or category id, or a duplicate file name.
    public static func importFile(annotationsPath: String, imagesDirectory: String) throws -> ImportedDataset {
        let coco = try COCOFile.read(path: annotationsPath)
        func fail(_ reason: String) -> MetadataError { MetadataError(path: annotationsPath, reason: reason) }

        let categories = coco.categories.sorted { $0.id.sortKey < $1.id.sortKey }
        var labelOfCategory: [COCOIdentifier: Int] = [:]
        for (label, category) in categories.enumerated() {
            guard labelOfCategory.updateValue(label, forKey: category.id) == nil else {
                throw fail("duplicate category id \(category.id)")
            }
        }
        var imageIndex: [COCOIdentifier: Int] = [:]
        for (index, image) in coco.images.enumerated() {
            guard imageIndex.updateValue(index, forKey: image.id) == nil else { throw fail("duplicate image id \(image.id)") }
        }
        // Annotations grouped by image, in file order.
        var annotationsOfImage = [[(label: Int, box: [Double])]](repeating: [], count: coco.images.count)
        for (position, annotation) in coco.annotations.enumerated() {
            let name = "annotation \(annotation.id?.text ?? "#\(position)")"
            guard let index = imageIndex[annotation.imageID] else { throw fail("\(name) names unknown image id \(annotation.imageID)") }
            guard let label = labelOfCategory[annotation.categoryID] else {
                throw fail("\(name) names unknown category id \(annotation.categoryID)")
            }
            guard annotation.bbox.count == 4, annotation.bbox.allSatisfy(\.isFinite) else {
                throw fail("\(name): bbox must be 4 finite numbers [x, y, width, height], found \(annotation.bbox)")
            }
            guard annotation.bbox[2] >= 0, annotation.bbox[3] >= 0 else {
                throw fail("\(name): bbox \(annotation.bbox) has a negative width or height")
            }
            annotationsOfImage[index].append((label, annotation.bbox))
        }
        var result = try assemble(coco.images, annotationsOfImage, imagesDirectory: imagesDirectory, fail: fail)
        result.classNames = categories.map(\.name)
        return result
    }

    /// Builds the tables from the grouped annotations (labels, kept boxes, sizes, notes).
    private static func assemble(_ images: [COCOImage], _ annotationsOfImage: [[(label: Int, box: [Double])]],
                                 imagesDirectory: String,
                                 fail: (String) -> MetadataError) throws -> ImportedDataset {
        var metadata = WSOLMetadata()
        var unannotated = 0, multiCategory = 0, droppedBoxes = 0
        for (image, annotations) in zip(images, annotationsOfImage) {
            guard let label = majorityLabel(annotations.map(\.label)) else {
                unannotated += 1
                continue
            }
            let id = ClassFolderImporter.joinPath(imagesDirectory, image.fileName)
            guard metadata.classLabels.updateValue(label, forKey: id) == nil else { throw fail("duplicate file_name '\(image.fileName)'") }
            metadata.imageIDs.append(id)
            var size: ImageSize?
            if let width = image.width, let height = image.height, width > 0, height > 0 {
                size = ImageSize(width: width, height: height)
                metadata.imageSizes[id] = size
            }
            let kept = annotations.filter { $0.label == label }
            if kept.count < annotations.count { multiCategory += 1 }
            droppedBoxes += annotations.count - kept.count
            metadata.boxes[id] = kept.map { metadataBox(fromCOCO: $0.box, imageSize: size) }
        }
        var notes: [String] = []
        if unannotated > 0 { notes.append("\(unannotated) image(s) without annotation skipped (no label)") }
        if multiCategory > 0 {
            notes.append("\(multiCategory) image(s) had several categories: labelled with the majority one, \(droppedBoxes) other box(es) dropped")
        }
        if metadata.imageSizes.count != metadata.imageIDs.count, !metadata.imageSizes.isEmpty {
            notes.append("\(metadata.imageIDs.count - metadata.imageSizes.count) image(s) lack width/height: image_sizes.txt left empty")
            metadata.imageSizes = [:]
        }
        return ImportedDataset(metadata: metadata, classNames: [], notes: notes)
    }

    /// The most frequent label; ties go to the label seen first. `nil` for no labels.
    static func majorityLabel(_ labels: [Int]) -> Int? {
        var counts: [Int: Int] = [:]
        for label in labels { counts[label, default: 0] += 1 }
        // `first(where:)` over file order makes the earliest tied label win.
        let best = counts.values.max()
        return labels.first { counts[$0] == best }
    }

    /// Converts a COCO `[x, y, w, h]` box to `x0,y0,x1,y1`, CUB-style: `x1 = x + w`, `y1 = y + h`
    /// (not `x + w - 1`: CUB's metadata in wsolevaluation is made this way and the evaluator expects
    /// it). Each of `x`, `y`, `x + w`, `y + h` is rounded to the nearest integer, halves away from
    /// zero, then clamped to `[0, width]` and `[0, height]` when the size is known (COCO boxes may
    /// spill a fraction of a pixel past the border).
    public static func metadataBox(fromCOCO bbox: [Double], imageSize: ImageSize?) -> MetadataBox {
        let (x, y, w, h) = (bbox[0], bbox[1], bbox[2], bbox[3])
        func clamp(_ value: Double, _ limit: Int?) -> Double {
            guard let limit else { return value }
            return min(max(value, 0), Double(limit))
        }
        let round = { (value: Double) in value.rounded(.toNearestOrAwayFromZero) }
        return MetadataBox(x0: clamp(round(x), imageSize?.width), y0: clamp(round(y), imageSize?.height),
                           x1: clamp(round(x + w), imageSize?.width), y1: clamp(round(y + h), imageSize?.height))
    }
}
