//! Decoding and augmenting one image (runs on a loader worker thread).

/// A prepared image with its transformed boxes, or the mark of an image skipped because it was bad.
enum PreparedImage: Sendable {
    case image(AnnotatedImage)
    case skipped
}

/// Decodes an item and runs the pipeline's steps on it for one epoch (normalisation happens when
/// the batch is stacked).
struct ImagePreparer: Sendable {
    let items: [LoaderItem]
    let pipeline: TransformPipeline
    let options: LoaderOptions
    let epoch: Int
    let skipped: SkippedImages

    func prepare(itemIndex: Int) throws -> PreparedImage {
        let item = items[itemIndex]
        let decoded: PixelImage
        do {
            decoded = try ImageCodec.read(item.path, maxPixels: options.maxPixels, jpeg: options.jpeg)
        } catch let error as ImageError where options.skipBadImages {
            skipped.append(BadImage(imageID: item.imageID, path: item.path, reason: error.reason))
            return .skipped
        }
        // One random stream per (epoch, image): the same whatever thread handles it, or when.
        var random = SeededRandom(seed: options.seed, stream: UInt64(epoch) << 32 | UInt64(itemIndex))
        return .image(pipeline.apply(AnnotatedImage(image: decoded, boxes: item.boxes), random: &random))
    }
}
