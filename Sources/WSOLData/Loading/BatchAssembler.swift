//! Decoding, augmenting and stacking one batch (runs on a loader worker thread).

/// Builds the batch of a list of item indices for one epoch.
struct BatchAssembler: Sendable {
    let items: [LoaderItem]
    let pipeline: TransformPipeline
    let options: LoaderOptions
    let epoch: Int
    let skipped: SkippedImages

    /// The batch of `itemIndices` in this order; nil if every image was bad and skipped.
    func batch(itemIndices: [Int]) throws -> ImageBatch? {
        var images: [PixelImage] = [], kept: [LoaderItem] = []
        images.reserveCapacity(itemIndices.count)
        for itemIndex in itemIndices {
            let item = items[itemIndex]
            let decoded: PixelImage
            do {
                decoded = try ImageCodec.read(item.path, maxPixels: options.maxPixels, jpeg: options.jpeg)
            } catch let error as ImageError where options.skipBadImages {
                skipped.append(BadImage(imageID: item.imageID, path: item.path, reason: error.reason))
                continue
            }
            // One random stream per (epoch, image): the same whatever thread or batch handles it.
            var random = SeededRandom(seed: options.seed, stream: UInt64(epoch) << 32 | UInt64(itemIndex))
            images.append(pipeline.apply(AnnotatedImage(image: decoded), random: &random).image)
            kept.append(item)
        }
        guard let first = images.first else { return nil }
        return try stack(images, kept, width: first.width, height: first.height)
    }

    private func stack(_ images: [PixelImage], _ kept: [LoaderItem], width: Int, height: Int) throws -> ImageBatch {
        let channels = pipeline.normalization.mean.count, plane = channels * width * height
        for (image, item) in zip(images, kept) where image.width != width || image.height != height {
            throw LoaderError.mixedOutputSizes(first: kept[0].imageID, firstSize: [height, width],
                                               other: item.imageID, otherSize: [image.height, image.width])
        }
        let pixels = [Float](unsafeUninitializedCapacity: images.count * plane) { buffer, count in
            for (slot, image) in images.enumerated() {
                pipeline.normalization.write(image, into: UnsafeMutableBufferPointer(rebasing: buffer[slot * plane..<(slot + 1) * plane]))
            }
            count = images.count * plane
        }
        return ImageBatch(pixels: pixels, shape: [images.count, channels, height, width],
                          labels: kept.map(\.label), imageIDs: kept.map(\.imageID))
    }
}
