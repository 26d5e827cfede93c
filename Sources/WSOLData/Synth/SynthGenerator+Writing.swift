//! The file side of generation: output directory, parallel render-and-write, the JSON record.
import Dispatch
import Foundation

extension SynthGenerator {
    /// Checks or clears the output directory (see `write(to:threads:overwrite:progress:)`).
    func prepare(_ directory: String, overwrite: Bool) throws {
        let manager = FileManager.default
        let entries = (try? manager.contentsOfDirectory(atPath: directory)) ?? []
        if !entries.isEmpty {
            guard overwrite else {
                throw MetadataError(path: directory, reason: "output directory is not empty (allow overwriting, --overwrite in the CLI, to replace a previous SynthWSOL run)")
            }
            for owned in ["images", "masks", "parts", "metadata/\(Self.datasetName)", Self.recordFileName] {
                let target = (directory as NSString).appendingPathComponent(owned)
                if manager.fileExists(atPath: target) {
                    do { try manager.removeItem(atPath: target) } catch {
                        throw MetadataError(path: target, reason: "cannot remove previous output (\(error.localizedDescription))")
                    }
                }
            }
        }
        try MetadataFileWriter.makeDirectory(directory)
    }

    /// Renders `scenes` on `threads` workers (worker `w` takes images `w, w + threads, ...`) and
    /// writes each image and mask. Returns the boxes in scene order.
    func renderAndWrite(_ scenes: [SynthScene], root: String, threads: Int,
                        counter: ProgressCounter) throws -> [MetadataBox] {
        let folders = Set(scenes.flatMap { [imagePath($0), maskPath($0), partMaskPath($0)] }
            .map { (($0 as NSString).deletingLastPathComponent) })
        for folder in folders.sorted() {
            try MetadataFileWriter.makeDirectory((root as NSString).appendingPathComponent(folder))
        }
        guard !scenes.isEmpty else { return [] }
        let results = RenderResults(count: scenes.count)
        let workers = max(1, min(threads, scenes.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in stride(from: worker, to: scenes.count, by: workers) where !results.failed {
                do {
                    let scene = scenes[index]
                    let rendering = render(scene)
                    try writeImage(rendering.image, to: (root as NSString).appendingPathComponent(imagePath(scene)))
                    try ImageCodec.writePNG(rendering.mask, to: (root as NSString).appendingPathComponent(maskPath(scene)))
                    try ImageCodec.writePNG(rendering.partMask, to: (root as NSString).appendingPathComponent(partMaskPath(scene)))
                    results.store(rendering.box, at: index)
                    counter.advance()
                } catch {
                    results.fail(error)
                }
            }
        }
        return try results.boxes()
    }

    private func writeImage(_ image: PixelImage, to path: String) throws {
        switch config.imageFormat {
        case .png: try ImageCodec.writePNG(image, to: path)
        case .jpeg: try ImageCodec.writeJPEG(image, to: path, quality: config.jpegQuality)
        }
    }

    /// `synthwsol.json`: generator version, config (with seed) and catalogue (class names, shapes,
    /// part colours and patterns, own background families, family designs). Keys sorted, so the
    /// file is byte-identical for equal configs.
    func recordJSON() throws -> String {
        let record = SynthRecord(generator: "WSOLKit SynthWSOL", generatorVersion: Self.generatorVersion,
                                 config: config, catalog: catalog)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(record), as: UTF8.self) + "\n"
    }
}

/// The content of `synthwsol.json`.
public struct SynthRecord: Codable, Sendable, Equatable {
    public var generator: String
    public var generatorVersion: Int
    public var config: SynthConfig
    public var catalog: SynthCatalog

    /// Reads a `synthwsol.json` (to regenerate a data set from its record).
    public static func read(path: String) throws -> SynthRecord {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MetadataError(path: path, reason: "cannot read file")
        }
        do {
            return try JSONDecoder().decode(SynthRecord.self, from: data)
        } catch let error as DecodingError {
            throw MetadataError(path: path, reason: "not a SynthWSOL record: \(COCOFile.describe(error))")
        }
    }
}

/// Boxes written by the workers, and the first error; guarded by a lock.
private final class RenderResults: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [MetadataBox?]
    private var firstError: (any Error)?

    init(count: Int) { stored = Array(repeating: nil, count: count) }

    var failed: Bool { lock.withLock { firstError != nil } }

    func store(_ box: MetadataBox, at index: Int) { lock.withLock { stored[index] = box } }

    func fail(_ error: any Error) { lock.withLock { if firstError == nil { firstError = error } } }

    func boxes() throws -> [MetadataBox] {
        try lock.withLock {
            if let firstError { throw firstError }
            return stored.map { $0! }
        }
    }
}

/// Counts finished images across workers and reports the running total.
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private let report: (@Sendable (Int) -> Void)?

    init(_ report: (@Sendable (Int) -> Void)?) { self.report = report }

    func advance() {
        let total = lock.withLock {
            done += 1
            return done
        }
        report?(total)
    }
}
