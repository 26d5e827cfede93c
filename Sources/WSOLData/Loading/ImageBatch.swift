//! The values the loader consumes and produces.

/// One image the loader reads: its id (path relative to the dataset root), file path, label, and
/// the boxes of its metadata (original-image pixels; they follow the pipeline's geometric steps).
public struct LoaderItem: Sendable, Equatable {
    public var imageID: String
    public var path: String
    public var label: Int
    public var boxes: [MetadataBox]

    public init(imageID: String, path: String, label: Int, boxes: [MetadataBox] = []) {
        self.imageID = imageID
        self.path = path
        self.label = label
        self.boxes = boxes
    }
}

/// A batch of pre-processed images: `pixels` is NCHW, normalised, with `shape == [n, 3, h, w]`;
/// `labels[i]`, `imageIDs[i]` and `boxes[i]` describe image `i`.
public struct ImageBatch: Sendable, Equatable {
    public var pixels: [Float]
    public var shape: [Int]
    public var labels: [Int]
    public var imageIDs: [String]
    /// Each image's metadata boxes in the batch's `h x w` frame, after the pipeline's geometric
    /// steps (inclusive pixel coordinates; a box cropped away entirely is dropped). Empty lists
    /// for images without boxes.
    public var boxes: [[MetadataBox]]

    public init(pixels: [Float], shape: [Int], labels: [Int], imageIDs: [String], boxes: [[MetadataBox]]? = nil) {
        precondition(shape.count == 4 && shape.reduce(1, *) == pixels.count,
                     "ImageBatch: shape \(shape) for \(pixels.count) values")
        precondition(boxes == nil || boxes!.count == shape[0], "ImageBatch: \(boxes!.count) box lists for \(shape[0]) images")
        self.pixels = pixels
        self.shape = shape
        self.labels = labels
        self.imageIDs = imageIDs
        self.boxes = boxes ?? Array(repeating: [], count: shape[0])
    }

    /// Number of images.
    public var count: Int { shape[0] }
}

/// An image that could not be used, and why (the reason names the file).
public struct BadImage: Sendable, Equatable, CustomStringConvertible {
    public var imageID: String
    public var path: String
    public var reason: String

    public var description: String { "\(path): \(reason)" }
}

/// Errors of the loader itself (image errors are thrown as `ImageError`).
public enum LoaderError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The pipeline produced images of different sizes, which cannot share a batch.
    case mixedOutputSizes(first: String, firstSize: [Int], other: String, otherSize: [Int])
    /// An image id of the metadata has no class label.
    case missingLabel(imageID: String)

    public var description: String {
        switch self {
        case let .mixedOutputSizes(first, firstSize, other, otherSize):
            return "the transform pipeline gives \(first) size \(firstSize) but \(other) size \(otherSize); "
                + "end it with a fixed-size resize or crop to batch images"
        case let .missingLabel(imageID):
            return "\(imageID): no class label in class_labels.txt"
        }
    }
}

/// How thoroughly `ImageLoader` checks the data set before the first batch.
public enum ImageValidation: Sendable {
    /// No check: a bad image is found when its batch is built.
    case none
    /// Read every file's header: catches missing, empty, unknown-format, zero-size, oversized and
    /// most corrupt files at a small cost (no pixel decoding).
    case headers
    /// Decode every image fully (slow on large data sets; catches truncated data too).
    case fullDecode
}

/// Loader settings.
public struct LoaderOptions: Sendable {
    public var batchSize: Int
    /// Shuffle the order every epoch (with `seed` and the epoch number).
    public var shuffle: Bool
    public var seed: UInt64
    /// Drop a last, incomplete batch.
    public var dropLast: Bool
    /// Background decoding/augmenting threads.
    public var workerCount: Int
    /// Batches prepared ahead of the consumer at most (bounds memory).
    public var prefetchBatches: Int
    /// Report and skip bad images instead of stopping with an error.
    public var skipBadImages: Bool
    public var validation: ImageValidation
    public var maxPixels: Int
    public var jpeg: JPEGDecodeOptions
    /// Data-parallel sharding: this process takes part `shard.index` of every global batch of
    /// `batchSize * shard.count` images (`batchSize` is then the per-process batch).
    public var shard = LoaderShard()

    public init(batchSize: Int = 32, shuffle: Bool = false, seed: UInt64 = 0, dropLast: Bool = false,
                workerCount: Int = 2, prefetchBatches: Int = 4, skipBadImages: Bool = false,
                validation: ImageValidation = .headers, maxPixels: Int = ImageCodec.defaultMaxPixels,
                jpeg: JPEGDecodeOptions = JPEGDecodeOptions()) {
        precondition(batchSize > 0 && workerCount > 0 && prefetchBatches > 0, "LoaderOptions: sizes must be positive")
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.seed = seed
        self.dropLast = dropLast
        self.workerCount = workerCount
        self.prefetchBatches = prefetchBatches
        self.skipBadImages = skipBadImages
        self.validation = validation
        self.maxPixels = maxPixels
        self.jpeg = jpeg
    }
}

/// Which part of every global batch a process loads (data-parallel training).
public struct LoaderShard: Sendable, Equatable {
    /// This process's part, `0..<count` (its MPI rank).
    public var index: Int
    /// Number of parts (MPI size); 1 = no sharding.
    public var count: Int

    public init(index: Int = 0, count: Int = 1) {
        precondition(count > 0 && (0..<count).contains(index), "LoaderShard: index \(index) of \(count)")
        self.index = index
        self.count = count
    }
}
