//! `wsol bench localize`: localization maps per second per model and method.
import ArgumentParser
import Foundation
import TensorCore
import WSOLEvaluation
import WSOLLocalization
import WSOLModels

/// Times `Localizer.localize` (forward pass, the method, bicubic upsampling to the input size and
/// min-max: everything `wsol localize` computes per batch, without file I/O) on random images with
/// randomly initialised weights (speed does not depend on the weights). One JSON object per
/// (model, method) with `--json`: `model`, `method`, `batch`, `inputSize`, `seconds` (median per
/// batch), `imagesPerSecond`, `cpuSecondsPerImage` (user + system CPU of all threads: the
/// load-independent cost on a shared machine), `peakRSSBytes` (the peak resident set of that
/// configuration, reset before it through `/proc/self/clear_refs` where the kernel allows).
struct BenchLocalizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "localize",
        abstract: "Maps per second of each localization method (forward + map + upsample + normalise)."
    )

    @Option(help: "Models, comma-separated.") var models: String = "mobilenetv2,resnet50-cam"
    @Option(help: "Methods, comma-separated (\(LocalizationMethods.names.joined(separator: ", "))).")
    var methods: String = "cam,gradcam,gradcam++,dgl"
    @Option(help: "Images per batch.") var batch: Int = 32
    @Option(help: "Input side.") var inputSize: Int = 224
    @Option(help: "Timed repeats after one warm-up batch; the median is reported.") var repeats: Int = 3
    @Flag(help: "wsolevaluation's large_feature_map for the CAM variants.") var largeFeatureMap = false
    @Flag(help: "Print one JSON object per line.") var json = false

    func validate() throws {
        guard batch > 0, inputSize >= 32, repeats > 0 else {
            throw ValidationError("--batch and --repeats must be positive, --input-size at least 32")
        }
        for name in list(models) { _ = try ModelKind(name: name) }
        for name in list(methods) { _ = try LocalizationMethods.named(name) }
    }

    private func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func run() throws {
        let images = Tensor.randomNormal(shape: [batch, 3, inputSize, inputSize], seed: 2026)
        for modelName in list(models) {
            let kind = try ModelKind(name: modelName)
            let model = ModelZoo.build(kind, options: ModelOptions(largeFeatureMap: largeFeatureMap, seed: 1))
            model.eval()
            let forward = try measureForward(model: model, kind: kind, images: images)
            print(json ? forward.rendered() : EvaluationOutputs.textLines(forward).joined(separator: "\n") + "\n")
            for methodName in list(methods) {
                let report = try measure(model: model, kind: kind, method: try LocalizationMethods.named(methodName), images: images)
                print(json ? report.rendered() : EvaluationOutputs.textLines(report).joined(separator: "\n") + "\n")
            }
        }
    }

    /// The forward pass alone (no-grad logits), the engine's share of every method's time.
    private func measureForward(model: any FeatureMapClassifier, kind: ModelKind, images: Tensor) throws -> JSONValue {
        MemoryProbe.resetPeak()
        let timing = medianSeconds { _ = withNoGrad { model(images) } }
        return report(kind: kind, method: "forward-only", timing: timing)
    }

    /// Median wall and process-CPU seconds of `repeats` runs of `body` after one warm-up run
    /// (primitive caches). CPU time (all threads) is the load-independent figure on a shared machine.
    private func medianSeconds(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
        var walls: [Double] = [], cpus: [Double] = []
        for repeatIndex in 0...repeats {
            let (started, cpuStarted) = (DispatchTime.now().uptimeNanoseconds, MemoryProbe.processCPUSeconds())
            try body()
            guard repeatIndex > 0 else { continue }
            walls.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
            cpus.append(MemoryProbe.processCPUSeconds() - cpuStarted)
        }
        return (walls.sorted()[walls.count / 2], cpus.sorted()[cpus.count / 2])
    }

    private func report(kind: ModelKind, method: String, timing: (wall: Double, cpu: Double)) -> JSONValue {
        let seconds = timing.wall
        return .object([
            ("model", .string(kind.rawValue)), ("method", .string(method)), ("batch", .integer(batch)),
            ("inputSize", .integer(inputSize)), ("seconds", .number(seconds)),
            ("imagesPerSecond", .number(Double(batch) / seconds)),
            ("cpuSecondsPerImage", .number(timing.cpu / Double(batch))),
            ("peakRSSBytes", .integer(MemoryProbe.peakResidentBytes())),
            ("cores", .integer(ProcessInfo.processInfo.activeProcessorCount)), ("repeats", .integer(repeats)),
        ])
    }

    private func measure(model: any FeatureMapClassifier, kind: ModelKind, method: any LocalizationMethod,
                         images: Tensor) throws -> JSONValue {
        MemoryProbe.resetPeak()
        let localizer = Localizer(method: method)
        let timing = try medianSeconds { _ = try localizer.localize(model: model, images: images, target: .topPredicted) }
        return report(kind: kind, method: method.name, timing: timing)
    }
}
