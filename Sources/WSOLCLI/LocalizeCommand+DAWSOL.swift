//! `wsol localize` extras for DA-WSOL runs: a separate classifier for the predicted classes
//! ("two-stage" Top-1 Loc) and the TSA assignment images.
import Foundation
import TensorCore
import WSOLData
import WSOLModels
import WSOLTraining

extension LocalizeModelLoader {
    /// The plain classifier of `--classifier-checkpoint`: a `wsol train` run directory (its
    /// `--checkpoint` best/last) or one checkpoint file inside a run directory.
    static func loadClassifier(_ path: String, checkpoint: String) throws -> any FeatureMapClassifier {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LocalizeInputError(path: path, reason: "no such run directory or checkpoint file")
        }
        if isDirectory.boolValue { return try loadRun(path, checkpoint: checkpoint) }
        return try loadRunWithMethod((path as NSString).deletingLastPathComponent, checkpoint: path).model
    }
}

/// Writes `assignments/<id without extension>.png`: the DA-WSOL TSA clusters of the network
/// input's CAM-layer pixels under the run's memory (T^u blue, T^f yellow, T^t red), over the photo
/// resized to the network input. The class is the ground truth when known, else the first target class.
struct AssignmentWriter {
    let method: DAWSOLTraining
    let model: any GAPLinearClassifier
    let directory: String

    init?(method: any WSOLTrainingMethod, model: any FeatureMapClassifier, directory: String) {
        guard let method = method as? DAWSOLTraining, let model = model as? any GAPLinearClassifier else { return nil }
        (self.method, self.model) = (method, model)
        self.directory = (directory as NSString).appendingPathComponent("assignments")
    }

    func write(images: Tensor, photos: [PixelImage], imageIDs: [String], classes: [Int]) throws {
        let (clusters, height, width) = method.assignmentClusters(model: model, images: images, labels: classes)
        let side = images.shape[2]
        for (n, photo) in photos.enumerated() {
            let shown = photo.converted(toChannels: 3).resized(width: side, height: side, resampling: .bilinear)
            let cells = Array(clusters[n * height * width..<(n + 1) * height * width])
            let image = AssignmentOverlay.render(photo: shown, clusters: cells, mapWidth: width, mapHeight: height)
            let stem = (imageIDs[n] as NSString).deletingPathExtension
            let file = (directory as NSString).appendingPathComponent(stem + ".png")
            // Image ids may hold folders (`images/test/<class>/0000.png`).
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try ImageCodec.writePNG(image, to: file)
        }
    }
}
