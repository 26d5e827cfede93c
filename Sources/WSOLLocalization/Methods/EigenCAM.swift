//! Eigen-CAM (Muhammad & Yeasin, IJCNN 2020): the first principal component of the activation.
import TensorCore

/// Eigen-CAM: reshape the activation of an image to `(hw) × C`, centre every channel (subtract
/// its mean over positions), and project onto the first right singular vector:
/// `M = A_centred · v₁`, reshaped to `h × w`; ReLU by default. Class-agnostic (`classes` is ignored).
///
/// The SVD is computed through the smaller Gram matrix (`hw × hw` or `C × C`, float64) by power
/// iteration from a deterministic start. The sign of `v₁` is arbitrary; it is fixed so that the
/// map correlates positively with the channel-mean activation (the "where features fire" map).
public struct EigenCAM: LocalizationMethod {
    public init() {}
    public var name: String { "eigencam" }
    public var appliesReLU: Bool { true }
    public var needsGradients: Bool { false }

    public func rawMaps(_ capture: ForwardCapture, classes: [Int]) throws -> Tensor {
        withNoGrad {
            let (channels, height, width) = (capture.channelCount, capture.activation.shape[2], capture.activation.shape[3])
            let maps = (0..<capture.batchSize).map { n in
                let matrix = MapMath.image(capture.activation, n).reshaped(to: [channels, height * width])
                let projection = Self.firstComponentProjection(matrix)
                return Tensor(shape: [1, 1, height, width], scalars: projection.map { Float($0) })
            }
            return concat(maps, axis: 0)
        }
    }

    /// `A_centred · v₁` for `channelsByPositions` `[C, P]` (rows = channels), `P` values.
    static func firstComponentProjection(_ channelsByPositions: Tensor) -> [Double] {
        let (channels, positions) = (channelsByPositions.shape[0], channelsByPositions.shape[1])
        let centred = channelsByPositions - channelsByPositions.mean(axes: [1], keepDims: true)
        let channelMean = channelsByPositions.mean(axes: [0]).scalars.map(Double.init)
        var projection: [Double]
        if positions <= channels {
            // u₁ of A_c (positions × channels) from A_c A_cᵀ; A_c v₁ = σ₁ u₁.
            let gram = matmul(centred, centred, transposeA: true)               // [P, P]
            let (vector, eigenvalue) = topEigenvector(gram, start: channelMean)
            let sigma = eigenvalue > 0 ? eigenvalue.squareRoot() : 0
            projection = vector.map { $0 * sigma }
        } else {
            let gram = matmul(centred, centred, transposeB: true)               // [C, C]
            let start = [Double](repeating: 1, count: channels)
            let (vector, _) = topEigenvector(gram, start: start)
            let v = Tensor(shape: [channels, 1], scalars: vector.map { Float($0) })
            projection = matmul(centred, v, transposeA: true).scalars.map(Double.init)
        }
        let meanOfMean = channelMean.reduce(0, +) / Double(positions)
        let agreement = zip(projection, channelMean).reduce(0) { $0 + $1.0 * ($1.1 - meanOfMean) }
        if agreement < 0 { projection = projection.map { -$0 } }
        return projection
    }

    /// The unit eigenvector of the largest eigenvalue of the symmetric PSD matrix `gram` `[n, n]`
    /// and that eigenvalue, by power iteration (float64) from `start` (or a ramp if `start` is 0).
    static func topEigenvector(_ gram: Tensor, start: [Double]) -> ([Double], Double) {
        let n = gram.shape[0]
        let matrix = gram.scalars.map(Double.init)
        var vector = start
        if vector.allSatisfy({ $0 == 0 }) { vector = (0..<n).map { 1 + Double($0) / Double(n) } }
        normalize(&vector)
        var eigenvalue = 0.0
        var next = [Double](repeating: 0, count: n)
        for _ in 0..<2000 {
            for row in 0..<n {
                var sum = 0.0
                for column in 0..<n { sum += matrix[row * n + column] * vector[column] }
                next[row] = sum
            }
            eigenvalue = zip(next, vector).reduce(0) { $0 + $1.0 * $1.1 }
            guard normalize(&next) > 0 else { return (vector, 0) }
            let change = zip(next, vector).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            swap(&vector, &next)
            if change < 1e-20 { break }
        }
        return (vector, eigenvalue)
    }

    /// Scales `vector` to unit length; returns its former norm.
    @discardableResult
    static func normalize(_ vector: inout [Double]) -> Double {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > 0 { vector = vector.map { $0 / norm } }
        return norm
    }
}
