//! Loads the reference-parity fixture written by scripts/fixtures/eval_parity.py.
import Foundation
import WSOLData
import WSOLEvaluation
import WSOLLocalization

/// The fixture's `expected.json`, as written by the generator (floats as `repr` strings).
struct ParityExpectation: Decodable {
    struct MapRecord: Decodable {
        var file: String
        var mask: String
        var kind: String
        var width: Int
        var height: Int
        var dtype: String
        var groundTruth: [[Int]]
    }
    struct Candidates: Decodable {
        var map: Int
        var threshold: Double
        var v1: [[Int]]
        var v2: [[Int]]
    }
    struct BoxNumbers: Decodable {
        var numCorrect: [String: [Int]]
        var maxBoxAcc: [String: String]
        var mean: String
    }
    struct MaskNumbers: Decodable {
        var positiveHistogram: [Int]
        var negativeHistogram: [Int]
        var PxAP: String
    }
    var maps: [MapRecord]
    var candidates: [Candidates]
    var box: [String: [String: BoxNumbers]]
    var mask: [String: MaskNumbers]
}

/// One fixture map, decoded with the library's `.npy` reader.
struct ParityMap {
    var record: ParityExpectation.MapRecord
    var array: NumpyArray
    var quantized: QuantizedScoreMap
    var mask: GroundTruthMask
    var groundTruth: [Box]
}

enum ParityFixture {
    static var directory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/parity")
    }

    static func load() throws -> (ParityExpectation, [ParityMap]) {
        let data = try Data(contentsOf: directory.appendingPathComponent("expected.json"))
        let expected = try JSONDecoder().decode(ParityExpectation.self, from: data)
        let maps = try expected.maps.map { record -> ParityMap in
            let array = try NumpyFile.read(directory.appendingPathComponent(record.file).path)
            let maskBytes = try Data(contentsOf: directory.appendingPathComponent(record.mask))
            let quantized = QuantizedScoreMap(width: record.width, height: record.height,
                                              doubleValues: array.doubleValues)
            let boxes = record.groundTruth.map { Box(x0: $0[0], y0: $0[1], x1: $0[2], y1: $0[3]) }
            let mask = GroundTruthMask(width: record.width, height: record.height, labels: [UInt8](maskBytes))
            return ParityMap(record: record, array: array, quantized: quantized, mask: mask, groundTruth: boxes)
        }
        return (expected, maps)
    }

    /// Parses a `repr()` float exactly (Swift's Double(String) is correctly rounded).
    static func double(_ text: String) -> Double {
        guard let value = Double(text) else { fatalError("fixture float '\(text)' does not parse") }
        return value
    }
}
