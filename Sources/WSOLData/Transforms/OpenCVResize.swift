//! Resizing with OpenCV's `cv2.resize` conventions, for masks (nearest) and score maps (bicubic):
//! the reference evaluation code resizes those with OpenCV, not PIL (methods.md §2.3, §2.5).

/// OpenCV's interpolation modes that WSOLKit reproduces.
public enum MapInterpolation: String, Sendable, CaseIterable {
    /// `INTER_NEAREST`: source index `floor(dst * in / out)`, no half-pixel offset.
    case nearest
    /// `INTER_LINEAR`: half-pixel centres, 2 taps, no antialiasing.
    case bilinear
    /// `INTER_CUBIC`: half-pixel centres, Keys kernel a = -0.75, 4 taps, border replicate.
    case bicubic
}

/// The source indices (already clamped to the border) and weights of one axis.
struct InterpolationTaps {
    var taps: Int
    var indices: [Int] = []
    var weights: [Float] = []

    /// OpenCV's `resize` set-up for `inSize -> outSize` samples, including its single-precision
    /// source coordinate `fx = Float((dst + 0.5) * in / out - 0.5)`.
    init(inSize: Int, outSize: Int, interpolation: MapInterpolation) {
        // OpenCV stores inv_scale = out / in and uses its reciprocal as the scale.
        let scale = 1.0 / (Double(outSize) / Double(inSize))
        taps = interpolation == .nearest ? 1 : (interpolation == .bilinear ? 2 : 4)
        for output in 0..<outSize {
            switch interpolation {
            case .nearest:
                indices.append(min(Int((Double(output) * scale).rounded(.down)), inSize - 1))
                weights.append(1)
            case .bilinear:
                var position = Float((Double(output) + 0.5) * scale - 0.5)
                var start = Int(position.rounded(.down))
                position -= Float(start)
                if start < 0 { position = 0; start = 0 }
                if start >= inSize - 1 { position = 0; start = inSize - 1 }
                indices += [start, min(start + 1, inSize - 1)]
                weights += [1 - position, position]
            case .bicubic:
                let position = Float((Double(output) + 0.5) * scale - 0.5)
                let start = Int(position.rounded(.down))
                let fraction = position - Float(start)
                indices += (-1...2).map { min(max(start + $0, 0), inSize - 1) }
                weights += Self.cubicWeights(fraction)
            }
        }
    }

    /// OpenCV's `interpolateCubic`: Keys with a = -0.75; the last weight makes the sum exactly 1.
    static func cubicWeights(_ x: Float) -> [Float] {
        let a: Float = -0.75
        let w0 = ((a * (x + 1) - 5 * a) * (x + 1) + 8 * a) * (x + 1) - 4 * a
        let w1 = ((a + 2) * x - (a + 3)) * x * x + 1
        let w2 = ((a + 2) * (1 - x) - (a + 3)) * (1 - x) * (1 - x) + 1
        return [w0, w1, w2, 1 - w0 - w1 - w2]
    }

    /// OpenCV's 8-bit fixed-point weights (`INTER_RESIZE_COEF_BITS` = 11).
    var fixedPointWeights: [Int32] {
        weights.map { Int32(($0 * 2048).rounded(.toNearestOrEven)) }
    }
}

extension PixelImage {
    /// This image resized like `cv2.resize(image, (width, height), interpolation=...)` on `uint8`
    /// data. Nearest and bilinear use OpenCV's 11-bit fixed-point weights and its rounding;
    /// bicubic runs in single precision as OpenCV 5 does. For masks use `.nearest` (exact).
    /// Checked against cv2 5.0 on a 37x23 image: nearest exact; bilinear exact except some
    /// samples of the first and last rows when upsampling (+1, cause not identified); bicubic
    /// exact except rare float ties (one sample in 16,000).
    public func resizedLikeOpenCV(width newWidth: Int, height newHeight: Int,
                                  interpolation: MapInterpolation) -> PixelImage {
        precondition(newWidth > 0 && newHeight > 0, "resizedLikeOpenCV: target size \(newWidth)x\(newHeight) must be positive")
        if interpolation == .bicubic { return resizedBicubicInFloat(width: newWidth, height: newHeight) }
        let columns = InterpolationTaps(inSize: width, outSize: newWidth, interpolation: interpolation)
        let rows = InterpolationTaps(inSize: height, outSize: newHeight, interpolation: interpolation)
        let columnWeights = columns.fixedPointWeights, rowWeights = rows.fixedPointWeights
        let channels = self.channels, rowLength = newWidth * channels
        // Horizontal pass over every source row, kept at full precision (Int32, scale 2^11).
        var horizontal = [Int32](repeating: 0, count: height * rowLength)
        for y in 0..<height {
            for x in 0..<newWidth {
                for c in 0..<channels {
                    var sum: Int32 = 0
                    for tap in 0..<columns.taps {
                        let source = columns.indices[x * columns.taps + tap]
                        sum += Int32(pixels[(y * width + source) * channels + c]) * columnWeights[x * columns.taps + tap]
                    }
                    horizontal[y * rowLength + x * channels + c] = sum
                }
            }
        }
        var output = PixelImage(width: newWidth, height: newHeight, channels: channels)
        for y in 0..<newHeight {
            let weights = Array(rowWeights[y * rows.taps..<(y + 1) * rows.taps])
            let sourceRows = rows.indices[y * rows.taps..<(y + 1) * rows.taps].map { $0 * rowLength }
            for index in 0..<rowLength {
                output.pixels[y * rowLength + index] = Self.openCVVerticalSample(
                    sourceRows.map { horizontal[$0 + index] }, weights: weights, interpolation: interpolation)
            }
        }
        return output
    }

