//! `wsol localize`: the batch loop (decode, localize, write), with bad images skipped and reported.
import Foundation
import TensorCore
import TensorDistributed
import WSOLData
import WSOLLocalization
import WSOLModels

/// How a run went: images written and images skipped (each with its path and reason).
struct LocalizeSummary {
    var localized = 0
    var skipped: [String] = []
}

struct LocalizeRunner {
    let command: LocalizeCommand

    /// Localizes every image (under mpirun: this rank's block of them; rank 0 writes the
    /// summary files for all). The returned counts are over all ranks.
    func run(communicator: any Communicator = SingleProcessCommunicator()) throws -> LocalizeSummary {
        let allItems = try command.metadata.map { try LocalizeInputs.split(metadata: $0, dataRoot: command.dataRoot ?? ".") }
            ?? LocalizeInputs.paths(command.images)
        let items = Array(allItems.block(communicator.rank, of: communicator.size))
        let (model, trainingMethod) = try loadModel()
        let classifier = try command.classifierCheckpoint.map { try LocalizeModelLoader.loadClassifier($0, checkpoint: command.checkpoint) }
        let assignments = trainingMethod.flatMap { AssignmentWriter(method: $0, model: model, directory: command.out) }
        let names = try LocalizeModelLoader.classNames(path: command.classNames, classCount: model.classCount)
        let threshold = try command.calibration.map(LocalizeInputs.calibratedThreshold) ?? command.threshold ?? 0.2
        let layers = command.layer.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
        let methodName = command.method ?? (model is any NativeMapClassifier ? "native" : "cam")
        let localizer = Localizer(method: try LocalizationMethods.named(methodName), layers: layers,
                                  scales: try command.parsedScales(), postprocessing: try command.postprocessing())
        // maskClosing nil: the map is already closed, and thresholding commutes with flat closing.
        let outputs = try LocalizeOutputs(directory: command.out, classNames: names, threshold: threshold,
                                          maskClosing: nil, rank: communicator.rank)
        var summary = LocalizeSummary()
        var progress = ProgressBar(total: items.count, enabled: !command.quiet && items.count > 1 && communicator.isRoot)
        for start in stride(from: 0, to: items.count, by: command.batchSize) {
            let batch = items[start..<min(start + command.batchSize, items.count)]
            let decoded = batch.compactMap { item -> (LocalizeItem, PixelImage)? in
                do {
                    if command.target == "gt" && item.label == nil {
                        throw LocalizeInputError(path: item.path, reason: "no ground-truth label in the split")
                    }
                    return (item, try ImageCodec.read(item.path))
                } catch {
                    summary.skipped.append("\(error)")
                    progress.note("skipped \(error)")
                    return nil
                }
            }
            if !decoded.isEmpty {
                try localize(decoded, model: model, classifier: classifier, assignments: assignments,
                             localizer: localizer, threshold: threshold, outputs: outputs)
                summary.localized += decoded.count
            }
            progress.update(start + batch.count)
        }
        progress.finish()
        try outputs.closeRows()
        communicator.barrier()  // every rank's spool is complete before rank 0 merges them
        if communicator.isRoot { try outputs.finish(ranks: communicator.size) }
        let counts = communicator.sum([summary.localized, summary.skipped.count])
        summary.localized = counts[0]
        summary.skipped += Array(repeating: "(on another rank)", count: counts[1] - summary.skipped.count)
        return summary
    }

    /// The trained run's model and method (`--run`), else `--model` with `--weights`.
    private func loadModel() throws -> (any FeatureMapClassifier, (any WSOLTrainingMethod)?) {
        if let run = command.runDirectory { return try LocalizeModelLoader.loadRunWithMethod(run, checkpoint: command.checkpoint) }
        let kind = try ModelKind(name: command.model)
        return (try LocalizeModelLoader.load(kind, weightsPath: command.weights, classCount: command.classCount,
                                             largeFeatureMap: command.largeFeatureMap).model, nil)
    }

    /// One forward batch: the network input, the maps, boxes, and the files.
    private func localize(_ decoded: [(LocalizeItem, PixelImage)], model: any FeatureMapClassifier,
                          classifier: (any FeatureMapClassifier)?, assignments: AssignmentWriter?,
                          localizer: Localizer, threshold: Double, outputs: LocalizeOutputs) throws {
        let side = command.inputSize
        let images = Self.networkInput(decoded.map(\.1), side: side)
        // Two-stage: the separate classifier's logits decide the predicted classes.
        let classifierLogits = classifier.map { other in withNoGrad { other(images) } }
        let target: LocalizationTarget = switch command.target {
        case "gt": .classes(decoded.map { $0.0.label ?? 0 })
        case "topk": .topK(min(command.topK, model.classCount))
        default: classifierLogits.map { .classes($0.argmax(axis: 1)) } ?? .topPredicted
        }
        let sizes = command.originalSize ? decoded.map { MapSize(width: $0.1.width, height: $0.1.height) } : nil
        let result = try localizer.localize(model: model, images: images, target: target, outputSizes: sizes)
        let probabilities = withNoGrad { softmax(classifierLogits ?? result.logits, axis: 1) }
        try assignments?.write(images: images, photos: decoded.map(\.1), imageIDs: decoded.map(\.0.imageID),
                               classes: decoded.enumerated().map { $0.element.0.label ?? result.classes[$0.offset][0] })
        let classCount = model.classCount
        let selection = ContourSelection(rawValue: command.boxes) ?? .largest
        for (n, (item, photo)) in decoded.enumerated() {
            let maps = result.maps[n]
            let frame = MapSize(width: maps[0].width, height: maps[0].height)
            let boxes = maps.map { BoxExtractor.boxes(in: QuantizedScoreMap($0), threshold: threshold, selection: selection) }
            let truth = item.boxes.map {
                Box.resized(corners: ($0.x0, $0.y0, $0.x1, $0.y1), imageSize: (photo.width, photo.height),
                            frameSize: (frame.width, frame.height))
            }
            let row = Array(probabilities.scalars[(n * classCount)..<((n + 1) * classCount)])
            try outputs.write(LocalizedImage(item: item, photo: photo, maps: maps, classes: result.classes[n],
                                             probabilities: row, boxes: boxes, groundTruth: truth))
        }
    }

    /// `[N, 3, side, side]`: each photo as RGB, resized like PIL (bilinear, antialiased), ImageNet-normalised.
    static func networkInput(_ photos: [PixelImage], side: Int) -> Tensor {
        let plane = 3 * side * side
        var values = [Float](repeating: 0, count: photos.count * plane)
        values.withUnsafeMutableBufferPointer { buffer in
            for (n, photo) in photos.enumerated() {
                let resized = photo.converted(toChannels: 3).resized(width: side, height: side, resampling: .bilinear)
                Normalization.imageNet.write(resized, into: UnsafeMutableBufferPointer(rebasing: buffer[(n * plane)..<((n + 1) * plane)]))
            }
        }
        return Tensor(shape: [photos.count, 3, side, side], scalars: values)
    }
}

/// A one-line progress bar on standard error (the CLI's, never the libraries').
struct ProgressBar {
    let total: Int
    let enabled: Bool
    private var shown = false

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
    }

    mutating func update(_ done: Int) {
        guard enabled, total > 0 else { return }
        let width = 30, filled = width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) images".utf8))
        shown = true
    }

    /// A message on its own line (the bar is redrawn on the next update).
    mutating func note(_ message: String) {
        FileHandle.standardError.write(Data(((shown ? "\n" : "") + "wsol localize: \(message)\n").utf8))
        shown = false
    }

    func finish() {
        if enabled && shown { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
