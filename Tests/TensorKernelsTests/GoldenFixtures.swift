//! Loads the PyTorch golden fixtures written by scripts/fixtures/kernels_golden.py.
import Foundation
import TensorKernels

/// One fixture case: an op, its geometry and named float32 tensors.
struct GoldenCase: Decodable, Sendable, CustomStringConvertible {
    enum Geometry: Sendable {
        case conv(Conv2dGeometry)
        case pool(Pool2dGeometry)
        case batchNorm(BatchNormGeometry)
    }
    let geometry: Geometry
    let tensors: [String: [Float]]

    var description: String { "\(geometry)" }

    /// The tensor called `name`; a missing name is a broken fixture file.
    func tensor(_ name: String) -> [Float] {
        guard let values = tensors[name] else { preconditionFailure("fixture has no tensor \(name)") }
        return values
    }

    private enum Keys: String, CodingKey { case op, geometry, tensors }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let op = try container.decode(String.self, forKey: .op)
        switch op {
        case "conv2d": geometry = .conv(try container.decode(ConvJSON.self, forKey: .geometry).geometry)
        case "pool2d": geometry = .pool(try container.decode(PoolJSON.self, forKey: .geometry).geometry)
        case "batchNorm": geometry = .batchNorm(try container.decode(BatchNormJSON.self, forKey: .geometry).geometry)
        default:
            throw DecodingError.dataCorruptedError(forKey: .op, in: container, debugDescription: "unknown op \(op)")
        }
        let ranges = try container.decode([String: [Int]].self, forKey: .tensors)
        let blob = GoldenFixtures.blob
        tensors = ranges.mapValues { range in Array(blob[range[0]..<(range[0] + range[1])]) }
    }
}

private struct ConvJSON: Decodable {
    let batch, inputChannels, inputHeight, inputWidth, outputChannels, kernelHeight, kernelWidth: Int
    let strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth, groups: Int
    var geometry: Conv2dGeometry {
        Conv2dGeometry(
            batch: batch, inputChannels: inputChannels, inputHeight: inputHeight, inputWidth: inputWidth,
            outputChannels: outputChannels, kernelHeight: kernelHeight, kernelWidth: kernelWidth,
            strideHeight: strideHeight, strideWidth: strideWidth, paddingHeight: paddingHeight,
            paddingWidth: paddingWidth, dilationHeight: dilationHeight, dilationWidth: dilationWidth,
            groups: groups)
    }
}

private struct PoolJSON: Decodable {
    let batch, channels, inputHeight, inputWidth, kernelHeight, kernelWidth: Int
    let strideHeight, strideWidth, paddingHeight, paddingWidth: Int
    let ceilMode: Bool
    let kind: String
    var geometry: Pool2dGeometry {
        let poolingKind: PoolingKind =
            switch kind {
            case "max": .max
            case "averageIncludingPadding": .averageIncludingPadding
            default: .averageExcludingPadding
            }
        return Pool2dGeometry(
            batch: batch, channels: channels, inputHeight: inputHeight, inputWidth: inputWidth,
            kernelHeight: kernelHeight, kernelWidth: kernelWidth, strideHeight: strideHeight,
            strideWidth: strideWidth, paddingHeight: paddingHeight, paddingWidth: paddingWidth,
            ceilMode: ceilMode, kind: poolingKind)
    }
}

private struct BatchNormJSON: Decodable {
    let batch, channels, spatial: Int
    let epsilon: Float
    var geometry: BatchNormGeometry {
        BatchNormGeometry(batch: batch, channels: channels, spatial: spatial, epsilon: epsilon)
    }
}

enum GoldenFixtures {
    static let directory = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    /// All float32 tensors, little-endian, concatenated.
    static let blob: [Float] = {
        let data = try! Data(contentsOf: directory.appendingPathComponent("kernels_golden.bin"))
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map {
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
            }
        }
    }()

    private struct Index: Decodable { let cases: [GoldenCase] }

    static let cases: [GoldenCase] = {
        let data = try! Data(contentsOf: directory.appendingPathComponent("kernels_golden.json"))
        return try! JSONDecoder().decode(Index.self, from: data).cases
    }()

    static var convolutions: [GoldenCase] { cases.filter { if case .conv = $0.geometry { true } else { false } } }
    static var poolings: [GoldenCase] { cases.filter { if case .pool = $0.geometry { true } else { false } } }
    static var batchNorms: [GoldenCase] { cases.filter { if case .batchNorm = $0.geometry { true } else { false } } }
}
