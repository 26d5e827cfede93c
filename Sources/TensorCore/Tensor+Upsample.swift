//! Resizing of NCHW maps with OpenCV's `cv2.resize` conventions (nearest, bilinear, bicubic).
import Foundation
import TensorKernels

/// Interpolation of `upsample(_:height:width:method:)`, each as OpenCV's `cv2.resize`.
public enum UpsampleMethod: Sendable, Hashable {
    /// `INTER_NEAREST`: source index `floor(dst · in/out)`, no half-pixel offset (masks).
    case nearest
    /// `INTER_LINEAR`: half-pixel centres `src = (dst + 0.5) · in/out − 0.5`; a source position
    /// below 0 snaps to 0 and one past the last pixel to the last pixel.
    case bilinear
    /// `INTER_CUBIC`: half-pixel centres, Keys kernel with `a = −0.75`, taps outside the map
    /// clamped to the border (replicate). Used for score maps (methods.md §2.5).
    case bicubic
}

/// Resizes `[N, C, H, W]` to `[N, C, height, width]` like `cv2.resize(map, (width, height),
/// interpolation:)` applied per plane. Also valid for shrinking, but with OpenCV's
/// non-antialiased formulas (no `INTER_AREA`). Differentiable in `x`.
///
/// ```swift
/// let map = upsample(cam, height: 224, width: 224, method: .bicubic)   // [N, 1, 224, 224]
/// ```
public func upsample(_ x: Tensor, height: Int, width: Int, method: UpsampleMethod) -> Tensor {
    precondition(x.rank == 4 && height > 0 && width > 0 && x.shape[2] > 0 && x.shape[3] > 0,
                 "upsample: input \(x.shape) must be a non-empty [N, C, H, W], size \(height)x\(width) positive")
    let rows = ResizeTaps(method: method, input: x.shape[2], output: height)
    let columns = ResizeTaps(method: method, input: x.shape[3], output: width)
    return Tensor.makeResult(shape: [x.shape[0], x.shape[1], height, width],
                             recording: .resize(x, rows: rows, columns: columns)) { out in
        resizePlanes(x.basePointer, planes: x.shape[0] * x.shape[1], rows: rows, columns: columns,
                     into: out.baseAddress!)
    }
}

/// The source taps of each output position along one axis: output `o` is
/// `Σ_t weights[o·taps + t] · input[indices[o·taps + t]]`.
struct ResizeTaps: Sendable {
    var input: Int
    var output: Int
    var taps: Int
    var indices: [Int]
    var weights: [Float]

    init(method: UpsampleMethod, input: Int, output: Int) {
        self.input = input
        self.output = output
        // OpenCV computes the scale as 1 / (out / in) in double precision.
        let scale = 1.0 / (Double(output) / Double(input))
        switch method {
        case .nearest:
            taps = 1
            indices = (0..<output).map { Swift.min(Int((Double($0) * scale).rounded(.down)), input - 1) }
            weights = [Float](repeating: 1, count: output)
        case .bilinear:
            taps = 2
            (indices, weights) = Self.bilinear(input: input, output: output, scale: scale)
        case .bicubic:
            taps = 4
            (indices, weights) = Self.bicubic(input: input, output: output, scale: scale)
        }
    }

    private static func bilinear(input: Int, output: Int, scale: Double) -> ([Int], [Float]) {
        var indices: [Int] = [], weights: [Float] = []
        for o in 0..<output {
            let position = (Double(o) + 0.5) * scale - 0.5
            var base = Int(position.rounded(.down))
            var fraction = Float(position - Double(base))
            if base < 0 { base = 0; fraction = 0 }
            if base >= input - 1 { base = input - 1; fraction = 0 }
            indices += [base, Swift.min(base + 1, input - 1)]
            weights += [1 - fraction, fraction]
        }
        return (indices, weights)
    }

    private static func bicubic(input: Int, output: Int, scale: Double) -> ([Int], [Float]) {
        var indices: [Int] = [], weights: [Float] = []
        for o in 0..<output {
            let position = (Double(o) + 0.5) * scale - 0.5
            let base = Int(position.rounded(.down))
            let t = Float(position - Double(base))
            indices += (-1...2).map { Swift.min(Swift.max(base + $0, 0), input - 1) }
            weights += keysWeights(t)
        }
        return (indices, weights)
    }

