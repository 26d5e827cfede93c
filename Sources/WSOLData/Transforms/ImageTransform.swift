//! The steps of a data pipeline, with torchvision's semantics (on PIL images).
import Foundation

/// One augmentation or pre-processing step. Random steps draw from the `SeededRandom` passed to
/// `apply`, in a fixed order, so a seed fixes the result. Geometric steps move the boxes and masks
/// of an `AnnotatedImage` with the image; colour steps touch the image only.
public enum ImageTransform: Sendable, Equatable {
    /// `Resize((height, width))`: both sides, aspect ratio not kept. Masks use OpenCV nearest.
    case resize(width: Int, height: Int, resampling: ImageResampling = .bilinear)
    /// `Resize(size)`: the shorter side becomes `size`, the longer `int(size * long / short)`.
    case resizeShorterSide(Int, resampling: ImageResampling = .bilinear)
    /// `CenterCrop`: offset `round((W - w) / 2)` (Python's round-half-even); zero padding when smaller.
    case centerCrop(width: Int, height: Int)
    /// `RandomCrop`: offsets uniform in `0...W - w`, `0...H - h` (zero padding when smaller).
    case randomCrop(width: Int, height: Int)
    /// `RandomResizedCrop`: 10 attempts at an area fraction in `scale` and a log-uniform aspect
    /// ratio in `ratio`, falling back to a centre crop; the crop is resized to `width x height`.
    case randomResizedCrop(width: Int, height: Int, scale: ClosedRange<Double> = 0.08...1,
                           ratio: ClosedRange<Double> = (3.0 / 4)...(4.0 / 3), resampling: ImageResampling = .bilinear)
    /// `RandomHorizontalFlip(p)`.
    case horizontalFlip(probability: Double = 0.5)
    /// `ColorJitter(brightness, contrast, saturation, hue)`; see `ColorJitter`.
    case colorJitter(ColorJitter)

    /// Applies this step to `sample`, drawing random numbers from `random`.
    public func apply(_ sample: AnnotatedImage, random: inout SeededRandom) -> AnnotatedImage {
        let width = sample.image.width, height = sample.image.height
        switch self {
        case let .resize(newWidth, newHeight, resampling):
            return sample.resized(width: newWidth, height: newHeight, resampling: resampling)
        case let .resizeShorterSide(size, resampling):
            let (newWidth, newHeight) = width <= height ? (size, size * height / width) : (size * width / height, size)
            return sample.resized(width: newWidth, height: newHeight, resampling: resampling)
        case let .centerCrop(cropWidth, cropHeight):
            let left = Int((Double(width - cropWidth) / 2).rounded(.toNearestOrEven))
            let top = Int((Double(height - cropHeight) / 2).rounded(.toNearestOrEven))
            return sample.cropped(left: left, top: top, width: cropWidth, height: cropHeight)
        case let .randomCrop(cropWidth, cropHeight):
            let top = random.integer(0, height - cropHeight + 1)
            let left = random.integer(0, width - cropWidth + 1)
            return sample.cropped(left: left, top: top, width: cropWidth, height: cropHeight)
        case let .randomResizedCrop(outWidth, outHeight, scale, ratio, resampling):
            let crop = Self.randomResizedCropRegion(width: width, height: height, scale: scale, ratio: ratio, random: &random)
            return sample.cropped(left: crop.left, top: crop.top, width: crop.width, height: crop.height)
                .resized(width: outWidth, height: outHeight, resampling: resampling)
        case let .horizontalFlip(probability):
            return random.uniform(0, 1) < probability ? sample.flippedHorizontally() : sample
        case let .colorJitter(jitter):
            var result = sample
            result.image = jitter.apply(sample.image, random: &random)
            return result
        }
    }

    /// torchvision's `RandomResizedCrop.get_params`.
    static func randomResizedCropRegion(width: Int, height: Int, scale: ClosedRange<Double>, ratio: ClosedRange<Double>,
                                        random: inout SeededRandom) -> (left: Int, top: Int, width: Int, height: Int) {
        let area = Double(width * height)
        let logRatio = (log(ratio.lowerBound), log(ratio.upperBound))
        for _ in 0..<10 {
            let targetArea = area * random.uniform(scale.lowerBound, scale.upperBound)
            let aspect = exp(random.uniform(logRatio.0, logRatio.1))
            let cropWidth = Int((targetArea * aspect).squareRoot().rounded(.toNearestOrEven))
            let cropHeight = Int((targetArea / aspect).squareRoot().rounded(.toNearestOrEven))
            if cropWidth > 0, cropWidth <= width, cropHeight > 0, cropHeight <= height {
                let top = random.integer(0, height - cropHeight + 1)
                let left = random.integer(0, width - cropWidth + 1)
                return (left, top, cropWidth, cropHeight)
            }
        }
        // Fallback: the largest centred crop whose aspect ratio is within `ratio`.
        let inRatio = Double(width) / Double(height)
        var cropWidth = width, cropHeight = height
        if inRatio < ratio.lowerBound {
            cropHeight = Int((Double(width) / ratio.lowerBound).rounded(.toNearestOrEven))
        } else if inRatio > ratio.upperBound {
            cropWidth = Int((Double(height) * ratio.upperBound).rounded(.toNearestOrEven))
        }
        return ((width - cropWidth) / 2, (height - cropHeight) / 2, cropWidth, cropHeight)
    }
}

extension AnnotatedImage {
    /// Image resized with PIL's filter, masks with OpenCV nearest, boxes scaled by the factors.
    func resized(width newWidth: Int, height newHeight: Int, resampling: ImageResampling) -> AnnotatedImage {
        let factorX = Double(newWidth) / Double(image.width), factorY = Double(newHeight) / Double(image.height)
        return AnnotatedImage(
            image: image.resized(width: newWidth, height: newHeight, resampling: resampling),
            boxes: boxes.map { $0.scaled(x: factorX, y: factorY) },
            masks: masks.map { $0.resizedLikeOpenCV(width: newWidth, height: newHeight, interpolation: .nearest) })
    }

    func cropped(left: Int, top: Int, width: Int, height: Int) -> AnnotatedImage {
        AnnotatedImage(image: image.cropped(left: left, top: top, width: width, height: height),
                       boxes: boxes.compactMap { $0.cropped(left: left, top: top, width: width, height: height) },
                       masks: masks.map { $0.cropped(left: left, top: top, width: width, height: height) })
    }

    func flippedHorizontally() -> AnnotatedImage {
        AnnotatedImage(image: image.flippedHorizontally(),
                       boxes: boxes.map { $0.flippedHorizontally(width: image.width) },
                       masks: masks.map { $0.flippedHorizontally() })
    }
}
