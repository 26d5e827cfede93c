//! The parallel, deterministic image loader.
import Foundation

/// Loads batches of pre-processed images: decodes and augments on background threads ahead of
/// the consumer, shuffles with a seed, and yields `ImageBatch`es.
///
/// Deterministic: the order of epoch `e` depends only on `(seed, e)` and the augmentation of an
/// image only on `(seed, e, its index)`, so thread timing never changes a batch.
///
/// ```swift
/// let loader = try ImageLoader(items: items, pipeline: .wsolTrain(), options: LoaderOptions(shuffle: true, seed: 1))
/// let batches = loader.epoch(0)
/// while let batch = try batches.next() { ... }   // batch.pixels is [n, 3, 224, 224]
/// ```
public final class ImageLoader: Sendable {
    /// The images loaded (bad ones removed when `skipBadImages` is on).
    public let items: [LoaderItem]
    /// Images refused by validation and skipped (empty unless `skipBadImages`).
    public let badImages: [BadImage]
    public let pipeline: TransformPipeline
    public let options: LoaderOptions
    let skippedWhileLoading = SkippedImages()

    /// Validates the images as `options.validation` says. A bad image throws its `ImageError`
    /// (the first in item order) unless `options.skipBadImages`, which records it in `badImages`.
    public init(items: [LoaderItem], pipeline: TransformPipeline, options: LoaderOptions = LoaderOptions()) throws {
        let bad = Self.validate(items, options: options)
        if let first = bad.first, !options.skipBadImages {
            throw ImageError(path: first.path, reason: first.reason)
        }
        let badPaths = Set(bad.map(\.path))
        self.items = items.filter { !badPaths.contains($0.path) }
        self.badImages = bad
        self.pipeline = pipeline
        self.options = options
    }

    /// A loader over every image of a metadata split; image paths are `root/imageID`.
    public convenience init(metadata: WSOLMetadata, root: String, pipeline: TransformPipeline,
                            options: LoaderOptions = LoaderOptions()) throws {
        let items = try metadata.imageIDs.map { id -> LoaderItem in
            guard let label = metadata.classLabels[id] else { throw LoaderError.missingLabel(imageID: id) }
            return LoaderItem(imageID: id, path: root + "/" + id, label: label, boxes: metadata.boxes[id] ?? [])
        }
        try self.init(items: items, pipeline: pipeline, options: options)
    }

    /// Number of batches per epoch (of global batches `batchSize * shard.count` when sharded).
    public var batchCount: Int {
        let global = options.batchSize * options.shard.count
        return options.dropLast ? items.count / global : (items.count + global - 1) / global
    }

    /// Images that failed while building batches and were skipped (with `skipBadImages`), by path.
    public var skippedImages: [BadImage] { skippedWhileLoading.sorted() }

    /// The item order of `epoch`: shuffled with `(seed, epoch)` when `shuffle`, else file order.
    public func order(epoch: Int) -> [Int] {
        var order = Array(items.indices)
        if options.shuffle {
            var random = SeededRandom(seed: options.seed, stream: 0x5348_5546_0000_0000 | UInt64(epoch))
            random.shuffle(&order)
        }
        return order
    }

    /// This process's part of `order(epoch:)`: from global batch `b` (positions
    /// `b * G ..< (b + 1) * G`, `G = batchSize * shard.count`), the `shard.index`-th run of
    /// `batchSize`. The parts of all shards are disjoint and their union is the epoch, so
    /// N processes see, batch by batch, what one process with batch `G` would see.
    public func shardOrder(epoch: Int) -> [Int] {
        let full = order(epoch: epoch)
        guard options.shard.count > 1 else { return full }
        let global = options.batchSize * options.shard.count
        return (0..<batchCount).flatMap { batch -> ArraySlice<Int> in
            let start = min(batch * global + options.shard.index * options.batchSize, full.count)
            return full[start..<min(start + options.batchSize, full.count)]
        }
    }

    /// Starts loading `epoch` in the background; read its batches with `next()`.
    ///
    /// Work is handed out per image (not per batch), so every worker stays busy up to the last
    /// batch; at most `prefetchBatches * batchSize` prepared images wait for the consumer.
    public func epoch(_ epoch: Int) -> EpochBatches {
        let order = shardOrder(epoch: epoch)
        let preparer = ImagePreparer(items: items, pipeline: pipeline, options: options, epoch: epoch,
                                     skipped: skippedWhileLoading)
        let imageCount = min(order.count, batchCount * options.batchSize)
        let queue = PrefetchQueue<PreparedImage>(count: imageCount, depth: options.prefetchBatches * options.batchSize,
                                                 workers: options.workerCount) { position in
            try preparer.prepare(itemIndex: order[position])
        }
        let layout = EpochBatches.Layout(order: order, items: items, batchSize: options.batchSize, batchCount: batchCount,
                                         normalization: pipeline.normalization)
        return EpochBatches(queue: queue, layout: layout)
    }

