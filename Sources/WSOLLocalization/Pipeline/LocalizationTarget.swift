//! Which class each map explains.
import TensorCore

/// The class(es) a map is computed for.
public enum LocalizationTarget: Sendable, Hashable {
    /// One given class per image (e.g. the ground-truth label: wsolevaluation's "GT-known").
    case classes([Int])
    /// The top-1 predicted class of each image.
    case topPredicted
    /// The `k` highest-scoring classes of each image, best first (`k` maps per image).
    case topK(Int)

    /// The target classes, `N` rows of `T` entries (T = 1, or k for top-k), from the logits `[N, K]`.
    public func resolve(logits: Tensor) throws -> [[Int]] {
        let (count, classCount) = (logits.shape[0], logits.shape[1])
        switch self {
        case let .classes(labels):
            guard labels.count == count else {
                throw LocalizationError.classCountMismatch(images: count, classes: labels.count)
            }
            if let bad = labels.first(where: { $0 < 0 || $0 >= classCount }) {
                throw LocalizationError.classOutOfRange(bad, classCount: classCount)
            }
            return labels.map { [$0] }
        case .topPredicted:
            return logits.argmax(axis: 1).map { [$0] }
        case let .topK(k):
            guard k >= 1 && k <= classCount else { throw LocalizationError.invalidTopK(k, classCount: classCount) }
            let indices = withNoGrad { logits.topK(k, axis: 1).indices }
            return (0..<count).map { Array(indices[($0 * k)..<($0 * k + k)]) }
        }
    }
}