    /// OpenCV's final 8-bit combination of horizontally filtered rows (values and weights both
    /// scaled by 2^11), reproducing its rounding per mode.
    static func openCVVerticalSample(_ values: [Int32], weights: [Int32], interpolation: MapInterpolation) -> UInt8 {
        switch interpolation {
        case .nearest:
            return UInt8(min(max((Int64(values[0]) * Int64(weights[0]) + (1 << 21)) >> 22, 0), 255))
        case .bilinear:
            // `VResizeLinear<uchar>`: ((b0 * (S0 >> 4)) >> 16) + ((b1 * (S1 >> 4)) >> 16), + 2, >> 2.
            let first = (weights[0] * (values[0] >> 4)) >> 16, second = (weights[1] * (values[1] >> 4)) >> 16
            return UInt8(truncatingIfNeeded: (first + second + 2) >> 2)
        case .bicubic:
            preconditionFailure("8-bit bicubic runs in floating point (resizedBicubicInFloat)")
        }
    }

    /// 8-bit bicubic in single precision: unrounded float weights, float sums per pass, the result
    /// rounded half to even and saturated. This is what matched cv2 5.0 (0-1 samples in 16,000
    /// differ by one level); the 11-bit fixed-point variant differed in ~4% of the samples.
    private func resizedBicubicInFloat(width newWidth: Int, height newHeight: Int) -> PixelImage {
        let columns = InterpolationTaps(inSize: width, outSize: newWidth, interpolation: .bicubic)
        let rows = InterpolationTaps(inSize: height, outSize: newHeight, interpolation: .bicubic)
        let rowLength = newWidth * channels
        var horizontal = [Float](repeating: 0, count: height * rowLength)
        for y in 0..<height {
            for x in 0..<newWidth {
                for c in 0..<channels {
                    var sum: Float = 0
                    for tap in 0..<4 {
                        let source = (y * width + columns.indices[x * 4 + tap]) * channels + c
                        sum += Float(pixels[source]) * columns.weights[x * 4 + tap]
                    }
                    horizontal[y * rowLength + x * channels + c] = sum
                }
            }
        }
        var output = PixelImage(width: newWidth, height: newHeight, channels: channels)
        for y in 0..<newHeight {
            for index in 0..<rowLength {
                var sum: Float = 0
                for tap in 0..<4 { sum += horizontal[rows.indices[y * 4 + tap] * rowLength + index] * rows.weights[y * 4 + tap] }
                output.pixels[y * rowLength + index] = UInt8(min(max(sum.rounded(.toNearestOrEven), 0), 255))
            }
        }
        return output
    }

}

/// Resizing of single-channel float maps (score maps, CAMs) like `cv2.resize` on `float32` data.
public enum MapResize {
    /// `values` is a row-major `height x width` map; returns the `newHeight x newWidth` map.
    /// Single-precision weights, horizontal then vertical (as OpenCV); bicubic may overshoot the
    /// input range, as in the reference (its min-max normalisation follows).
    public static func resize(_ values: [Float], width: Int, height: Int, toWidth newWidth: Int, toHeight newHeight: Int,
                              interpolation: MapInterpolation) -> [Float] {
        precondition(values.count == width * height, "MapResize: \(values.count) values for \(width)x\(height)")
        precondition(newWidth > 0 && newHeight > 0, "MapResize: target size \(newWidth)x\(newHeight) must be positive")
        let columns = InterpolationTaps(inSize: width, outSize: newWidth, interpolation: interpolation)
        let rows = InterpolationTaps(inSize: height, outSize: newHeight, interpolation: interpolation)
        var horizontal = [Float](repeating: 0, count: height * newWidth)
        for y in 0..<height {
            for x in 0..<newWidth {
                var sum: Float = 0
                for tap in 0..<columns.taps {
                    sum += values[y * width + columns.indices[x * columns.taps + tap]] * columns.weights[x * columns.taps + tap]
                }
                horizontal[y * newWidth + x] = sum
            }
        }
        var output = [Float](repeating: 0, count: newHeight * newWidth)
        for y in 0..<newHeight {
            for x in 0..<newWidth {
                var sum: Float = 0
                for tap in 0..<rows.taps {
                    sum += horizontal[rows.indices[y * rows.taps + tap] * newWidth + x] * rows.weights[y * rows.taps + tap]
                }
                output[y * newWidth + x] = sum
            }
        }
        return output
    }
}
