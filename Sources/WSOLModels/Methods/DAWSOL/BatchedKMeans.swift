//! Lloyd's k-means for many small problems at once (one per image), with fixed initial centroids:
//! DA-WSOL's Target Sample Assigner clusters every image's pixel features into three sets.
import TensorCore

/// k-means with given initial centroids, run on a batch of independent point sets.
///
/// It follows scikit-learn's `k_means(init=array, n_init=1)` (Lloyd): per iteration the points
/// are assigned to the nearest centroid (squared Euclidean; ties to the lower index) and the
/// centroids move to the means of their points. A problem stops when the labels repeat (strict
/// convergence) or when the total squared centroid shift is at most `relativeTolerance` × the mean
/// per-feature variance of its points (then its labels are recomputed from the final centroids),
/// or after `maxIterations`. An empty cluster is moved onto the point farthest from its own
/// centroid, as scikit-learn relocates empty clusters. The distance matrices and the centroid sums
/// are batched matrix products on the engine; only the per-image bookkeeping is scalar code.
public enum BatchedKMeans {
    /// The result for `N` problems of `P` points and `K` clusters in `D` dimensions.
    public struct Result: Equatable {
        /// `N × P` cluster indices, row-major.
        public var labels: [Int]
        /// `N × K × D` centroids, row-major.
        public var centroids: [Float]
        /// Iterations run by each problem.
        public var iterations: [Int]
    }

    /// Clusters `points` `[N, P, D]` starting from `initialCentroids` `[N, K, D]`.
    public static func run(points: Tensor, initialCentroids: Tensor, maxIterations: Int = 300,
                           relativeTolerance: Float = 1e-4) -> Result {
        precondition(points.rank == 3 && initialCentroids.rank == 3 && points.shape[0] == initialCentroids.shape[0]
                     && points.shape[2] == initialCentroids.shape[2],
                     "BatchedKMeans: points \(points.shape) and centroids \(initialCentroids.shape) do not match")
        return withNoGrad {
            var state = State(points: points.detached(), centroids: initialCentroids.detached().scalars,
                              clusterCount: initialCentroids.shape[1], relativeTolerance: relativeTolerance)
            for _ in 0..<maxIterations where state.active.contains(true) { state.iterate() }
            state.finish()
            return Result(labels: state.labels, centroids: state.centroids, iterations: state.iterations)
        }
    }

    /// The working state of a batch of problems.
    struct State {
        let points: Tensor
        let pointValues: [Float]
        let (count, pointCount, dimension, clusterCount): (Int, Int, Int, Int)
        let tolerances: [Float]
        var centroids: [Float]
        var labels: [Int]
        var active: [Bool]
        var strictlyConverged: [Bool]
        var iterations: [Int]

        init(points: Tensor, centroids: [Float], clusterCount: Int, relativeTolerance: Float) {
            self.points = points
            pointValues = points.scalars
            (count, pointCount, dimension) = (points.shape[0], points.shape[1], points.shape[2])
            self.clusterCount = clusterCount
            self.centroids = centroids
            labels = [Int](repeating: -1, count: count * pointCount)
            active = [Bool](repeating: true, count: count)
            strictlyConverged = [Bool](repeating: false, count: count)
            iterations = [Int](repeating: 0, count: count)
            tolerances = Self.tolerances(pointValues, count: count, pointCount: pointCount, dimension: dimension)
                .map { $0 * relativeTolerance }
        }

        /// Mean over features of each problem's per-feature variance (scikit-learn's `_tolerance`).
        static func tolerances(_ values: [Float], count: Int, pointCount: Int, dimension: Int) -> [Float] {
            (0..<count).map { image in
                var total = 0.0
                for feature in 0..<dimension {
                    var (sum, squares) = (0.0, 0.0)
                    for point in 0..<pointCount {
                        let value = Double(values[(image * pointCount + point) * dimension + feature])
                        sum += value
                        squares += value * value
                    }
                    let mean = sum / Double(pointCount)
                    total += max(squares / Double(pointCount) - mean * mean, 0)
                }
                return Float(total / Double(dimension))
            }
        }

