//! The three contrastive losses of C²AM (Xie et al., CVPR 2022; methods.md §7.3), on the pooled
//! foreground and background vectors of a batch.
import Foundation
import TensorCore

/// C²AM's losses. With `V_fg`, `V_bg` `[n, d]` (one row per image of the batch) and the clipped
/// cosine similarity `s(a, b) = clip(⟨a/|a|, b/|b|⟩, 0.0005, 0.9995)`:
/// - negative: `L_neg = mean_{i,j} −log(1 − s(bg_i, fg_j))` over all `n x n` pairs, `i = j` included;
/// - positive: `L_pos(V) = mean_{i,j} w_ij · (−log s(v_i, v_j))`, `w_ij = exp(−α (rank_ij − 1))`
///   where `rank_ij` is the 0-based position of `j` in row `i` sorted by descending similarity
///   (the diagonal is normally rank 0, weight `e^α`; the most similar other image gets weight 1);
/// - total: `L_pos(V_bg) + L_neg + L_pos(V_fg)`.
/// The clipping keeps the logarithms finite; its gradient is zero outside the range (as `torch.clamp`).
public enum C2AMLoss {
    /// The similarity clipping range of the official `cos_simi`.
    public static let similarityRange: ClosedRange<Float> = 0.0005...0.9995

    /// `s(a_i, b_j)` for every pair: `[n, m]` from `a` `[n, d]` and `b` `[m, d]`. Rows are divided
    /// by `max(|row|, 1e-12)` (`F.normalize`), so an all-zero vector gives similarity 0 (clipped up).
    public static func similarity(_ a: Tensor, _ b: Tensor) -> Tensor {
        let cosine = matmul(unitRows(a), unitRows(b), transposeB: true)
        return clamp(cosine, min: similarityRange.lowerBound, max: similarityRange.upperBound)
    }

    static func unitRows(_ x: Tensor) -> Tensor {
        let norms = clamp(sqrt((x * x).sum(axes: [1], keepDims: true)), min: 1e-12)
        return x / norms
    }

    /// `L_neg`: foreground and background vectors of any two images (the same image included)
    /// should be dissimilar. Scalar.
    public static func negative(foreground: Tensor, background: Tensor) -> Tensor {
        (-log(1 - similarity(background, foreground))).mean()
    }

    /// `L_pos(V)` for one set of vectors `[n, d]` (all foregrounds, or all backgrounds). Scalar.
    /// The rank weights are constants (computed from the values, no gradient through the sort).
    public static func positive(_ vectors: Tensor, alpha: Float) -> Tensor {
        let similarities = similarity(vectors, vectors)
        let count = vectors.shape[0]
        let weights = rankWeights(similarities.scalars, count: count, alpha: alpha)
        return (-log(similarities) * Tensor(shape: [count, count], scalars: weights)).mean()
    }

    /// The whole objective of one batch. Scalar.
    public static func total(foreground: Tensor, background: Tensor, alpha: Float) -> Tensor {
        positive(background, alpha: alpha) + negative(foreground: foreground, background: background)
            + positive(foreground, alpha: alpha)
    }

    /// `exp(−α (rank_ij − 1))` for a row-major `n x n` similarity matrix. Each row is sorted by
    /// descending similarity; ties keep column order (a stable sort: the official code's
    /// `torch.sort` leaves tie order unspecified, which only matters for exactly equal values,
    /// e.g. several pairs clipped at 0.9995).
    public static func rankWeights(_ similarities: [Float], count: Int, alpha: Float) -> [Float] {
        precondition(similarities.count == count * count, "C2AMLoss.rankWeights: \(similarities.count) values for \(count) x \(count)")
        var weights = [Float](repeating: 0, count: count * count)
        for row in 0..<count {
            let values = similarities[row * count..<(row + 1) * count]
            let order = values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
            for (rank, index) in order.enumerated() {
                weights[index] = Foundation.exp(-alpha * Float(rank - 1))
            }
        }
        return weights
    }
}
