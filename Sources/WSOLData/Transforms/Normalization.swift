//! 8-bit images to normalised float planes (`ToTensor` + `Normalize`).

/// Per-channel normalisation `(value / 255 - mean[c]) / std[c]` into channel-major (CHW) floats.
public struct Normalization: Sendable, Equatable {
    public var mean: [Float]
    public var std: [Float]

    /// ImageNet statistics (RGB): mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225).
    public static let imageNet = Normalization(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])

    public init(mean: [Float], std: [Float]) {
        precondition(mean.count == std.count && std.allSatisfy { $0 > 0 }, "Normalization: one positive std per mean")
        self.mean = mean
        self.std = std
    }

    /// Writes `image` (channels = `mean.count`) as `[C, H, W]` floats into `destination`, which
    /// must hold `C * H * W` values (e.g. one image's slot of an NCHW batch).
    public func write(_ image: PixelImage, into destination: UnsafeMutableBufferPointer<Float>) {
        let channels = mean.count, planeSize = image.width * image.height
        precondition(image.channels == channels, "Normalization: image has \(image.channels) channels, expected \(channels)")
        precondition(destination.count >= channels * planeSize, "Normalization: destination too small")
        image.pixels.withUnsafeBufferPointer { source in
            for c in 0..<channels {
                // (v / 255 - m) / s = v * (1 / (255 s)) - m / s
                let scale = 1 / (255 * std[c]), offset = -mean[c] / std[c]
                let plane = destination.baseAddress! + c * planeSize
                for index in 0..<planeSize {
                    plane[index] = Float(source[index &* channels &+ c]) * scale + offset
                }
            }
        }
    }

    /// `image` as `[C, H, W]` floats.
    public func callAsFunction(_ image: PixelImage) -> [Float] {
        [Float](unsafeUninitializedCapacity: image.channels * image.width * image.height) { buffer, count in
            write(image, into: buffer)
            count = buffer.count
        }
    }
}
