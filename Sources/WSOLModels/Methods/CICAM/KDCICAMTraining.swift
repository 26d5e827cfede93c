//! KD-CI-CAM (Shao et al., 2023; methods.md §5.6): a CI-CAM student distilled from a frozen
//! classification teacher and a frozen localization teacher, one route per training sample.
import Foundation
import TensorCore
import TensorDistributed
import TensorNN

/// What a training sample is used for (the official `flag`).
public enum DistillationRoute: Int, CaseIterable, Sendable {
    /// Cross-entropy only.
    case none = 0
    /// Classification KD towards the classification teacher's down logits.
    case classification = 1
    /// Localization KD towards the localization teacher's down-branch class maps.
    case localization = 2
}

/// Settings of the student's training.
public struct KDCICAMOptions: Sendable, Equatable {
    /// The student network (pool update rate, attention layers, combination).
    public var student = CICAMOptions()
    /// α: `(1−α)·CE + α·KD` (0.8 official).
    public var alpha: Float = 0.8
    /// T of the classification and localization terms (15 on CUB).
    public var classificationTemperature: Float = 15
    public var localizationTemperature: Float = 15
    /// True: the official term, `KLDivLoss` fed probabilities instead of log-probabilities, no T².
    /// False (default): the true KL `T²·KL(p_t ‖ p_s)` of Hinton et al.
    public var compatibleKL = false
    /// Minimum area share of the per-route random resized crop: routes none/classification,
    /// and localization (0.2 and 0.1 on CUB).
    public var classificationMinScale: Float = 0.2
    public var localizationMinScale: Float = 0.1
    public init() {}
}

/// The student's training. Teachers are loaded by `loadTeachers` when the model is prepared
/// (not at construction, so a config can be validated without them), then kept frozen in
/// evaluation mode; they are not part of the student's checkpoints.
public final class KDCICAMTraining: WSOLTrainingMethod {
    /// This step's pool update, applied after the optimizer step (``synchronize(using:)``).
    let poolUpdate = PendingPoolUpdate()
    public typealias Teachers = (classification: CICAMModel, localization: CICAMModel)
    public let options: KDCICAMOptions
    let loadTeachers: () throws -> Teachers
    public private(set) var teachers: Teachers?
    public var name: String { "kd-ci-cam" }

    public init(options: KDCICAMOptions, loadTeachers: @escaping () throws -> Teachers) {
        self.options = options
        self.loadTeachers = loadTeachers
    }

    public func prepareModel(_ backbone: any FeatureMapClassifier) throws -> any FeatureMapClassifier {
        let loaded = try loadTeachers()
        loaded.classification.eval()
        loaded.localization.eval()
        teachers = loaded
        let student = try CICAMTraining.makeModel(backbone, options: options.student)
        for teacher in [loaded.classification, loaded.localization]
        where teacher.classCount != student.classCount || teacher.mapSize != student.mapSize {
            throw CICAMSetupError(reason: "a teacher has \(teacher.classCount) classes and \(teacher.mapSize) maps, the student \(student.classCount) and \(student.mapSize)")
        }
        return student
    }

    /// Applies the step's context-pool update, summed over ranks under data-parallel training.
    public func synchronize(using communicator: any Communicator) {
        poolUpdate.apply(using: communicator)
    }

    public func step(model: any FeatureMapClassifier, batch: TrainingBatch, random: inout RandomGenerator) -> MethodStepOutput {
        let student = model as! CICAMModel
        let routes = Self.drawRoutes(count: batch.labels.count, random: &random)
        let images = augmented(batch.images, routes: routes, random: &random)
        let branches = student.branches(images)
        var loss = crossEntropy(branches.downLogits, labels: batch.labels) * (1 - options.alpha)
        loss = loss + distillationLoss(branches: branches, images: images, routes: routes) * options.alpha
        if student.isTraining {
            // Applied in synchronize(using:), after the ranks' sums are added (PendingPoolUpdate).
            let batchSum = withNoGrad { student.poolBatchSum(upCAMs: branches.upCAMs, upLogits: branches.upLogits, labels: batch.labels) }
            poolUpdate.record(model: student, batchSum: batchSum, rate: options.student.updateRate)
        }
        return MethodStepOutput(loss: loss, logits: branches.downLogits)
    }

