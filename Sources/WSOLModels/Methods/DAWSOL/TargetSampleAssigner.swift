//! DA-WSOL's Target Sample Assigner (TSA): a memory of anchors and a per-image 3-way k-means that
//! splits the pixel features into universum (T^u), pseudo-source (T^f) and true-target (T^t) sets.
import TensorCore
import TensorNN

/// The TSA memory and its assignment step (methods.md §6.3).
///
/// Memory: the universum anchor `M_u` (`D` values) with its count `r_u`, and one anchor `M_k` per
/// class with count `r_k`, all starting at zero and never reset. For an image with label `y`,
/// image feature `z` (its GAP) and pixel features `F` (`h·w` points of `D` values):
/// 1. a class seen for the first time gets `M_y = z`, `r_y = 1`;
/// 2. k-means with the initial centroids `[M_u, z, M_y]`, in that order: cluster 0 is `T^u`,
///    1 is `T^f`, 2 is `T^t`;
/// 3. cumulative means: `r_y += 1`, `M_y ← M_y·(r_y − 1)/r_y + c_1/r_y` (the **pseudo-source**
///    centroid), and `r_u += 1`, `M_u ← M_u·(r_u − 1)/r_u + c_0/r_u`;
/// 4. if `|T^t| ≥ n` and `|T^f| ≥ n − 1`, the image is valid: `n − 1` random pixels of `T^f`
///    (after `z`) form its source set and `n` random pixels of `T^t` its target set.
///
/// Batching (our decision): the official code clusters one image at a time, each seeded with the
/// memory left by the previous image; here every image of a batch is seeded with the memory at
/// the start of the batch (after step 1 for classes new in the batch), the k-means of the whole
/// batch runs at once, and the memory is then updated image by image in batch order with exactly
/// the arithmetic above. The anchors are cumulative means over thousands of images, so one
/// batch's lag is a small change; it is what lets the clustering run as batched engine ops.
public final class TargetSampleAssigner {
    public let classCount: Int
    /// Feature dimension D (channels of the CAM layer).
    public let featureCount: Int
    /// `n`: the size of each source and target set (the official default is 32).
    public let sampleCount: Int
    /// `M_u`, `D` values.
    public internal(set) var universumAnchor: [Float]
    /// `r_u`.
    public internal(set) var universumCount: Float = 0
    /// `M_k`, `K × D` values, row-major.
    public internal(set) var classAnchors: [Float]
    /// `r_k`, `K` values.
    public internal(set) var classCounts: [Float]

    public init(classCount: Int, featureCount: Int, sampleCount: Int = 32) {
        precondition(classCount > 0 && featureCount > 0 && sampleCount > 1, "TargetSampleAssigner: positive sizes, sampleCount > 1")
        (self.classCount, self.featureCount, self.sampleCount) = (classCount, featureCount, sampleCount)
        universumAnchor = [Float](repeating: 0, count: featureCount)
        classAnchors = [Float](repeating: 0, count: classCount * featureCount)
        classCounts = [Float](repeating: 0, count: classCount)
    }

    /// The assignment of one batch.
    public struct Assignment: Equatable {
        /// `N × P` cluster per pixel: 0 = `T^u`, 1 = `T^f`, 2 = `T^t`.
        public var labels: [Int]
        /// For each valid image (batch order): its index, `n − 1` pixel indices of `T^f` and `n` of `T^t`.
        public var samples: [(image: Int, source: [Int], target: [Int])]
        /// The k-means centroids, `N × 3 × D`.
        public var centroids: [Float]

        public static func == (a: Assignment, b: Assignment) -> Bool {
            a.labels == b.labels && a.centroids == b.centroids && a.samples.count == b.samples.count
                && zip(a.samples, b.samples).allSatisfy { $0.image == $1.image && $0.source == $1.source && $0.target == $1.target }
        }
    }

    /// Clusters the pixels of every image, updates the memory and draws the sample sets.
    /// - Parameters:
    ///   - pixelFeatures: `[N, D, h, w]` (values only are read).
    ///   - imageFeatures: `[N, D]`, the GAP of `pixelFeatures`.
    ///   - labels: `N` class labels.
    public func assign(pixelFeatures: Tensor, imageFeatures: Tensor, labels: [Int],
                       random: inout RandomGenerator) -> Assignment {
        let images = imageFeatures.detached().scalars
        seedNewClasses(images: images, labels: labels)
        let clustering = cluster(pixelFeatures: pixelFeatures, images: images, labels: labels)
        updateMemory(centroids: clustering.centroids, labels: labels)
        let pointCount = pixelFeatures.shape[2] * pixelFeatures.shape[3]
        var samples: [(image: Int, source: [Int], target: [Int])] = []
        for image in labels.indices {
            let own = clustering.labels[image * pointCount..<(image + 1) * pointCount]
            var pseudoSource = own.indices.filter { own[$0] == 1 }.map { $0 - image * pointCount }
            var trueTarget = own.indices.filter { own[$0] == 2 }.map { $0 - image * pointCount }
            guard trueTarget.count >= sampleCount && pseudoSource.count >= sampleCount - 1 else { continue }
            pseudoSource.shuffle(using: &random)
            trueTarget.shuffle(using: &random)
            samples.append((image, Array(pseudoSource.prefix(sampleCount - 1)), Array(trueTarget.prefix(sampleCount))))
        }
        return Assignment(labels: clustering.labels, samples: samples, centroids: clustering.centroids)
    }

