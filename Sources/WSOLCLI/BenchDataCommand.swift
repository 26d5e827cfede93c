//! `wsol bench data`: throughput of the image loader (JPEG decode + resize + augment + normalise).
import ArgumentParser
import Foundation
import WSOLData

/// Generates photo-like JPEGs in a temporary directory and times the loader over them.
struct BenchDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Images/s of the data loader on CUB-sized synthetic JPEGs (build with -c release).")

    @Option(help: "Number of images per epoch (synthetic JPEGs, or the first files found with --from).")
    var images = 256
    @Option(help: "Time real images instead: JPEG/PNG files found recursively under this directory.")
    var from: String?
    @Option(help: "Width of the synthetic photos (CUB photos are about 500x375).")
    var width = 500
    @Option(help: "Height of the synthetic photos.")
    var height = 375
    @Option(help: "Timed epochs; the median is reported.")
    var repeats = 5
    @Option(help: "Loader worker threads.")
    var workers = 2
    @Option(help: "Images per batch.")
    var batchSize = 32
    @Option(help: "Pipeline: train (Resize 256 -> RandomCrop 224 -> flip) or eval (Resize 224).")
    var pipeline: BenchPipeline = .train
    @Flag(help: "Decode JPEGs at 1/2, 1/4 or 1/8 scale when still >= the resize target (faster; pixels differ from PIL).")
    var scaledDecode = false
    @Flag(help: "Also time each stage (decode, resize, augment, normalise) on one thread, in CPU time.")
    var stages = false
    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    /// Mean size of the timed files (reported: decode cost grows with it).
    private var meanFileKilobytes: Double = 0
    /// Number of timed files.
    private var imageCount = 0

    enum BenchPipeline: String, ExpressibleByArgument, CaseIterable { case train, eval }

    func validate() throws {
        guard images > 0, width >= 16, height >= 16, repeats > 0, workers > 0, batchSize > 0 else {
            throw ValidationError("--images, --repeats, --workers, --batch-size must be positive; sizes >= 16")
        }
    }

    mutating func run() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wsol-bench-data-\(UUID().uuidString)").path
        let items: [LoaderItem]
        if let from {
            items = try Self.findImages(under: from, limit: images)
        } else {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            items = try writeSyntheticPhotos(to: directory)
        }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let totalBytes = items.reduce(0) { total, item in
            total + ((try? FileManager.default.attributesOfItem(atPath: item.path)[.size] as? Int) ?? 0)
        }
        meanFileKilobytes = Double(totalBytes) / Double(items.count) / 1024
        imageCount = items.count
        let transform: TransformPipeline = pipeline == .train ? .wsolTrain() : .wsolEval()
        let resizeTarget = pipeline == .train ? 256 : 224
        let options = LoaderOptions(batchSize: batchSize, shuffle: true, seed: 1, workerCount: workers,
                                    jpeg: JPEGDecodeOptions(
                                        scaleDownToAtLeast: scaledDecode ? (resizeTarget, resizeTarget) : nil))
        let loader = try ImageLoader(items: items, pipeline: transform, options: options)
        var rates: [Double] = [], cpuPerImage: [Double] = []
        for epoch in 0...repeats {  // epoch 0 warms caches and is not counted
            let start = DispatchTime.now().uptimeNanoseconds, cpuStart = Self.processCPUSeconds()
            let batches = loader.epoch(epoch)
            var count = 0
            while let batch = try batches.next() { count += batch.count }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if epoch > 0 {
                rates.append(Double(count) / seconds)
                cpuPerImage.append((Self.processCPUSeconds() - cpuStart) / Double(count))
            }
        }
        let cpuMilliseconds = cpuPerImage.sorted()[cpuPerImage.count / 2] * 1000
        report(rates.sorted(), cpuMilliseconds: cpuMilliseconds)
        if stages { try printStageTimes(items: items, resizeTarget: resizeTarget) }
    }

    /// User + system CPU seconds of this process (all threads): a load-independent cost measure
    /// on a shared machine, where wall-clock rates depend on what else runs.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// CPU seconds of the calling thread.
    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    private func printStageTimes(items: [LoaderItem], resizeTarget: Int) throws {
        var totals = [Double](repeating: 0, count: 4)
        let sample = items.prefix(64)
        let jpeg = JPEGDecodeOptions(scaleDownToAtLeast: scaledDecode ? (resizeTarget, resizeTarget) : nil)
        for (index, item) in sample.enumerated() {
            var random = SeededRandom(seed: UInt64(index))
            var mark = Self.threadCPUSeconds()
            func lap(_ stage: Int) { let now = Self.threadCPUSeconds(); totals[stage] += now - mark; mark = now }
            let decoded = try ImageCodec.read(item.path, jpeg: jpeg)
            lap(0)
            let resized = decoded.resized(width: resizeTarget, height: resizeTarget)
            lap(1)
            let augmented = pipeline == .train
                ? TransformPipeline(steps: [.randomCrop(width: 224, height: 224), .horizontalFlip()])
                    .apply(AnnotatedImage(image: resized), random: &random).image
                : resized
            lap(2)
            _ = Normalization.imageNet(augmented)
            lap(3)
        }
        let names = ["decode", "resize", "crop+flip", "normalise"]
        let text = zip(names, totals).map { "\($0) \(String(format: "%.2f", $1 * 1000 / Double(sample.count))) ms" }
        print("  per-image CPU time by stage (one thread): " + text.joined(separator: ", "))
    }

    private func report(_ sortedRates: [Double], cpuMilliseconds: Double) {
        let median = sortedRates[sortedRates.count / 2]
        let source = from ?? "synthetic \(width)x\(height) JPEGs"
        func format(_ value: Double, _ decimals: Int = 1) -> String { String(format: "%.\(decimals)f", value) }
        if json {
            let fields = [
                "\"benchmark\": \"data\"", "\"pipeline\": \"\(pipeline.rawValue)\"",
                "\"source\": \(Self.jsonString(source))", "\"images\": \(imageCount)",
                "\"mean_file_kib\": \(format(meanFileKilobytes))", "\"workers\": \(workers)",
                "\"batch_size\": \(batchSize)", "\"scaled_decode\": \(scaledDecode)",
                "\"images_per_second_median\": \(format(median))",
                "\"images_per_second_all\": [\(sortedRates.map { format($0) }.joined(separator: ", "))]",
                "\"cpu_ms_per_image\": \(format(cpuMilliseconds, 2))",
            ]
            print("{" + fields.joined(separator: ", ") + "}")
        } else {
            print("""
                data loader, \(pipeline.rawValue) pipeline, \(imageCount) images (\(source), mean \
                \(format(meanFileKilobytes, 0)) KiB), \(workers) workers, batch \(batchSize)\
                \(scaledDecode ? ", scaled decode" : ""):
                  \(format(median)) images/s (median of \(sortedRates.count); min \(format(sortedRates.first!)), \
                max \(format(sortedRates.last!)))
                  \(format(cpuMilliseconds, 2)) ms CPU per image (all threads): at most \
                \(format(Double(workers) * 1000 / cpuMilliseconds, 0)) images/s on \(workers) idle cores
                """)
        }
    }

    /// `text` as a JSON string literal.
    static func jsonString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Up to `limit` JPEG/PNG files under `root`, in sorted path order.
    static func findImages(under root: String, limit: Int) throws -> [LoaderItem] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue,
              let enumerator = FileManager.default.enumerator(atPath: root) else {
            throw ValidationError("--from \(root): not a readable directory")
        }
        let extensions: Set<String> = ["jpg", "jpeg", "png"]
        let relative = enumerator.compactMap { $0 as? String }
            .filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }
            .sorted().prefix(limit)
        guard !relative.isEmpty else { throw ValidationError("--from \(root): no .jpg, .jpeg or .png files found") }
        return relative.enumerated().map { LoaderItem(imageID: $0.element, path: root + "/" + $0.element, label: $0.offset % 10) }
    }

    /// Photo-like JPEGs (quality 90): smooth colour fields, a few shapes and fine noise, so that
    /// the entropy decoder does realistic work (flat images would flatter it).
    private func writeSyntheticPhotos(to directory: String) throws -> [LoaderItem] {
        let paths = (0..<images).map { "\(directory)/photo\($0).jpg" }
        let failures = FailureList()
        let photoWidth = width, photoHeight = height
        DispatchQueue.concurrentPerform(iterations: images) { index in
            do {
                try ImageCodec.writeJPEG(Self.syntheticPhoto(width: photoWidth, height: photoHeight, seed: UInt64(index)),
                                         to: paths[index], quality: 90)
            } catch {
                failures.add("\(error)")
            }
        }
        if let first = failures.first { throw ValidationError("cannot write benchmark images: \(first)") }
        return paths.enumerated().map { LoaderItem(imageID: "photo\($0.offset).jpg", path: $0.element, label: $0.offset % 10) }
    }

    static func syntheticPhoto(width: Int, height: Int, seed: UInt64) -> PixelImage {
        var random = SeededRandom(seed: seed)
        var image = PixelImage(width: width, height: height, channels: 3)
        let frequencies = (0..<6).map { _ in random.uniform(0.01, 0.15) }
        let phases = (0..<3).map { _ in random.uniform(0, 6.28) }
        let (centreX, centreY, radius) = (random.uniform(0, Double(width)), random.uniform(0, Double(height)),
                                          random.uniform(30, Double(min(width, height)) / 2))
        for y in 0..<height {
            for x in 0..<width {
                let dx = Double(x) - centreX, dy = Double(y) - centreY
                let inside = dx * dx + dy * dy < radius * radius
                for c in 0..<3 {
                    var value = 128 + 70 * sin(Double(x) * frequencies[c] + phases[c]) * cos(Double(y) * frequencies[c + 3])
                    if inside { value = 255 - value * 0.6 }
                    value += Double(Int(random.next() >> 58)) - 32  // noise in -32 ... 31: texture detail
                    image.pixels[(y * width + x) * 3 + c] = UInt8(min(max(value, 0), 255))
                }
            }
        }
        return image
    }
}

/// Errors collected from concurrent work.
private final class FailureList: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []
    func add(_ message: String) { lock.withLock { messages.append(message) } }
    var first: String? { lock.withLock { messages.first } }
}
