//! Heat maps over photos, with boxes drawn on top.
import TensorCore
import WSOLLocalization

/// Renders a score map over a photo: the colour of each pixel's score blended into the photo with
/// an opacity that grows with the score (so cold background keeps the photo readable), and boxes
/// outlined on top with a thin dark border so they stay visible over any colour.
public struct HeatmapOverlay: Sendable {
    public var colormap: Colormap
    /// Opacity of the heat colour at score 0 and at score 1 (linear in between).
    public var opacity: (low: Float, high: Float)
    /// The overlay's longer side is at most this many pixels (large photos are reduced).
    public var maxSide: Int

    public init(colormap: Colormap = .turbo, opacity: (low: Float, high: Float) = (0.25, 0.6), maxSide: Int = 800) {
        self.colormap = colormap
        self.opacity = opacity
        self.maxSide = maxSide
    }

    /// A box to draw, in the score map's frame (inclusive corners), and its colour.
    public struct MarkedBox: Sendable {
        public var box: Box
        public var color: (r: UInt8, g: UInt8, b: UInt8)
        public init(box: Box, color: (r: UInt8, g: UInt8, b: UInt8)) {
            self.box = box
            self.color = color
        }
        /// Predicted boxes: bright green.
        public static func predicted(_ box: Box) -> MarkedBox { MarkedBox(box: box, color: (40, 255, 90)) }
        /// Ground-truth boxes: magenta (absent from Turbo and Jet).
        public static func groundTruth(_ box: Box) -> MarkedBox { MarkedBox(box: box, color: (255, 40, 255)) }
    }

    /// The photo (any size, RGB or gray) with `map` stretched over it and `boxes` (given in the
    /// map's frame) drawn, as an RGB image whose longer side is at most ``maxSide``.
    public func render(photo: PixelImage, map: ScoreMap, boxes: [MarkedBox]) -> PixelImage {
        var base = photo.converted(toChannels: 3)
        let scale = Swift.min(1, Double(maxSide) / Double(Swift.max(base.width, base.height)))
        if scale < 1 {
            base = base.resized(width: Swift.max(1, Int(Double(base.width) * scale)),
                                height: Swift.max(1, Int(Double(base.height) * scale)))
        }
        let heat = Self.resized(map, width: base.width, height: base.height)
        for index in 0..<(base.width * base.height) {
            let value = heat.values[index]
            let alpha = opacity.low + (opacity.high - opacity.low) * Swift.min(Swift.max(value, 0), 1)
            let color = colormap.color(value)
            for (c, channel) in [color.r, color.g, color.b].enumerated() {
                let mixed = (1 - alpha) * Float(base.pixels[index * 3 + c]) + alpha * Float(channel)
                base.pixels[index * 3 + c] = UInt8(Swift.min(Swift.max(mixed.rounded(), 0), 255))
            }
        }
        let thickness = Swift.max(2, Swift.min(base.width, base.height) / 110)
        for marked in boxes {
            let box = Self.rescaled(marked.box, from: MapSize(width: map.width, height: map.height),
                                    to: MapSize(width: base.width, height: base.height))
            BoxDrawing.outline(box, color: marked.color, thickness: thickness, on: &base)
        }
        return base
    }

    /// `map` resized to `width x height` with bilinear interpolation (display only).
    static func resized(_ map: ScoreMap, width: Int, height: Int) -> ScoreMap {
        if map.width == width && map.height == height { return map }
        let plane = Tensor(shape: [1, 1, map.height, map.width], scalars: map.values)
        let output = withNoGrad { upsample(plane, height: height, width: width, method: .bilinear) }
        return ScoreMap(width: width, height: height, values: output.scalars)
    }

    /// An inclusive box of a `from` frame mapped to the pixels it covers in a `to` frame.
    public static func rescaled(_ box: Box, from: MapSize, to: MapSize) -> Box {
        let sx = Double(to.width) / Double(from.width), sy = Double(to.height) / Double(from.height)
        return Box(x0: Int(Double(box.x0) * sx), y0: Int(Double(box.y0) * sy),
                   x1: Swift.max(Int(Double(box.x0) * sx), Int(Double(box.x1 + 1) * sx) - 1),
                   y1: Swift.max(Int(Double(box.y0) * sy), Int(Double(box.y1 + 1) * sy) - 1))
    }
}

/// Rectangle outlines on RGB images.
public enum BoxDrawing {
    /// Draws the outline of `box` (inclusive, clipped to the image) `thickness` pixels wide, inside
    /// the box, with a one-pixel dark border on both sides of the coloured band.
    public static func outline(_ box: Box, color: (r: UInt8, g: UInt8, b: UInt8), thickness: Int,
                               on image: inout PixelImage) {
        let dark: (r: UInt8, g: UInt8, b: UInt8) = (20, 20, 20)
        ring(box, inset: -1, width: 1, color: dark, on: &image)
        ring(box, inset: 0, width: thickness, color: color, on: &image)
        ring(box, inset: thickness, width: 1, color: dark, on: &image)
    }

    /// Fills the band of `width` pixels starting `inset` pixels inside the box's border.
    private static func ring(_ box: Box, inset: Int, width: Int, color: (r: UInt8, g: UInt8, b: UInt8),
                             on image: inout PixelImage) {
        let (x0, y0, x1, y1) = (box.x0 + inset, box.y0 + inset, box.x1 - inset, box.y1 - inset)
        guard x0 <= x1, y0 <= y1 else { return }
        for y in y0...y1 {
            for x in x0...x1 {
                let onBand = x < x0 + width || x > x1 - width || y < y0 + width || y > y1 - width
                guard onBand, x >= 0, y >= 0, x < image.width, y < image.height else { continue }
                let offset = (y * image.width + x) * image.channels
                image.pixels[offset] = color.r
                image.pixels[offset + 1] = color.g
                image.pixels[offset + 2] = color.b
            }
        }
    }
}
