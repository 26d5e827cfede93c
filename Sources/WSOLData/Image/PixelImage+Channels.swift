//! Channel conversions of `PixelImage`, with PIL's rules.

extension PixelImage {
    /// This image with `channels` channels (1, 3 or 4), converted as PIL's `Image.convert` does:
    /// gray -> RGB replicates, RGB(A) -> gray is ITU-R 601-2 luma
    /// `(19595 R + 38470 G + 7471 B + 32768) >> 16`, alpha is dropped (not composited) or set to 255.
    public func converted(toChannels target: Int) -> PixelImage {
        precondition(target == 1 || target == 3 || target == 4, "converted(toChannels:): \(target) is not 1, 3 or 4")
        if target == channels { return self }
        let count = width * height
        var output = [UInt8](repeating: 255, count: count * target)
        pixels.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                for index in 0..<count {
                    let source = index * channels
                    let red = Int(input[source])
                    let green = channels == 1 ? red : Int(input[source + 1])
                    let blue = channels == 1 ? red : Int(input[source + 2])
                    if target == 1 {
                        out[index] = UInt8((19595 * red + 38470 * green + 7471 * blue + 32768) >> 16)
                    } else {
                        out[index * target] = UInt8(red)
                        out[index * target + 1] = UInt8(green)
                        out[index * target + 2] = UInt8(blue)
                        if target == 4 { out[index * target + 3] = channels == 4 ? input[source + 3] : 255 }
                    }
                }
            }
        }
        return PixelImage(width: width, height: height, channels: target, pixels: output)
    }

    /// The value of channel `channel` at column `x`, row `y`.
    @inlinable public subscript(x: Int, y: Int, channel: Int) -> UInt8 {
        get { pixels[(y * width + x) * channels + channel] }
        set { pixels[(y * width + x) * channels + channel] = newValue }
    }
}
