//! An image with the annotations that follow its geometric transforms.

/// An image with its ground-truth boxes and masks, transformed together.
///
/// Boxes are `(x0, y0, x1, y1)` in this image's pixels (`x` a column, `y` a row). Masks are
/// single-channel images of the same size as `image` (instance or ignore masks).
public struct AnnotatedImage: Sendable, Equatable {
    public var image: PixelImage
    public var boxes: [MetadataBox]
    public var masks: [PixelImage]

    public init(image: PixelImage, boxes: [MetadataBox] = [], masks: [PixelImage] = []) {
        precondition(masks.allSatisfy { $0.width == image.width && $0.height == image.height && $0.channels == 1 },
                     "AnnotatedImage: masks must be single-channel images of the image's size")
        self.image = image
        self.boxes = boxes
        self.masks = masks
    }
}

extension MetadataBox {
    /// The box in a resized frame as the reference evaluation does it (`resize_bbox`):
    /// `x' = int(x * newWidth / width)`, `y' = int(y * newHeight / height)`, truncating.
    /// E.g. x = 100 in a 500-px-wide image at 224: int(44.8) = 44.
    public func rescaledLikeReference(from original: ImageSize, to target: ImageSize) -> MetadataBox {
        func scale(_ value: Double, _ new: Int, _ old: Int) -> Double {
            (value * Double(new) / Double(old)).rounded(.towardZero)
        }
        return MetadataBox(x0: scale(x0, target.width, original.width), y0: scale(y0, target.height, original.height),
                           x1: scale(x1, target.width, original.width), y1: scale(y1, target.height, original.height))
    }

    /// The box with every coordinate multiplied by the resize factors (no truncation).
    func scaled(x factorX: Double, y factorY: Double) -> MetadataBox {
        MetadataBox(x0: x0 * factorX, y0: y0 * factorY, x1: x1 * factorX, y1: y1 * factorY)
    }

    /// The box in a crop whose top-left corner is `(left, top)` and size `width x height`, clipped
    /// to the crop's inclusive pixel range; nil when nothing of the box is left.
    func cropped(left: Int, top: Int, width: Int, height: Int) -> MetadataBox? {
        let box = MetadataBox(x0: max(x0 - Double(left), 0), y0: max(y0 - Double(top), 0),
                              x1: min(x1 - Double(left), Double(width - 1)), y1: min(y1 - Double(top), Double(height - 1)))
        return box.x0 <= box.x1 && box.y0 <= box.y1 ? box : nil
    }

    /// The box mirrored left-right in an image `width` pixels wide (inclusive pixel indices:
    /// column x goes to `width - 1 - x`).
    func flippedHorizontally(width: Int) -> MetadataBox {
        MetadataBox(x0: Double(width - 1) - x1, y0: y0, x1: Double(width - 1) - x0, y1: y1)
    }
}
