//! Antialiased resampling as PIL's `Image.resize` does it (`ImagingResample`), which is what
//! torchvision's `Resize` does to PIL images and so what the wsolevaluation input pipeline sees.

/// The resampling filters of PIL's `Image.resize` that WSOLKit reproduces.
public enum ImageResampling: String, Sendable, CaseIterable {
    /// Triangle filter, support 1 (PIL `BILINEAR`, torchvision's default).
    case bilinear
    /// Keys cubic with a = -0.5, support 2 (PIL `BICUBIC`).
    case bicubic

    var support: Double { self == .bilinear ? 1 : 2 }

    func weight(_ distance: Double) -> Double {
        let x = abs(distance)
        switch self {
        case .bilinear:
            return x < 1 ? 1 - x : 0
        case .bicubic:
            let a = -0.5
            if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
            if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
            return 0
        }
    }
}

/// Fixed-point taps of one axis: output `i` reads `count[i]` source samples from `first[i]` on,
/// weighted by `weights[i * taps ..< i * taps + count[i]]` (scaled by 2^22).
struct ResampleTaps {
    static let precisionBits = 22  // PIL: 32 - 8 - 2
    var first: [Int] = []
    var count: [Int] = []
    var weights: [Int32] = []
    var taps = 0

    /// PIL's `precompute_coeffs` + `normalize_coeffs_8bpc` for `inSize -> outSize` samples.
    /// Output sample centre `(i + 0.5) * scale` in input pixels; when downsampling the filter is
    /// stretched by the scale (the antialiasing), and each output's weights are normalised to sum 1.
    init(inSize: Int, outSize: Int, filter: ImageResampling) {
        let scale = Double(inSize) / Double(outSize)
        let filterScale = max(scale, 1)
        let support = filter.support * filterScale
        taps = Int(support.rounded(.up)) * 2 + 1
        weights = [Int32](repeating: 0, count: outSize * taps)
        for output in 0..<outSize {
            let centre = (Double(output) + 0.5) * scale
            // C's (int) truncation of the rounded bounds, as PIL.
            let low = max(Int(centre - support + 0.5), 0)
            let high = min(Int(centre + support + 0.5), inSize)
            var raw = [Double](repeating: 0, count: high - low)
            for tap in raw.indices {
                raw[tap] = filter.weight((Double(tap + low) - centre + 0.5) / filterScale)
            }
            let total = raw.reduce(0, +)
            for tap in raw.indices {
                let normalised = total != 0 ? raw[tap] / total : raw[tap]
                let scaled = normalised * Double(1 << Self.precisionBits)
                weights[output * taps + tap] = Int32(scaled < 0 ? scaled - 0.5 : scaled + 0.5)
            }
            first.append(low)
            count.append(high - low)
        }
    }

    /// PIL's `clip8`: drop the fixed-point fraction and saturate.
    @inline(__always) static func clip8(_ value: Int32) -> UInt8 {
        if value >= Int32(1) << (precisionBits + 8) { return 255 }
        if value <= 0 { return 0 }
        return UInt8(truncatingIfNeeded: value >> Int32(precisionBits))
    }
}

