//! `wsol bench engine`: training-step and forward throughput of the backbones (issue 2's benchmark).
import ArgumentParser
import Foundation
import TensorCore
import TensorNN
import WSOLModels

/// Times forward + backward + SGD step and forward-only passes of each model on random input.
struct BenchEngineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Train-step and forward throughput of the backbones (build with -c release).",
        discussion: """
            Train: forward, cross-entropy, backward, SGD step (momentum 0.9, Nesterov, weight decay 1e-4), \
            batch 8 at 224 for ResNet50/VGG16 (and the other ImageNet backbones), 32 for MobileNetV2, 64 at \
            64x64 for the small net. Forward: evaluation mode, no gradient recording, --forward-batch images. \
            Each figure is the median of --repeats timed steps after one warm-up step.
            """)

    @Option(help: "Comma-separated models (\(ModelKind.allCases.map(\.rawValue).joined(separator: ", "))) or 'all'.")
    var models = "resnet50,vgg16,mobilenetv2,small"
    @Option(help: "Timed steps per measurement; the median is reported.")
    var repeats = 3
    @Option(help: "Batch size of the forward-only measurement.")
    var forwardBatch = 32
    @Option(help: "Override the training batch size of every model.")
    var trainBatch: Int?
    @Option(help: "Comma-separated modes: train, forward.")
    var modes = "train,forward"
    @Flag(help: "Print one JSON object per measurement (one per line).")
    var json = false
    @Option(name: .customLong("storage-cache-mib"),
            help: "Cap of TensorCore's cache of freed large buffers, in MiB (speed vs resident memory).")
    var storageCacheMiB: Int?

    func validate() throws {
        guard repeats > 0, forwardBatch > 0, (trainBatch ?? 1) > 0, (storageCacheMiB ?? 0) >= 0 else {
            throw ValidationError("--repeats, --forward-batch and --train-batch must be positive, --storage-cache-mib non-negative")
        }
        _ = try selectedKinds()
        guard Set(modes.split(separator: ",").map(String.init)).isSubset(of: ["train", "forward"]) else {
            throw ValidationError("--modes: expected 'train', 'forward' or both, got '\(modes)'")
        }
    }

    func run() throws {
        if let storageCacheMiB { TensorRuntime.storageCacheLimit = storageCacheMiB << 20 }
        let selectedModes = modes.split(separator: ",").map(String.init)
        for kind in try selectedKinds() {
            for mode in ["train", "forward"] where selectedModes.contains(mode) {
                let batch = mode == "train" ? (trainBatch ?? Self.defaultTrainBatch(kind)) : forwardBatch
                let measurement = EngineBenchmark(kind: kind, batch: batch, training: mode == "train", repeats: repeats).run()
                print(json ? measurement.jsonLine : measurement.textLine)
                fflush(nil)  // one line per measurement as it completes, also into a pipe or file
            }
        }
    }

    private func selectedKinds() throws -> [ModelKind] {
        if models == "all" { return ModelKind.allCases }
        do {
            return try models.split(separator: ",").map { try ModelKind(name: $0.trimmingCharacters(in: .whitespaces)) }
        } catch {
            throw ValidationError("--models: \(error)")
        }
    }

    static func defaultTrainBatch(_ kind: ModelKind) -> Int {
        switch kind {
        case .mobileNetV2: return 32
        case .smallResNet: return 64
        default: return 8
        }
    }
}

/// One measurement: build the model, warm up once, time `repeats` steps.
struct EngineBenchmark {
    let kind: ModelKind
    let batch: Int
    let training: Bool
    let repeats: Int

    struct Result {
        var kind: ModelKind, batch: Int, training: Bool, inputSize: Int
        /// Sorted step times in seconds.
        var seconds: [Double]
        var cpuSecondsPerStep: Double
        var gflopPerStep: Double
        var peakRSSBytes: Int

        var median: Double { seconds[seconds.count / 2] }
        var imagesPerSecond: Double { Double(batch) / median }
        var gflopsPerSecond: Double { gflopPerStep / median }
        var mode: String { training ? "train" : "forward" }
    }