    /// Keys cubic convolution weights (a = −0.75) of the taps at offsets −1, 0, 1, 2 for a
    /// fractional position `t` in [0, 1); they sum to 1.
    static func keysWeights(_ t: Float) -> [Float] {
        let a: Float = -0.75
        let w0 = ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a
        let w1 = ((a + 2) * t - (a + 3)) * t * t + 1
        let w2 = ((a + 2) * (1 - t) - (a + 3)) * (1 - t) * (1 - t) + 1
        return [w0, w1, w2, 1 - w0 - w1 - w2]
    }
}

/// Separable resize of `planes` planes: columns first into a `[H, outW]` buffer, then rows.
/// Planes are split over the cores (Score-CAM upsamples thousands of channel maps at once).
func resizePlanes(_ source: UnsafePointer<Float>, planes: Int, rows: ResizeTaps, columns: ResizeTaps,
                  into destination: UnsafeMutablePointer<Float>) {
    let (height, width) = (rows.input, columns.input)
    let (outHeight, outWidth) = (rows.output, columns.output)
    let input = SendablePointer(source), output = SendableMutablePointer(destination)
    let grain = Swift.max(1, parallelGrain / Swift.max(outHeight * outWidth, 1))
    parallelChunks(count: planes, minimumChunk: grain) { chunk in
        let temporary = UnsafeMutablePointer<Float>.allocate(capacity: height * outWidth)
        defer { temporary.deallocate() }
        for plane in chunk {
            resizeRows(input.base + plane * height * width, rows: height, width: width, columns: columns,
                       into: temporary)
            let target = output.base + plane * outHeight * outWidth
            for y in 0..<outHeight {
                let row = target + y * outWidth
                row.update(repeating: 0, count: outWidth)
                for t in 0..<rows.taps {
                    let weight = rows.weights[y * rows.taps + t]
                    let source = temporary + rows.indices[y * rows.taps + t] * outWidth
                    for x in 0..<outWidth { row[x] += weight * source[x] }
                }
            }
        }
    }
}

/// The horizontal pass: each of `rows` input rows of `width` resampled to `columns.output`.
private func resizeRows(_ input: UnsafePointer<Float>, rows: Int, width: Int, columns: ResizeTaps,
                        into output: UnsafeMutablePointer<Float>) {
    let outWidth = columns.output, taps = columns.taps
    columns.indices.withUnsafeBufferPointer { indices in
        columns.weights.withUnsafeBufferPointer { weights in
            for y in 0..<rows {
                let row = input + y * width, target = output + y * outWidth
                for x in 0..<outWidth {
                    var value: Float = 0
                    for t in 0..<taps { value += weights[x * taps + t] * row[indices[x * taps + t]] }
                    target[x] = value
                }
            }
        }
    }
}

/// Backward of `resizePlanes`: the transpose of the two passes (rows, then columns), scattering.
func resizeBackward(gradient: Tensor, inputShape: [Int], rows: ResizeTaps, columns: ResizeTaps) -> Tensor {
    let (height, width) = (rows.input, columns.input)
    let (outHeight, outWidth) = (rows.output, columns.output)
    let upstream = gradient.basePointer
    return Tensor.makeConstant(shape: inputShape) { out in
        out.initialize(repeating: 0)
        let temporary = UnsafeMutablePointer<Float>.allocate(capacity: height * outWidth)
        defer { temporary.deallocate() }
        for plane in 0..<(inputShape[0] * inputShape[1]) {
            let source = upstream + plane * outHeight * outWidth, target = out.baseAddress! + plane * height * width
            temporary.update(repeating: 0, count: height * outWidth)
            for y in 0..<outHeight {
                for t in 0..<rows.taps {
                    let weight = rows.weights[y * rows.taps + t], row = temporary + rows.indices[y * rows.taps + t] * outWidth
                    for x in 0..<outWidth { row[x] += weight * source[y * outWidth + x] }
                }
            }
            for y in 0..<height {
                for x in 0..<outWidth {
                    let value = temporary[y * outWidth + x]
                    for t in 0..<columns.taps {
                        target[y * width + columns.indices[x * columns.taps + t]] += columns.weights[x * columns.taps + t] * value
                    }
                }
            }
        }
    }
}