extension PixelImage {
    /// This image resized to `width x height` like PIL's `Image.resize(size, filter)`: separable
    /// (horizontal pass, rounded to 8 bits, then vertical pass), pixel-centre aligned, antialiased
    /// when downsampling, fixed-point 8-bit arithmetic. Torchvision's `Resize` on PIL images is this.
    /// Every channel is filtered alike: for RGBA this differs from Pillow, which premultiplies by
    /// alpha first (decoded images are RGB or gray, so the pipelines never meet this case).
    public func resized(width newWidth: Int, height newHeight: Int, resampling: ImageResampling = .bilinear) -> PixelImage {
        precondition(newWidth > 0 && newHeight > 0, "resized: target size \(newWidth)x\(newHeight) must be positive")
        let horizontalTaps = ResampleTaps(inSize: width, outSize: newWidth, filter: resampling)
        let verticalTaps = ResampleTaps(inSize: height, outSize: newHeight, filter: resampling)
        // Observed with Pillow 13.0 (fixture tests): when the width grows and the height shrinks
        // it runs the vertical pass first, otherwise horizontal first. The order changes the 8-bit
        // intermediate, hence the output by a few levels.
        if newWidth > width && newHeight < height {
            return resampledVertically(verticalTaps, newHeight).resampledHorizontally(horizontalTaps, newWidth)
        }
        var result = self
        if newWidth != width { result = result.resampledHorizontally(horizontalTaps, newWidth) }
        if newHeight != height { result = result.resampledVertically(verticalTaps, newHeight) }
        return result
    }

    /// Horizontal pass: each output pixel is a weighted sum along its row.
    private func resampledHorizontally(_ taps: ResampleTaps, _ newWidth: Int) -> PixelImage {
        var output = PixelImage(width: newWidth, height: height, channels: channels)
        let channels = self.channels, width = self.width, rowCount = height
        let half = Int32(1) << Int32(ResampleTaps.precisionBits - 1)
        pixels.withUnsafeBufferPointer { input in
            output.pixels.withUnsafeMutableBufferPointer { out in
                taps.weights.withUnsafeBufferPointer { weights in
                    for y in 0..<rowCount {
                        let inRow = y &* width &* channels, outRow = y &* newWidth &* channels
                        for x in 0..<newWidth {
                            let count = taps.count[x], base = x &* taps.taps
                            var source = inRow &+ taps.first[x] &* channels
                            if channels == 3 {
                                // The common RGB case with three accumulators (2-3x faster than the loop below).
                                var red = half, green = half, blue = half
                                for tap in 0..<count {
                                    let weight = weights[base &+ tap]
                                    red &+= Int32(input[source]) &* weight
                                    green &+= Int32(input[source &+ 1]) &* weight
                                    blue &+= Int32(input[source &+ 2]) &* weight
                                    source &+= 3
                                }
                                out[outRow &+ x &* 3] = ResampleTaps.clip8(red)
                                out[outRow &+ x &* 3 &+ 1] = ResampleTaps.clip8(green)
                                out[outRow &+ x &* 3 &+ 2] = ResampleTaps.clip8(blue)
                                continue
                            }
                            for c in 0..<channels {
                                var sum = half
                                for tap in 0..<count {
                                    sum &+= Int32(input[source &+ tap &* channels &+ c]) &* weights[base &+ tap]
                                }
                                out[outRow &+ x &* channels &+ c] = ResampleTaps.clip8(sum)
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// Vertical pass: each output row is a weighted sum of whole input rows (a vectorizable loop).
    private func resampledVertically(_ taps: ResampleTaps, _ newHeight: Int) -> PixelImage {
        var output = PixelImage(width: width, height: newHeight, channels: channels)
        let rowLength = width * channels
        var sums = [Int32](repeating: 0, count: rowLength)
        let half = Int32(1) << Int32(ResampleTaps.precisionBits - 1)
        pixels.withUnsafeBufferPointer { input in
            output.pixels.withUnsafeMutableBufferPointer { out in
                sums.withUnsafeMutableBufferPointer { sums in
                    for y in 0..<newHeight {
                        for index in 0..<rowLength { sums[index] = half }
                        for tap in 0..<taps.count[y] {
                            let weight = taps.weights[y &* taps.taps &+ tap]
                            let source = (taps.first[y] &+ tap) &* rowLength
                            for index in 0..<rowLength { sums[index] &+= Int32(input[source &+ index]) &* weight }
                        }
                        for index in 0..<rowLength { out[y &* rowLength &+ index] = ResampleTaps.clip8(sums[index]) }
                    }
                }
            }
        }
        return output
    }
}
