//! Training the class-agnostic box regressor on (pseudo) boxes, and the geometry that maps boxes
//! to regression targets and predictions back to boxes and maps.
import TensorCore
import TensorNN

/// Box <-> regression target <-> map conversions, in an input frame of `width x height` pixels.
///
/// Targets are `(cx, cy, w, h)` as fractions of the frame (PSOL regresses `(x, y, w, h)` with MSE;
/// its exact normalisation is not verified, methods.md §7.5). Box corners are used as given: the
/// regressor learns whatever convention its training boxes use, and the indicator map is drawn
/// so that the standard extraction (methods.md §2.6) returns the regressed corners, rounded.
public enum BoxGeometry {
    /// `(cx, cy, w, h)` of `box` as fractions of the frame, each clamped to `[0, 1]`.
    public static func fractions(of box: TrainingBox, width: Int, height: Int) -> [Float] {
        let (w, h) = (Float(width), Float(height))
        let values = [(box.x0 + box.x1) / 2 / w, (box.y0 + box.y1) / 2 / h, (box.x1 - box.x0) / w, (box.y1 - box.y0) / h]
        return values.map { min(max($0, 0), 1) }
    }

    /// The box of `(cx, cy, w, h)` fractions, clipped to `[0, width] x [0, height]`.
    public static func box(fromFractions values: [Float], width: Int, height: Int) -> TrainingBox {
        precondition(values.count == 4, "BoxGeometry: 4 values expected, got \(values.count)")
        let (w, h) = (Float(width), Float(height))
        func clip(_ value: Float, _ limit: Float) -> Float { min(max(value, 0), limit) }
        return TrainingBox(x0: clip((values[0] - values[2] / 2) * w, w), y0: clip((values[1] - values[3] / 2) * h, h),
                           x1: clip((values[0] + values[2] / 2) * w, w), y1: clip((values[1] + values[3] / 2) * h, h))
    }

    /// A `height x width` row-major map that is 1 on the pixels `round(x0) ..< round(x1)` x
    /// `round(y0) ..< round(y1)` (at least one pixel) and 0 elsewhere. The extraction's bounding
    /// rectangle of that region is `(round(x0), round(y0), round(x1), round(y1))` (its `x + w` is one
    /// past the last lit column), clipped to `W − 1`, `H − 1` as for any map.
    ///
    /// A box covering the whole frame would make the map constant, which min-max normalisation
    /// turns into "no box"; its top-left pixel is then left at 0, which keeps the region's
    /// bounding rectangle the whole frame.
    public static func indicator(of box: TrainingBox, width: Int, height: Int) -> [Float] {
        let (columns, rows) = (litRange(box.x0, box.x1, limit: width), litRange(box.y0, box.y1, limit: height))
        var map = [Float](repeating: 0, count: width * height)
        for row in rows {
            for column in columns { map[row * width + column] = 1 }
        }
        if columns.count == width && rows.count == height { map[0] = 0 }
        return map
    }

    /// `round(start) ..< round(end)` within `0 ..< limit`, never empty.
    static func litRange(_ start: Float, _ end: Float, limit: Int) -> Range<Int> {
        let first = min(max(Int(start.rounded()), 0), limit - 1)
        let last = min(max(Int(end.rounded()), first + 1), limit)
        return first..<last
    }
}

/// The regressor's loss: squared error over the four fractions, averaged over all `4 N` values
/// of the batch, an image without a target box (cropped away by augmentation) contributing 0.
/// Dividing by the batch size rather than by the images kept makes the loss a sum over images
/// scaled by a constant, so data-parallel ranks (equal local batches) average to the global
/// batch's gradient whatever boxes each rank lost.
public enum BoxRegressorLoss {
    /// - Parameters:
    ///   - predictions: `(cx, cy, w, h)` fractions `[N, 4]`.
    ///   - targets: `N` target fraction quadruples, nil for an image without a box.
    /// - Returns: a scalar, attached to `predictions` (0 when no image has a target).
    public static func meanSquaredError(_ predictions: Tensor, targets: [[Float]?]) -> Tensor {
        precondition(predictions.shape == [targets.count, 4], "BoxRegressorLoss: predictions \(predictions.shape) for \(targets.count) targets")
        let values = targets.flatMap { $0 ?? [0, 0, 0, 0] }
        let mask = targets.flatMap { Array(repeating: Float($0 == nil ? 0 : 1), count: 4) }
        let difference = (predictions - Tensor(shape: [targets.count, 4], scalars: values)) * Tensor(shape: [targets.count, 4], scalars: mask)
        return (difference * difference).sum() / Float(4 * targets.count)
    }
}

/// Trains a ``BoxRegressorModel`` (PSOL's step in C²AM's WSOL pipeline) on the boxes of the
/// training split: pseudo boxes from a class-agnostic map (`wsol pseudo-boxes`), or any boxes. The
/// target of an image is its largest box in the augmented frame. Labels are never read.
public final class BoxRegressorTraining: WSOLTrainingMethod {
    public var name: String { "box-regressor" }
    /// The backbone layer the head reads (nil = the CAM layer).
    public let layer: String?
    /// Seed of the head's initial weights.
    public let seed: UInt64

    public init(layer: String? = nil, seed: UInt64 = 0) {
        self.layer = layer
        self.seed = seed
    }

    public func prepareModel(_ backbone: any FeatureMapClassifier) throws -> any FeatureMapClassifier {
        try BoxRegressorModel(backbone: backbone, layer: layer, seed: seed)
    }

    public func step(model: any FeatureMapClassifier, batch: TrainingBatch, random: inout RandomGenerator) -> MethodStepOutput {
        guard let regressor = model as? BoxRegressorModel else {
            preconditionFailure("box regressor: the model was not prepared by BoxRegressorTraining")
        }
        let (height, width) = (batch.images.shape[2], batch.images.shape[3])
        let targets = batch.boxes.map { boxes in
            boxes.max { $0.area < $1.area }.map { BoxGeometry.fractions(of: $0, width: width, height: height) }
        }
        let output = regressor.regress(batch.images)
        return MethodStepOutput(loss: BoxRegressorLoss.meanSquaredError(output.boxes, targets: targets), logits: output.logits)
    }
}
