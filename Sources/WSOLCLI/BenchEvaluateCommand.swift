//! `wsol bench evaluate`: the speed of the box protocol on synthetic maps held in memory.
import ArgumentParser
import Foundation
import TensorCore
import WSOLEvaluation
import WSOLLocalization

/// `wsol bench evaluate [--json]`: MaxBoxAccV2 at interval 0.001 over seeded synthetic maps
/// (default 5,794 of 224x224, the CUB test split's size). Times quantisation + accumulation on
/// all cores, not file reading; prints `numImages`, `seconds`, `imagesPerSecond`.
struct BenchEvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Time MaxBoxAccV2 (delta 0.001) on synthetic 224x224 maps (CUB test size by default)."
    )

    @Option(help: "Number of maps evaluated per repeat.") var images: Int = 5794
    @Option(help: "Side of the square maps.") var size: Int = 224
    @Option(help: "Threshold step.") var interval: Double = 0.001
    @Flag(help: "V1 (largest contour, IoU 50) instead of V2.") var v1 = false
    @Option(help: "Distinct synthetic maps generated (cycled over the images).") var distinctMaps: Int = 256
    @Option(help: "Timed repeats; the median is reported.") var repeats: Int = 3
    @Option(help: "Random seed.") var seed: UInt64 = 2026
    @Option(help: "Amplitude of the uniform noise added before normalisation (0 = smooth maps, few holes).")
    var noise: Double = 0.02
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard images > 0, size >= 8, distinctMaps > 0, repeats > 0 else {
            throw ValidationError("--images, --distinct-maps and --repeats must be positive, --size at least 8")
        }
        guard interval > 0 && interval <= 1 else { throw ValidationError("--interval must be in (0, 1]") }
    }

    func run() throws {
        let pool = SyntheticScoreMaps(count: distinctMaps, size: size, seed: seed, noise: noise)
        let configuration = v1 ? BoxAccuracyConfiguration.version1(interval: interval)
            : BoxAccuracyConfiguration(interval: interval)
        var timings: [Double] = []
        var score = 0.0
        for _ in 0..<repeats {
            let started = DispatchTime.now().uptimeNanoseconds
            let accumulator = try evaluate(pool: pool, configuration: configuration)
            timings.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
            let result = accumulator.result()
            score = v1 ? result.maxBoxAccuracy[0] : result.meanMaxBoxAccuracy
        }
        let seconds = timings.sorted()[timings.count / 2]
        let report: JSONValue = .object([
            ("numImages", .integer(images)), ("seconds", .number(seconds)),
            ("imagesPerSecond", .number(Double(images) / seconds)),
            ("metric", .string(v1 ? "MaxBoxAcc" : "MaxBoxAccV2")), ("value", .number(score)),
            ("interval", .number(interval)), ("size", .integer(size)), ("noise", .number(noise)),
            ("cores", .integer(ProcessInfo.processInfo.activeProcessorCount)), ("repeats", .integer(repeats)),
        ])
        if json {
            print(report.rendered())
        } else {
            print(EvaluationOutputs.textLines(report).joined(separator: "\n"))
        }
    }

    private func evaluate(pool: SyntheticScoreMaps, configuration: BoxAccuracyConfiguration) throws -> BoxAccuracyAccumulator {
        let chunks = try forEachChunk(count: images) { range in
            var accumulator = BoxAccuracyAccumulator(configuration: configuration)
            for index in range {
                let map = QuantizedScoreMap(pool.maps[index % pool.maps.count])
                accumulator.accumulate(map, groundTruth: [pool.boxes[index % pool.boxes.count]])
            }
            accumulator.releaseScratchMemory()
            return accumulator
        }
        var total = BoxAccuracyAccumulator(configuration: configuration)
        for chunk in chunks { total.merge(chunk) }
        return total
    }
}

/// Seeded score maps (1-3 Gaussian blobs plus uniform noise, min-max normalised) and a
/// ground-truth box per map near its main blob.
struct SyntheticScoreMaps: Sendable {
    var maps: [ScoreMap] = []
    var boxes: [Box] = []

    init(count: Int, size: Int, seed: UInt64, noise: Double) {
        var random = SplitMix64(seed: seed)
        func uniform() -> Double { random.unit() }
        let side = Double(size)
        for _ in 0..<count {
            var values = [Float](repeating: 0, count: size * size)
            let blobCount = 1 + Int(uniform() * 3)
            var mainBox = Box.zero
            for blob in 0..<blobCount {
                let cx = side * (0.2 + 0.6 * uniform()), cy = side * (0.2 + 0.6 * uniform())
                let sx = side * (0.05 + 0.15 * uniform()), sy = side * (0.05 + 0.15 * uniform())
                let weight = blob == 0 ? 1.0 : 0.3 + 0.6 * uniform()
                if blob == 0 {
                    mainBox = Box(x0: max(0, Int(cx - 2 * sx)), y0: max(0, Int(cy - 2 * sy)),
                                  x1: min(size - 1, Int(cx + 2 * sx)), y1: min(size - 1, Int(cy + 2 * sy)))
                }
                for y in 0..<size {
                    let dy = (Double(y) - cy) / sy
                    for x in 0..<size {
                        let dx = (Double(x) - cx) / sx
                        values[y * size + x] += Float(weight * exp(-0.5 * (dx * dx + dy * dy)))
                    }
                }
            }
            for index in values.indices { values[index] += Float(noise * uniform()) }
            maps.append(ScoreMap(width: size, height: size, values: values).minMaxNormalized())
            boxes.append(mainBox)
        }
    }
}
