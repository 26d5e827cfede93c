//! `wsol localize`: building the model and loading its weights (default: the fetched MobileNetV2).
import Foundation
import TensorNN
import WSOLData
import WSOLModels

/// A user-facing error of `wsol localize` / `wsol bench localize` that names the file at fault.
struct LocalizeInputError: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "\(path): \(reason)" }
}

/// The asset cache of `wsol fetch-assets` / `scripts/fetch-assets` (`$WSOL_ASSETS`, else the
/// catalogue's default). The CLI may read the environment; the libraries never do.
enum AssetCache {
    static var directory: String {
        ProcessInfo.processInfo.environment["WSOL_ASSETS"] ?? AssetCatalog.defaultCacheDirectory(home: NSHomeDirectory())
    }

    /// The fetched MobileNetV2 weights: the converted safetensors if present, else the `.pth`.
    static var mobileNetV2Weights: String? {
        [AssetCatalog.mobileNetV2Weights, AssetCatalog.mobileNetV2Checkpoint]
            .map { (directory as NSString).appendingPathComponent($0) }
            .first { FileManager.default.fileExists(atPath: $0) }
    }

    /// ImageNet class names in index order, if fetched.
    static var imageNetClassNames: String? {
        let path = (directory as NSString).appendingPathComponent(AssetCatalog.imageNetClassNames)
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}

enum LocalizeModelLoader {
    /// Builds `kind` and loads `weightsPath` (`.pth`/`.pt` PyTorch checkpoints or safetensors); the
    /// class count comes from `classCount` or, if nil, from the classifier's shape in the file.
    /// - Throws: ``LocalizeInputError`` naming the weights file for any read or match problem.
    static func load(_ kind: ModelKind, weightsPath: String?, classCount: Int?,
                     largeFeatureMap: Bool) throws -> (model: any WSOLBackbone, weightsPath: String) {
        guard let path = weightsPath ?? (kind == .mobileNetV2 ? AssetCache.mobileNetV2Weights : nil) else {
            let hint = kind == .mobileNetV2 ? "run scripts/fetch-assets, or pass --weights" : "pass --weights FILE"
            throw LocalizeInputError(path: kind.rawValue, reason: "no weights for this model (\(hint))")
        }
        var file: SafeTensorsFile
        do {
            let lower = path.lowercased()
            file = lower.hasSuffix(".pth") || lower.hasSuffix(".pt") ? try TorchCheckpoint.read(path) : try SafeTensors.read(path)
        } catch {
            throw LocalizeInputError(path: path, reason: "cannot read weights (\(error))")
        }
        file = modelArrays(file)
        let probe = ModelZoo.build(kind, options: ModelOptions(largeFeatureMap: largeFeatureMap))
        let classes = classCount ?? inferredClassCount(file, prefixes: probe.pretrainedRules.classifierPrefixes) ?? 1000
        let model = classes == 1000 ? probe
            : ModelZoo.build(kind, options: ModelOptions(classCount: classes, largeFeatureMap: largeFeatureMap))
        do {
            try model.loadStateDict(file, strict: true)
        } catch {
            throw LocalizeInputError(path: path, reason: "weights do not fit \(kind.rawValue) with \(classes) classes (\(error))")
        }
        model.eval()
        return (model, path)
    }

    /// A `wsol train` checkpoint keeps the model's arrays under `model.` next to the optimizer's
    /// state: only those, renamed, so `--weights RUN/checkpoint-best.safetensors` loads. Other
    /// files are returned unchanged.
    static func modelArrays(_ file: SafeTensorsFile) -> SafeTensorsFile {
        let prefix = "model."
        guard file.names.contains(where: { $0.hasPrefix(prefix) }) else { return file }
        let arrays = file.names.filter { $0.hasPrefix(prefix) }.compactMap { name in
            file.arrays[name].map { (String(name.dropFirst(prefix.count)), $0) }
        }
        return SafeTensorsFile(arrays: arrays, metadata: file.metadata)
    }

    /// K from the first classifier weight found (`<prefix>weight`, else the last `<prefix>...weight`
    /// such as MobileNetV2's `classifier.1.weight`; shape `[K, ...]`).
    static func inferredClassCount(_ file: SafeTensorsFile, prefixes: [String]) -> Int? {
        for prefix in prefixes {
            if let weight = file.arrays[prefix + "weight"], let classes = weight.shape.first { return classes }
            let nested = file.names.last { $0.hasPrefix(prefix) && $0.hasSuffix(".weight") }
            if let nested, let classes = file.arrays[nested]?.shape.first { return classes }
        }
        return nil
    }

    /// Class names: one per line from `path`, else ImageNet's when K = 1000 and fetched, else `class_<i>`.
    static func classNames(path: String?, classCount: Int) throws -> [String] {
        let source = path ?? (classCount == 1000 ? AssetCache.imageNetClassNames : nil)
        guard let source else { return (0..<classCount).map { "class_\($0)" } }
        let text: String
        do {
            text = try String(contentsOfFile: source, encoding: .utf8)
        } catch {
            throw LocalizeInputError(path: source, reason: "cannot read class names (\(error.localizedDescription))")
        }
        let names = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }.filter { !$0.isEmpty }
        guard names.count == classCount else {
            throw LocalizeInputError(path: source, reason: "\(names.count) class names for \(classCount) classes")
        }
        return names
    }
}
