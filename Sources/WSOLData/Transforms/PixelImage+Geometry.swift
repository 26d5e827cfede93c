//! Crops, padding and flips of `PixelImage`.

extension PixelImage {
    /// The `width x height` region whose top-left pixel is `(left, top)`. Parts outside the image
    /// are zero (torchvision pads with zeros when a crop is larger than the image).
    public func cropped(left: Int, top: Int, width cropWidth: Int, height cropHeight: Int) -> PixelImage {
        precondition(cropWidth > 0 && cropHeight > 0, "cropped: size \(cropWidth)x\(cropHeight) must be positive")
        var output = PixelImage(width: cropWidth, height: cropHeight, channels: channels)
        let firstX = max(left, 0), lastX = min(left + cropWidth, width)
        guard firstX < lastX else { return output }
        let rowBytes = (lastX - firstX) * channels
        for y in max(top, 0)..<max(min(top + cropHeight, height), max(top, 0)) {
            let source = (y * width + firstX) * channels
            let destination = ((y - top) * cropWidth + (firstX - left)) * channels
            output.pixels.replaceSubrange(destination..<destination + rowBytes, with: pixels[source..<source + rowBytes])
        }
        return output
    }

    /// The image mirrored left-right.
    public func flippedHorizontally() -> PixelImage {
        var output = self
        for y in 0..<height {
            for x in 0..<width {
                let source = (y * width + (width - 1 - x)) * channels, destination = (y * width + x) * channels
                for c in 0..<channels { output.pixels[destination + c] = pixels[source + c] }
            }
        }
        return output
    }
}
