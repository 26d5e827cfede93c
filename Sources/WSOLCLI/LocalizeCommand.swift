//! `wsol localize`: heat maps, boxes and masks for photos, folders or a wsolevaluation split.
import ArgumentParser
import Foundation
import WSOLLocalization
import WSOLModels

/// `wsol localize [IMAGES...] | --metadata DIR --data-root DIR  --out DIR [...]` (docs/localization.md).
struct LocalizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "localize",
        abstract: "Compute localization maps (CAM family, DGL), boxes and masks with a trained classifier.",
        discussion: """
            Images are resized to --input-size squared (PIL bilinear, no crop: the wsolevaluation test \
            transform) and ImageNet-normalised. Maps are upsampled to that size (or to each photo with \
            --original-size), normalised, and thresholded into boxes and masks. Outputs under --out: \
            scoremaps/*.npy, overlays/*.png, masks/*.png, boxes.json, predictions.csv, top5.csv \
            (and assignments/*.png for a DA-WSOL --run).
            """
    )

    @Argument(help: "Image files or folders (searched recursively for .jpg/.jpeg/.png).")
    var images: [String] = []
    @Option(help: "A wsolevaluation split directory (image_ids.txt, class_labels.txt, ...) instead of images.")
    var metadata: String?
    @Option(help: "Root the split's image ids are relative to (with --metadata).")
    var dataRoot: String?
    @Option(help: "Output directory.")
    var out: String
    @Option(name: .customLong("run"), help: "A `wsol train` run directory: its model (any method, architecture and class count) instead of --model/--weights.")
    var runDirectory: String?
    @Option(help: "With --run: which checkpoint, best or last.")
    var checkpoint: String = "best"
    @Option(help: "Two-stage classification: a separately trained classifier (a `wsol train` run directory or its checkpoint file) whose predictions give the top-1 class, predictions.csv and top5.csv.")
    var classifierCheckpoint: String?
    @Option(help: "Architecture: \(ModelKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: String = ModelKind.mobileNetV2.rawValue
    @Option(help: "Weights (.safetensors or PyTorch .pth); default for mobilenetv2: the fetched torchvision weights.")
    var weights: String?
    @Option(help: "Number of classes (default: read from the weights' classifier).")
    var classCount: Int?
    @Flag(help: "wsolevaluation's large_feature_map variant (CAM architectures).")
    var largeFeatureMap = false
    @Option(help: "Class names, one per line (default: ImageNet's when fetched and K = 1000).")
    var classNames: String?
    @Option(help: "Layer(s) to read, comma-separated (several are fused); default: the model's CAM layer.")
    var layer: String?
    @Option(help: "Method: \(LocalizationMethods.names.joined(separator: ", ")) (default: native for a --run trained with its own map, else cam).")
    var method: String?
    @Option(help: "Target class: gt (the split's label), top1, or topk.")
    var target: String = "top1"
    @Option(help: "k for --target topk.")
    var topK: Int = 5
    @Option(help: "Box and mask threshold in [0, 1) of the normalised map (default 0.2, CAM's 20% of the maximum).")
    var threshold: Double?
    @Option(help: "A `wsol evaluate` summary.json whose operatingThreshold is used instead of --threshold.")
    var calibration: String?
    @Option(help: "Boxes per map: largest (one box, MaxBoxAcc) or all (every contour, MaxBoxAccV2).")
    var boxes: String = ContourSelection.largest.rawValue
    @Option(help: "Network input side (square).")
    var inputSize: Int = 224
    @Flag(help: "Write maps, boxes and masks at each photo's original size instead of the input size.")
    var originalSize = false
    @Option(help: "ReLU before normalisation: default (the method's own), on, off.")
    var relu: String = Postprocessing.ReLUChoice.methodDefault.rawValue
    @Option(help: "Map upsampling: bicubic (wsolevaluation) or bilinear.")
    var upsampling: String = Postprocessing.Upsampling.bicubic.rawValue
    @Option(help: "Normalisation: minmax, max, or none (raw maps).")
    var normalization: String = Postprocessing.Normalization.minMax.rawValue
    @Option(help: "Grey-level closing of the map with an elliptical kernel of this odd side (e.g. 5).")
    var closing: Int?
    @Option(help: "Test scales, comma-separated (e.g. 0.75,1,1.25): maps are averaged.")
    var scales: String = "1"
    @Option(help: "Images per forward pass.")
    var batchSize: Int = 8
    @Flag(help: "No progress bar.")
    var quiet = false

    func validate() throws {
        if metadata == nil && images.isEmpty { throw ValidationError("give image files/folders or --metadata DIR") }
        if metadata != nil && !images.isEmpty { throw ValidationError("give either images or --metadata, not both") }
        if metadata != nil && dataRoot == nil { throw ValidationError("--metadata needs --data-root") }
        if target == "gt" && metadata == nil { throw ValidationError("--target gt needs a split's labels (--metadata)") }
        guard ["gt", "top1", "topk"].contains(target) else { throw ValidationError("--target must be gt, top1 or topk") }
        if threshold != nil && calibration != nil { throw ValidationError("give --threshold or --calibration, not both") }
        if let threshold, !(threshold >= 0 && threshold < 1) { throw ValidationError("--threshold must be in [0, 1)") }
        guard ContourSelection(rawValue: boxes) != nil else { throw ValidationError("--boxes must be largest or all") }
        guard inputSize >= 16, batchSize >= 1, topK >= 1 else {
            throw ValidationError("--input-size must be >= 16, --batch-size and --top-k >= 1")
        }
        if let closing, closing < 1 || closing % 2 == 0 { throw ValidationError("--closing must be an odd positive size") }
        _ = try postprocessing()
        _ = try parsedScales()
        _ = try ModelKind(name: model)
        if let method { _ = try LocalizationMethods.named(method) }
        if runDirectory != nil && weights != nil { throw ValidationError("give --run or --weights, not both") }
        guard ["best", "last"].contains(checkpoint) else { throw ValidationError("--checkpoint must be best or last") }
        if classifierCheckpoint != nil && target == "topk" { throw ValidationError("--classifier-checkpoint works with --target gt or top1") }
    }

    func postprocessing() throws -> Postprocessing {
        guard let reluChoice = Postprocessing.ReLUChoice(rawValue: relu) else {
            throw ValidationError("--relu must be default, on or off")
        }
        guard let up = Postprocessing.Upsampling(rawValue: upsampling) else {
            throw ValidationError("--upsampling must be bicubic or bilinear")
        }
        guard let norm = Postprocessing.Normalization(rawValue: normalization) else {
            throw ValidationError("--normalization must be minmax, max or none")
        }
        return Postprocessing(relu: reluChoice, upsampling: up, normalization: norm, closingKernelSize: closing)
    }

    func parsedScales() throws -> [Double] {
        let values = scales.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ValidationError("--scales must be positive numbers, e.g. 0.75,1,1.25")
        }
        return values.compactMap { $0 }
    }

    func run() throws {
        let (summary, isRoot) = try DistributedLaunch.run { communicator in
            (try LocalizeRunner(command: self).run(communicator: communicator), communicator.isRoot)
        }
        // Skipped images were reported by name as they happened (standard error).
        guard isRoot else { return }
        print("localized \(summary.localized) image(s), skipped \(summary.skipped.count); outputs in \(out)")
    }
}
