//! Hide-and-Seek (Singh & Lee, ICCV 2017) as shipped by wsolevaluation: random patches of the
//! training image are hidden, so the classifier must also use less discriminative parts.
import TensorCore

/// HaS: the image is cut into square patches of `gridSize` pixels; each patch is set to 0 (the
/// dataset mean after normalisation) with probability `dropRate`, independently per image.
///
/// wsolevaluation's defaults are `gridSize` 4, `dropRate` 0.5 (methods.md §3.6). Its code walks
/// the patches in pixel steps of `has_grid_size`, so the value is a patch side in pixels, which is
/// how it is read here. Patches on the right/bottom edge are clipped to the image.
public final class HideAndSeekTraining: WSOLTrainingMethod {
    public let gridSize: Int
    public let dropRate: Float
    public var name: String { "has" }

    public init(gridSize: Int = 4, dropRate: Float = 0.5) {
        precondition(gridSize > 0 && (0...1).contains(dropRate), "HaS: grid \(gridSize) > 0, drop rate \(dropRate) in [0, 1]")
        self.gridSize = gridSize
        self.dropRate = dropRate
    }

    public func transformInput(_ batch: TrainingBatch, random: inout RandomGenerator) -> TrainingBatch {
        let shape = batch.images.shape
        let mask = hidingMask(count: shape[0], height: shape[2], width: shape[3], random: &random)
        var hidden = batch
        hidden.images = batch.images * mask
        return hidden
    }

    /// `[N, 1, H, W]` of 0 (hidden) and 1 (kept); patches drawn row of patches by row, image by image.
    func hidingMask(count: Int, height: Int, width: Int, random: inout RandomGenerator) -> Tensor {
        var mask = [Float](repeating: 1, count: count * height * width)
        for image in 0..<count {
            for top in stride(from: 0, to: height, by: gridSize) {
                for left in stride(from: 0, to: width, by: gridSize) where random.nextUnitFloat() < dropRate {
                    for y in top..<min(top + gridSize, height) {
                        let row = (image * height + y) * width
                        for x in left..<min(left + gridSize, width) { mask[row + x] = 0 }
                    }
                }
            }
        }
        return Tensor(shape: [count, 1, height, width], scalars: mask)
    }
}