    func run() -> Result {
        let size = kind.nativeInputSize
        let classes = kind == .smallResNet ? 10 : 1000
        let model = ModelZoo.build(kind, options: ModelOptions(classCount: classes, seed: 1))
        // Forward FLOPs from the geometry; a training step counts 3x (forward, backward-data,
        // backward-weights), the usual convention.
        let forwardGFLOP = model.forwardFLOPs(inputHeight: size, inputWidth: size) * Double(batch) / 1e9
        let input = Tensor.randomNormal(shape: [batch, 3, size, size], seed: 7)
        let labels = (0..<batch).map { $0 % classes }
        let step: () -> Void
        if training {
            model.train()
            let optimizer = SGD(groups: model.parameterGroups(learningRate: 0.01, weightDecay: 1e-4),
                                momentum: 0.9, nesterov: true)
            step = {
                let loss = crossEntropy(model(input), labels: labels)
                optimizer.step(loss.backward())
            }
        } else {
            model.eval()
            step = { _ = withNoGrad { model(input) }.scalars.count }
        }
        MemoryProbe.resetPeak()
        step()  // warm-up: primitive caches, first-touch allocations
        var seconds: [Double] = []
        let cpuStart = MemoryProbe.processCPUSeconds()
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            step()
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let cpuPerStep = (MemoryProbe.processCPUSeconds() - cpuStart) / Double(repeats)
        return Result(kind: kind, batch: batch, training: training, inputSize: size, seconds: seconds.sorted(),
                      cpuSecondsPerStep: cpuPerStep, gflopPerStep: forwardGFLOP * (training ? 3 : 1),
                      peakRSSBytes: MemoryProbe.peakResidentBytes())
    }
}

extension EngineBenchmark.Result {
    var jsonLine: String {
        let fields: [String] = [
            "\"benchmark\": \"engine\"", "\"model\": \"\(kind.rawValue)\"", "\"batch\": \(batch)", "\"mode\": \"\(mode)\"",
            "\"inputSize\": \(inputSize)", "\"repeats\": \(seconds.count)",
            "\"secondsPerStep\": \(format(median, 4))", "\"imagesPerSecond\": \(format(imagesPerSecond, 2))",
            "\"gflopPerStep\": \(format(gflopPerStep, 2))", "\"gflopsPerSecond\": \(format(gflopsPerSecond, 1))",
            "\"cpuSecondsPerStep\": \(format(cpuSecondsPerStep, 4))", "\"peakRSSBytes\": \(peakRSSBytes)",
            "\"secondsAll\": [\(seconds.map { format($0, 4) }.joined(separator: ", "))]",
        ]
        return "{" + fields.joined(separator: ", ") + "}"
    }

    var textLine: String {
        "\(kind.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(mode.padding(toLength: 7, withPad: " ", startingAt: 0)) "
            + "B\(batch) \(inputSize)px: \(format(median, 3)) s/step (median of \(seconds.count), min \(format(seconds.first!, 3))), "
            + "\(format(imagesPerSecond, 1)) img/s, \(format(gflopsPerSecond, 1)) GFLOP/s, "
            + "CPU \(format(cpuSecondsPerStep, 2)) s/step, peak RSS \(format(Double(peakRSSBytes) / 1_073_741_824, 2)) GiB"
    }

    private func format(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
}

/// Process memory and CPU figures from Linux `/proc` and `getrusage`.
enum MemoryProbe {
    /// Resets the kernel's peak-RSS mark (`VmHWM`) by writing 5 to `/proc/self/clear_refs`, so
    /// each measurement reports its own peak; silently does nothing where unsupported.
    static func resetPeak() {
        // glibc's malloc_trim hands freed heap back to the kernel; without it the memory of earlier
        // models stays resident and inflates later peaks. Looked up at run time (malloc.h does not import).
        if let symbol = dlsym(nil, "malloc_trim") {
            typealias MallocTrim = @convention(c) (Int) -> Int32
            _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        }
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    /// Peak resident set size: `VmHWM` of `/proc/self/status`, else `getrusage`'s `ru_maxrss` (KiB).
    static func peakResidentBytes() -> Int {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
           let kibibytes = Int(line.split(separator: " ").dropFirst().first ?? "") {
            return kibibytes * 1024
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    /// User + system CPU seconds of the whole process.
    static func processCPUSeconds() -> Double { BenchDataCommand.processCPUSeconds() }
}