    /// The clusters of every pixel under the current memory, without changing it (visualisation).
    /// A class never seen in training is seeded with the image feature, as training would.
    public func clusters(pixelFeatures: Tensor, imageFeatures: Tensor, labels: [Int]) -> [Int] {
        let images = imageFeatures.detached().scalars
        var anchors = (0..<labels.count).map { classAnchor(labels[$0]) }
        for (index, label) in labels.enumerated() where classCounts[label] == 0 {
            anchors[index] = Array(images[index * featureCount..<(index + 1) * featureCount])
        }
        return cluster(pixelFeatures: pixelFeatures, images: images, labels: labels, classAnchors: anchors).labels
    }

    /// Step 1: a class seen for the first time is seeded with the image feature.
    func seedNewClasses(images: [Float], labels: [Int]) {
        for (index, label) in labels.enumerated() where classCounts[label] == 0 {
            classCounts[label] = 1
            classAnchors.replaceSubrange(label * featureCount..<(label + 1) * featureCount,
                                         with: images[index * featureCount..<(index + 1) * featureCount])
        }
    }

    func classAnchor(_ label: Int) -> [Float] {
        Array(classAnchors[label * featureCount..<(label + 1) * featureCount])
    }

    /// Step 2 for the whole batch: k-means from `[M_u, z_i, M_y]`.
    func cluster(pixelFeatures: Tensor, images: [Float], labels: [Int],
                 classAnchors anchors: [[Float]]? = nil) -> BatchedKMeans.Result {
        precondition(pixelFeatures.rank == 4 && pixelFeatures.shape[1] == featureCount && pixelFeatures.shape[0] == labels.count,
                     "TargetSampleAssigner: features \(pixelFeatures.shape) for D = \(featureCount), \(labels.count) labels")
        let (count, pointCount) = (labels.count, pixelFeatures.shape[2] * pixelFeatures.shape[3])
        var initial: [Float] = []
        initial.reserveCapacity(count * 3 * featureCount)
        for (index, label) in labels.enumerated() {
            initial += universumAnchor
            initial += images[index * featureCount..<(index + 1) * featureCount]
            initial += anchors?[index] ?? classAnchor(label)
        }
        let points = withNoGrad {
            pixelFeatures.detached().reshaped(to: [count, featureCount, pointCount]).permuted([0, 2, 1])
        }
        return BatchedKMeans.run(points: points, initialCentroids: Tensor(shape: [count, 3, featureCount], scalars: initial))
    }

    /// Step 3, image by image in batch order.
    func updateMemory(centroids: [Float], labels: [Int]) {
        for (index, label) in labels.enumerated() {
            let base = index * 3 * featureCount
            classCounts[label] += 1
            let classWeight = classCounts[label]
            universumCount += 1
            for feature in 0..<featureCount {
                let slot = label * featureCount + feature
                classAnchors[slot] = classAnchors[slot] * ((classWeight - 1) / classWeight)
                    + centroids[base + featureCount + feature] / classWeight
                universumAnchor[feature] = universumAnchor[feature] * ((universumCount - 1) / universumCount)
                    + centroids[base + feature] / universumCount
            }
        }
    }
}

extension TargetSampleAssigner {
    /// The memory for checkpoints: `anchors` `[K + 1, D]` (row 0 = `M_u`, then `M_1 … M_K`) and
    /// `counts` `[K + 1]` (`r_u`, then `r_k`).
    public func stateArrays() -> [(String, NamedArray)] {
        [("anchors", NamedArray(shape: [classCount + 1, featureCount], values: universumAnchor + classAnchors)),
         ("counts", NamedArray(shape: [classCount + 1], values: [universumCount] + classCounts))]
    }

    /// Restores ``stateArrays()``; absent arrays leave the memory as it is.
    public func loadStateArrays(_ arrays: [String: NamedArray]) throws {
        guard let anchors = arrays["anchors"], let counts = arrays["counts"] else { return }
        guard anchors.shape == [classCount + 1, featureCount], counts.shape == [classCount + 1] else {
            throw StateDictError(reason: "DA-WSOL memory of shape \(anchors.shape) / \(counts.shape) does not match "
                                 + "\(classCount) classes of \(featureCount) features")
        }
        universumAnchor = Array(anchors.values[0..<featureCount])
        classAnchors = Array(anchors.values[featureCount...])
        universumCount = counts.values[0]
        classCounts = Array(counts.values[1...])
    }
}