    /// Checks every image as `options.validation` says, in parallel; bad images in item order.
    static func validate(_ items: [LoaderItem], options: LoaderOptions) -> [BadImage] {
        guard options.validation != .none, !items.isEmpty else { return [] }
        let results = ResultSlots(count: items.count)
        let chunk = max(1, items.count / (options.workerCount * 8))
        DispatchQueue.concurrentPerform(iterations: (items.count + chunk - 1) / chunk) { chunkIndex in
            for index in chunkIndex * chunk..<min((chunkIndex + 1) * chunk, items.count) {
                let item = items[index]
                do {
                    if options.validation == .fullDecode {
                        _ = try ImageCodec.read(item.path, maxPixels: options.maxPixels)
                    } else {
                        _ = try ImageCodec.readHeader(item.path, maxPixels: options.maxPixels)
                    }
                } catch let error as ImageError {
                    results.set(index, BadImage(imageID: item.imageID, path: item.path, reason: error.reason))
                } catch {
                    results.set(index, BadImage(imageID: item.imageID, path: item.path, reason: "\(error)"))
                }
            }
        }
        return results.values()
    }
}

/// The batches of one epoch, in order: a consumer-side iterator (use it from one thread).
/// Dropping this object stops its background work.
public final class EpochBatches {
    struct Layout {
        var order: [Int]
        var items: [LoaderItem]
        var batchSize: Int
        var batchCount: Int
        var normalization: Normalization
    }

    private let queue: PrefetchQueue<PreparedImage>
    private let layout: Layout
    private var nextBatch = 0

    init(queue: PrefetchQueue<PreparedImage>, layout: Layout) {
        self.queue = queue
        self.layout = layout
    }

    deinit { queue.cancel() }

    /// The next batch, or nil at the end of the epoch. Throws the `ImageError` of a bad image
    /// (naming the file) unless bad images are skipped; a batch loses its skipped images, and a
    /// batch left empty is passed over.
    public func next() throws -> ImageBatch? {
        while nextBatch < layout.batchCount {
            let positions = nextBatch * layout.batchSize..<min((nextBatch + 1) * layout.batchSize, layout.order.count)
            nextBatch += 1
            var images: [AnnotatedImage] = [], kept: [LoaderItem] = [], firstError: (any Error)?
            for position in positions {
                // Consume the whole batch even after an error, so the next call starts aligned
                // on the next batch; then throw the batch's first error.
                let prepared: PreparedImage?
                do { prepared = try queue.next() } catch {
                    firstError = firstError ?? error
                    continue
                }
                guard let prepared else { return nil }  // cancelled
                if case let .image(image) = prepared {
                    images.append(image)
                    kept.append(layout.items[layout.order[position]])
                }
            }
            if let firstError { throw firstError }
            if !images.isEmpty { return try Self.stack(images, kept, normalization: layout.normalization) }
        }
        return nil
    }

    /// Normalises `samples` into one NCHW buffer; they must share one size.
    static func stack(_ samples: [AnnotatedImage], _ kept: [LoaderItem], normalization: Normalization) throws -> ImageBatch {
        let images = samples.map(\.image)
        let width = images[0].width, height = images[0].height
        let channels = normalization.mean.count, plane = channels * width * height
        for (image, item) in zip(images, kept) where image.width != width || image.height != height {
            throw LoaderError.mixedOutputSizes(first: kept[0].imageID, firstSize: [height, width],
                                               other: item.imageID, otherSize: [image.height, image.width])
        }
        let pixels = [Float](unsafeUninitializedCapacity: images.count * plane) { buffer, count in
            for (slot, image) in images.enumerated() {
                normalization.write(image, into: UnsafeMutableBufferPointer(rebasing: buffer[slot * plane..<(slot + 1) * plane]))
            }
            count = images.count * plane
        }
        return ImageBatch(pixels: pixels, shape: [images.count, channels, height, width],
                          labels: kept.map(\.label), imageIDs: kept.map(\.imageID), boxes: samples.map(\.boxes))
    }
}

/// Lock-protected slots written by parallel validation.
private final class ResultSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [BadImage?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: BadImage) { lock.withLock { slots[index] = value } }

    func values() -> [BadImage] { lock.withLock { slots.compactMap { $0 } } }
}

/// Images skipped while building batches, shared by the worker threads; each file once, however
/// many epochs met it.
final class SkippedImages: @unchecked Sendable {
    private let lock = NSLock()
    private var images: [String: BadImage] = [:]

    func append(_ image: BadImage) { lock.withLock { images[image.path] = image } }

    func sorted() -> [BadImage] { lock.withLock { images.values.sorted { $0.path < $1.path } } }
}
