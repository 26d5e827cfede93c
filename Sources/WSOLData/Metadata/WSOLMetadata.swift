//! The wsolevaluation metadata layout (methods.md §2.2): one split of one dataset.
//! Types only here; reading and writing live in `WSOLMetadata+IO.swift`.

/// One split (`train`, `val` = train-fullsup, `test`, ...) of a dataset in wsolevaluation's layout:
/// `metadata/<DATASET>/<split>/{image_ids.txt, class_labels.txt, image_sizes.txt, localization.txt}`.
///
/// `image_id` is the image path relative to the dataset root and joins the files.
public struct WSOLMetadata: Sendable, Equatable {
    /// Image ids in file order (`image_ids.txt`).
    public var imageIDs: [String]
    /// 0-based class label per image id (`class_labels.txt`).
    public var classLabels: [String: Int]
    /// Original `(width, height)` per image id (`image_sizes.txt`; empty for OpenImages).
    public var imageSizes: [String: ImageSize]
    /// Ground-truth boxes per image id in original-image pixels (`localization.txt`, box datasets).
    public var boxes: [String: [MetadataBox]]
    /// Instance masks per image id (`localization.txt`, mask datasets such as OpenImages).
    public var masks: [String: MaskFiles]

    public init(imageIDs: [String] = [], classLabels: [String: Int] = [:], imageSizes: [String: ImageSize] = [:],
                boxes: [String: [MetadataBox]] = [:], masks: [String: MaskFiles] = [:]) {
        self.imageIDs = imageIDs
        self.classLabels = classLabels
        self.imageSizes = imageSizes
        self.boxes = boxes
        self.masks = masks
    }
}

/// An image's original size in pixels.
public struct ImageSize: Sendable, Hashable {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
}

/// A box as written in `localization.txt`: `x0,y0,x1,y1` in original-image pixels, stored unchanged
/// (for CUB `x1 = x + w`, so the corners are those of the reference, not re-interpreted).
public struct MetadataBox: Sendable, Hashable {
    public var x0: Double
    public var y0: Double
    public var x1: Double
    public var y1: Double
    public init(x0: Double, y0: Double, x1: Double, y1: Double) {
        self.x0 = x0
        self.y0 = y0
        self.x1 = x1
        self.y1 = y1
    }
}

/// The mask files of one image: instance masks and the (optional) ignore mask, as paths relative
/// to the dataset root. In `localization.txt` the ignore path is only on an image's first line.
public struct MaskFiles: Sendable, Hashable {
    public var instancePaths: [String]
    public var ignorePath: String?
    public init(instancePaths: [String], ignorePath: String?) {
        self.instancePaths = instancePaths
        self.ignorePath = ignorePath
    }
}