    /// `KD_cls` over the classification-routed samples plus `KD_loc` over the localization-routed
    /// ones (each a mean over its own samples, as the official code); zero without teachers' routes.
    func distillationLoss(branches: CICAMBranches, images: Tensor, routes: [DistillationRoute]) -> Tensor {
        guard let teachers else { preconditionFailure("KD-CI-CAM: prepareModel loads the teachers before training") }
        var loss = Tensor(0)
        let classified = routes.indices.filter { routes[$0] == .classification }
        if !classified.isEmpty {
            let teacherLogits = withNoGrad { teachers.classification.branches(images.indexSelected(axis: 0, indices: classified)).downLogits }
            loss = loss + Self.classificationKD(student: branches.downLogits.indexSelected(axis: 0, indices: classified),
                                                teacher: teacherLogits, temperature: options.classificationTemperature,
                                                compatible: options.compatibleKL)
        }
        let localized = routes.indices.filter { routes[$0] == .localization }
        if !localized.isEmpty {
            let teacherMaps = withNoGrad { teachers.localization.branches(images.indexSelected(axis: 0, indices: localized)).downCAMs }
            loss = loss + Self.localizationKD(student: branches.downCAMs.indexSelected(axis: 0, indices: localized),
                                              teacher: teacherMaps, temperature: options.localizationTemperature)
        }
        return loss
    }

    /// One route per sample, uniform over the three (the official `--distillation random`).
    public static func drawRoutes(count: Int, random: inout RandomGenerator) -> [DistillationRoute] {
        (0..<count).map { _ in DistillationRoute(rawValue: Int(random.next() % 3))! }
    }

    /// Classification KD between logits `[n, K]`. Default: `T²·KL(softmax(t/T) ‖ softmax(s/T))`
    /// (batch mean). `compatible`: the official term, PyTorch's `kl_div` given the student's
    /// *probabilities* as if they were log-probabilities: `(1/n)·Σ p_t·(log p_t − p_s)`, no T².
    public static func classificationKD(student: Tensor, teacher: Tensor, temperature: Float, compatible: Bool) -> Tensor {
        let target = withNoGrad { softmax(teacher / temperature, axis: 1) }
        if compatible { return klDivergence(logInput: softmax(student / temperature, axis: 1), target: target) }
        return klDivergence(logInput: logSoftmax(student / temperature, axis: 1), target: target) * (temperature * temperature)
    }

    /// Localization KD between class maps `[n, K, h, w]`: `mean((σ(s/T) − σ(t/T))²)`.
    public static func localizationKD(student: Tensor, teacher: Tensor, temperature: Float) -> Tensor {
        meanSquaredError(sigmoid(student / temperature), withNoGrad { sigmoid(teacher / temperature) })
    }

    /// Each image re-cropped by its route's random resized crop and resized back (bilinear).
    func augmented(_ images: Tensor, routes: [DistillationRoute], random: inout RandomGenerator) -> Tensor {
        let (height, width) = (images.shape[2], images.shape[3])
        let crops = routes.enumerated().map { index, route in
            let minScale = route == .localization ? options.localizationMinScale : options.classificationMinScale
            let region = Self.cropRegion(height: height, width: width, minScale: minScale, random: &random)
            let image = images.sliced(axis: 0, range: index..<index + 1)
            let crop = image.cropped(origin: [0, 0, region.top, region.left], shape: [1, images.shape[1], region.height, region.width])
            return upsample(crop, height: height, width: width, method: .bilinear)
        }
        return concat(crops, axis: 0)
    }

    /// torchvision's `RandomResizedCrop` region: area share in `[minScale, 1]`, aspect ratio
    /// log-uniform in [3/4, 4/3], ten tries, else the whole image.
    public static func cropRegion(height: Int, width: Int, minScale: Float,
                                  random: inout RandomGenerator) -> (top: Int, left: Int, height: Int, width: Int) {
        let area = Float(height * width)
        for _ in 0..<10 {
            let target = area * (minScale + (1 - minScale) * random.nextUnitFloat())
            let ratio = Float(Foundation.exp(Double(logf(3 / 4) + (logf(4 / 3) - logf(3 / 4)) * random.nextUnitFloat())))
            let cropWidth = Int((target * ratio).squareRoot().rounded())
            let cropHeight = Int((target / ratio).squareRoot().rounded())
            if cropWidth > 0 && cropWidth <= width && cropHeight > 0 && cropHeight <= height {
                let top = Int(random.next() % UInt64(height - cropHeight + 1))
                let left = Int(random.next() % UInt64(width - cropWidth + 1))
                return (top, left, cropHeight, cropWidth)
            }
        }
        return (0, 0, height, width)
    }
}