        /// Squared distances `[N, P, K]` of every point to every current centroid.
        func squaredDistances() -> [Float] {
            let centres = Tensor(shape: [count, clusterCount, dimension], scalars: centroids)
            let cross = matmul(points, centres, transposeB: true)
            let pointNorms = (points * points).sum(axes: [2], keepDims: true)
            let centreNorms = (centres * centres).sum(axes: [2]).unsqueezed(axis: 1)
            return (pointNorms - 2 * cross + centreNorms).scalars
        }

        /// The nearest centroid of every point, `N × P`.
        func nearestLabels(_ distances: [Float]) -> [Int] {
            (0..<count * pointCount).map { point in
                var best = 0
                for cluster in 1..<clusterCount where distances[point * clusterCount + cluster] < distances[point * clusterCount + best] {
                    best = cluster
                }
                return best
            }
        }

        /// One Lloyd iteration for every active problem.
        mutating func iterate() {
            let distances = squaredDistances()
            let newLabels = nearestLabels(distances)
            let oneHot = Tensor.oneHot(newLabels, classCount: clusterCount).reshaped(to: [count, pointCount, clusterCount])
            let sums = matmul(oneHot, points, transposeA: true).scalars
            for image in 0..<count where active[image] {
                iterations[image] += 1
                let range = image * pointCount..<(image + 1) * pointCount
                let unchanged = Array(labels[range]) == Array(newLabels[range])
                labels.replaceSubrange(range, with: newLabels[range])
                let moved = updatedCentroids(image: image, sums: sums, distances: distances)
                var shift: Float = 0
                for index in moved.indices {
                    let old = centroids[image * clusterCount * dimension + index]
                    shift += (moved[index] - old) * (moved[index] - old)
                }
                centroids.replaceSubrange(image * clusterCount * dimension..<(image + 1) * clusterCount * dimension, with: moved)
                if unchanged {
                    (active[image], strictlyConverged[image]) = (false, true)
                } else if shift <= tolerances[image] {
                    active[image] = false
                }
            }
        }

        /// Means of the clusters of `image` (`K × D`), empty clusters relocated.
        func updatedCentroids(image: Int, sums: [Float], distances: [Float]) -> [Float] {
            let base = image * clusterCount * dimension
            var totals = Array(sums[base..<base + clusterCount * dimension])
            var sizes = [Float](repeating: 0, count: clusterCount)
            for point in 0..<pointCount { sizes[labels[image * pointCount + point]] += 1 }
            let empty = (0..<clusterCount).filter { sizes[$0] == 0 }
            if !empty.isEmpty {
                // Farthest points from their own centroid first (scikit-learn's relocation).
                let own = (0..<pointCount).map { distances[(image * pointCount + $0) * clusterCount + labels[image * pointCount + $0]] }
                let farthest = (0..<pointCount).sorted { own[$0] > own[$1] || (own[$0] == own[$1] && $0 < $1) }
                for (cluster, point) in zip(empty, farthest) {
                    let old = labels[image * pointCount + point]
                    let row = (image * pointCount + point) * dimension
                    for feature in 0..<dimension {
                        totals[old * dimension + feature] -= pointValues[row + feature]
                        totals[cluster * dimension + feature] = pointValues[row + feature]
                    }
                    sizes[old] -= 1
                    sizes[cluster] = 1
                }
            }
            for cluster in 0..<clusterCount where sizes[cluster] > 0 {
                for feature in 0..<dimension { totals[cluster * dimension + feature] /= sizes[cluster] }
            }
            return totals
        }

        /// Problems that stopped on the tolerance (or the iteration cap) get labels from their final centroids.
        mutating func finish() {
            guard strictlyConverged.contains(false) else { return }
            let final = nearestLabels(squaredDistances())
            for image in 0..<count where !strictlyConverged[image] {
                let range = image * pointCount..<(image + 1) * pointCount
                labels.replaceSubrange(range, with: final[range])
            }
        }
    }
}
