//! A whole pre-processing pipeline: geometric/colour steps, then normalisation.

/// An ordered list of `ImageTransform` steps followed by `Normalization`; the value the loader runs
/// per image. The two wsolevaluation pipelines (methods.md §2.4) are `wsolTrain` and `wsolEval`.
public struct TransformPipeline: Sendable, Equatable {
    public var steps: [ImageTransform]
    public var normalization: Normalization

    public init(steps: [ImageTransform], normalization: Normalization = .imageNet) {
        self.steps = steps
        self.normalization = normalization
    }

    /// wsolevaluation training: `Resize((256, 256))` -> `RandomCrop(224)` -> `RandomHorizontalFlip`
    /// -> ImageNet normalisation. `resize`/`crop` are configurable for other input sizes.
    public static func wsolTrain(resize: Int = 256, crop: Int = 224) -> TransformPipeline {
        TransformPipeline(steps: [.resize(width: resize, height: resize), .randomCrop(width: crop, height: crop),
                                  .horizontalFlip()])
    }

    /// wsolevaluation validation/test: `Resize((224, 224))` (no crop) -> ImageNet normalisation.
    /// Ground-truth boxes are then rescaled with `MetadataBox.rescaledLikeReference`.
    public static func wsolEval(size: Int = 224) -> TransformPipeline {
        TransformPipeline(steps: [.resize(width: size, height: size)])
    }

    /// Whether any step draws random numbers.
    public var isRandom: Bool {
        steps.contains { step in
            switch step {
            case .resize, .resizeShorterSide, .centerCrop: return false
            case .randomCrop, .randomResizedCrop, .horizontalFlip, .colorJitter: return true
            }
        }
    }

    /// Runs the steps on `sample` in order (annotations follow the geometric steps).
    public func apply(_ sample: AnnotatedImage, random: inout SeededRandom) -> AnnotatedImage {
        steps.reduce(sample) { partial, step in step.apply(partial, random: &random) }
    }

    /// The size `(width, height)` of this pipeline's output for an input of `width x height`
    /// (it depends on the input only through `resizeShorterSide` or when no step sets a size).
    public func outputSize(inputWidth width: Int, inputHeight height: Int) -> (width: Int, height: Int) {
        var size = (width: width, height: height)
        for step in steps {
            switch step {
            case let .resize(w, h, _), let .centerCrop(w, h), let .randomCrop(w, h), let .randomResizedCrop(w, h, _, _, _):
                size = (w, h)
            case let .resizeShorterSide(side, _):
                size = size.width <= size.height
                    ? (side, side * size.height / size.width) : (side * size.width / size.height, side)
            case .horizontalFlip, .colorJitter:
                break
            }
        }
        return size
    }
}
