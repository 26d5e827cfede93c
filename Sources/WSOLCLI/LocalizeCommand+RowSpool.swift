//! The summary rows of `wsol localize` (boxes.json, predictions.csv, top5.csv) spooled to files
//! as images are done, so memory does not grow with the number of images (docs/reliability.md).
import Foundation
import TensorNN
import WSOLEvaluation

/// One rank's rows, in image order, in three hidden files of the output directory: box rows as
/// JSON lines, prediction and top-5 rows as CSV lines. ``merge(into:ranks:predictionsHeader:)``
/// (rank 0, after every rank finished) concatenates the ranks' spools in rank order into the
/// final files, written atomically, and removes the spools. Under mpirun the output directory is
/// shared by the ranks already (each writes its images' maps there).
final class LocalizeRowSpool {
    private let boxes: AtomicFileWriter
    private let predictions: AtomicFileWriter
    private let top5: AtomicFileWriter
    private let encoder = JSONEncoder()

    init(directory: String, rank: Int) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let paths = Self.paths(directory: directory, rank: rank)
        (boxes, predictions, top5) = (try AtomicFileWriter(path: paths.boxes), try AtomicFileWriter(path: paths.predictions),
                                      try AtomicFileWriter(path: paths.top5))
    }

    static func paths(directory: String, rank: Int) -> (boxes: String, predictions: String, top5: String) {
        let stem = (directory as NSString).appendingPathComponent(".localize-rows-\(rank)")
        return (stem + ".boxes.jsonl", stem + ".predictions.csv", stem + ".top5.csv")
    }

    func append(box: LocalizeRows.BoxRow) throws {
        try boxes.append(encoder.encode(box))
        try boxes.append(text: "\n")
    }

    func append(prediction: String, top5 row: String) throws {
        try predictions.append(text: prediction + "\n")
        try top5.append(text: row + "\n")
    }

    /// Publishes this rank's spool files (before the merge reads them).
    func close() throws {
        try boxes.commit(durable: false)
        try predictions.commit(durable: false)
        try top5.commit(durable: false)
    }

    /// Writes the three summary files from the spools of ranks `0..<ranks` and deletes the spools.
    static func merge(into directory: String, ranks: Int, predictionsHeader: String) throws {
        let spools = (0..<ranks).map { paths(directory: directory, rank: $0) }
        let path = { (name: String) in (directory as NSString).appendingPathComponent(name) }
        let boxes = try AtomicFileWriter(path: path("boxes.json"))
        try boxes.append(text: "[")
        var first = true
        let decoder = JSONDecoder()
        for spool in spools {
            try forEachLine(of: spool.boxes) { line in
                let row = try decoder.decode(LocalizeRows.BoxRow.self, from: Data(line))
                // One element of a pretty-printed array, exactly as JSONValue renders a whole array.
                let element = JSONValue.array([row.json]).rendered(pretty: true).dropFirst().dropLast(2)
                try boxes.append(text: (first ? "" : ",") + element)
                first = false
            }
        }
        try boxes.append(text: (first ? "" : "\n") + "]\n")
        try boxes.commit(durable: false)
        try concatenate(spools.map(\.predictions), header: predictionsHeader, into: path("predictions.csv"))
        try concatenate(spools.map(\.top5), header: nil, into: path("top5.csv"))
        for spool in spools { for file in [spool.boxes, spool.predictions, spool.top5] { unlink(file) } }
    }

    private static func concatenate(_ files: [String], header: String?, into path: String) throws {
        let writer = try AtomicFileWriter(path: path)
        if let header { try writer.append(text: header + "\n") }
        for file in files {
            try forEachLine(of: file) { line in
                try writer.append(line)
                try writer.append(text: "\n")
            }
        }
        try writer.commit(durable: false)
    }

    /// Calls `body` with each line (without its newline) of `path`, reading 1 MiB at a time.
    static func forEachLine(of path: String, _ body: ([UInt8]) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LocalizeInputError(path: path, reason: "a spool file of this run is missing (another rank failed?)")
        }
        defer { try? handle.close() }
        var pending: [UInt8] = []
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            pending.append(contentsOf: chunk)
            var start = 0
            while let end = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                try body(Array(pending[start..<end]))
                start = end + 1
            }
            pending.removeFirst(start)
        }
        if !pending.isEmpty { try body(pending) }
    }
}
