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
    private let skippedWhileLoading = SkippedImages()

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
            return LoaderItem(imageID: id, path: root + "/" + id, label: label)
        }
        try self.init(items: items, pipeline: pipeline, options: options)
    }

    /// Number of batches per epoch.
    public var batchCount: Int {
        options.dropLast ? items.count / options.batchSize : (items.count + options.batchSize - 1) / options.batchSize
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

    /// Starts loading `epoch` in the background; read its batches with `next()`.
    public func epoch(_ epoch: Int) -> EpochBatches {
        let order = order(epoch: epoch)
        let assembler = BatchAssembler(items: items, pipeline: pipeline, options: options, epoch: epoch,
                                       skipped: skippedWhileLoading)
        let batchSize = options.batchSize
        let queue = PrefetchQueue<ImageBatch?>(count: batchCount, depth: options.prefetchBatches,
                                               workers: options.workerCount) { batchIndex in
            let positions = batchIndex * batchSize..<min((batchIndex + 1) * batchSize, order.count)
            return try assembler.batch(itemIndices: positions.map { order[$0] })
        }
        return EpochBatches(queue: queue)
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

/// The batches of one epoch, in order. Dropping this object stops its background work.
public final class EpochBatches: Sendable {
    private let queue: PrefetchQueue<ImageBatch?>

    init(queue: PrefetchQueue<ImageBatch?>) { self.queue = queue }

    deinit { queue.cancel() }

    /// The next batch, or nil at the end of the epoch. Throws the `ImageError` of a bad image
    /// (naming the file) unless bad images are skipped. Batches left empty by skipping are passed over.
    public func next() throws -> ImageBatch? {
        while let produced = try queue.next() {
            if let batch = produced { return batch }
        }
        return nil
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

/// Images skipped while building batches, shared by the worker threads.
final class SkippedImages: @unchecked Sendable {
    private let lock = NSLock()
    private var images: [BadImage] = []

    func append(_ image: BadImage) { lock.withLock { images.append(image) } }

    func sorted() -> [BadImage] { lock.withLock { images.sorted { $0.path < $1.path } } }
}
