//! Golden per-layer outputs from PyTorch (scripts/fixtures/models_golden.py) and the formula that
//! fills every weight from its name on both sides, so no weights file is committed.
import Foundation
import Testing
import TensorCore
import TensorNN
@testable import WSOLModels

/// One architecture's record in Fixtures/models_golden.json.
struct GoldenCase: Decodable {
    struct LayerSummary: Decodable {
        var shape: [Int]
        var mean: Double
        var std: Double
        var maxAbs: Double
        var sampleIndices: [Int]
        var samples: [Double]
    }
    var model: String
    var inputSize: Int
    var classCount: Int
    var parameterNames: [String]
    var layers: [String: LayerSummary]
    var logits: [Double]
}

private struct GoldenFile: Decodable { var cases: [GoldenCase] }

enum Golden {
    static func load(_ model: String) throws -> GoldenCase {
        let path = try #require(Bundle.module.path(forResource: "models_golden", ofType: "json", inDirectory: "Fixtures"))
        let file = try JSONDecoder().decode(GoldenFile.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        return try #require(file.cases.first { $0.model == model }, "no golden case \(model)")
    }

    /// sum(byte · (k + 1)) mod 1000 / 1000 · 2π, as in the generator.
    static func phase(_ name: String) -> Double {
        var total = 0
        for (k, byte) in name.utf8.enumerated() { total += Int(byte) * (k + 1) }
        return Double(total % 1000) / 1000.0 * 2.0 * Double.pi
    }

    /// The generator's `formula_tensor`: running variance 1 + 0.5·s², means and biases 0.1·s,
    /// BN scales 1 + 0.2·s, weights s·2/√fanIn, with s = sin(0.37·i + phase(name)).
    static func values(name: String, shape: [Int]) -> [Float] {
        let count = shape.reduce(1, *)
        let phase = phase(name)
        let fanIn = Double(count / Swift.max(shape.first ?? 1, 1))
        // The kind is decided once per tensor: string tests per element are slow in debug builds.
        let transform: (Double) -> Double
        if name.hasSuffix("running_var") {
            transform = { 1.0 + 0.5 * $0 * $0 }
        } else if name.hasSuffix("running_mean") || name.hasSuffix("bias") {
            transform = { 0.1 * $0 }
        } else if shape.count == 1 {
            transform = { 1.0 + 0.2 * $0 }
        } else {
            let amplitude = 2.0 / fanIn.squareRoot()
            transform = { $0 * amplitude }
        }
        var result = [Float](repeating: 0, count: count)
        result.withUnsafeMutableBufferPointer { buffer in
            for index in 0..<count {
                buffer[index] = Float(transform(Foundation.sin(0.37 * Double(index) + phase)))
            }
        }
        return result
    }

    /// Fills every parameter and buffer (except `num_batches_tracked`) of `model` by the formula.
    static func fill(_ model: any Module) {
        for (name, parameter) in model.namedParameters() where !name.hasSuffix("num_batches_tracked") {
            parameter.value = Tensor(shape: parameter.value.shape, scalars: values(name: name, shape: parameter.value.shape))
        }
    }

    /// sin(0.11·i) over `[1, 3, size, size]`.
    static func input(size: Int) -> Tensor {
        let count = 3 * size * size
        return Tensor(shape: [1, 3, size, size], scalars: (0..<count).map { Float(Foundation.sin(0.11 * Double($0))) })
    }

    /// Runs `model` (evaluation mode, formula weights) and compares names, per-layer summaries and
    /// logits with PyTorch: every value within 1e-4 of the layer's largest magnitude.
    static func check(_ model: any FeatureMapClassifier, against name: String,
                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        let golden = try load(name)
        #expect(model.namedParameters().map(\.0) == golden.parameterNames,
                "\(name): state-dict names differ from torch", sourceLocation: sourceLocation)
        fill(model)
        model.eval()
        let output = withNoGrad { model.forward(input(size: golden.inputSize), capture: Set(golden.layers.keys)) }
        for (layer, expected) in golden.layers.sorted(by: { $0.key < $1.key }) {
            guard let actual = output.features[layer] else {
                Issue.record("\(name): layer \(layer) not captured", sourceLocation: sourceLocation)
                continue
            }
            compare(actual, expected, label: "\(name) \(layer)", sourceLocation: sourceLocation)
        }
        let logits = output.logits.scalars.map(Double.init)
        let scale = golden.logits.map(Swift.abs).max() ?? 1
        #expect(logits.count == golden.logits.count, sourceLocation: sourceLocation)
        for (index, (a, b)) in zip(logits, golden.logits).enumerated() {
            #expect(Swift.abs(a - b) <= 1e-4 * scale, "\(name) logit \(index): \(a) vs torch \(b)", sourceLocation: sourceLocation)
        }
    }

    private static func compare(_ actual: Tensor, _ expected: GoldenCase.LayerSummary, label: String,
                                sourceLocation: SourceLocation) {
        #expect(actual.shape == expected.shape, "\(label): shape \(actual.shape) vs torch \(expected.shape)",
                sourceLocation: sourceLocation)
        guard actual.shape == expected.shape else { return }
        let values = actual.scalars.map(Double.init)
        let tolerance = 1e-4 * expected.maxAbs
        let mean = values.reduce(0, +) / Double(values.count)
        let std = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot()
        #expect(Swift.abs(mean - expected.mean) <= tolerance, "\(label): mean \(mean) vs torch \(expected.mean)",
                sourceLocation: sourceLocation)
        #expect(Swift.abs(std - expected.std) <= tolerance, "\(label): std \(std) vs torch \(expected.std)",
                sourceLocation: sourceLocation)
        for (index, sample) in zip(expected.sampleIndices, expected.samples) {
            #expect(Swift.abs(values[index] - sample) <= tolerance,
                    "\(label)[\(index)]: \(values[index]) vs torch \(sample)", sourceLocation: sourceLocation)
        }
    }
}
