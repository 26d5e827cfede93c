//! torchvision's `ColorJitter` on PIL images: PIL's `ImageEnhance` blends and an HSV hue shift.

/// Random brightness, contrast, saturation and hue changes, applied in a random order.
///
/// Each factor is drawn uniformly from `[max(0, 1 - v), 1 + v]` (hue: a shift in `[-hue, hue]`
/// turns, `hue <= 0.5`); a zero amount skips that step. As PIL's `ImageEnhance`, each step blends
/// the image with a "degenerate" image: black (brightness), the mean luma (contrast), the luma
/// image (saturation), `out = trunc(degenerate + factor * (image - degenerate))`, clamped to 0...255.
public struct ColorJitter: Sendable, Equatable {
    public var brightness: Double
    public var contrast: Double
    public var saturation: Double
    public var hue: Double

    public init(brightness: Double = 0, contrast: Double = 0, saturation: Double = 0, hue: Double = 0) {
        precondition(brightness >= 0 && contrast >= 0 && saturation >= 0 && (0...0.5).contains(hue),
                     "ColorJitter: amounts must be >= 0 and hue <= 0.5")
        self.brightness = brightness
        self.contrast = contrast
        self.saturation = saturation
        self.hue = hue
    }

    /// Draws the order and the factors, then applies the steps to an RGB image.
    public func apply(_ image: PixelImage, random: inout SeededRandom) -> PixelImage {
        precondition(image.channels == 3, "ColorJitter: needs an RGB image")
        var order = [0, 1, 2, 3]
        random.shuffle(&order)
        let brightnessFactor = random.uniform(max(0, 1 - brightness), 1 + brightness)
        let contrastFactor = random.uniform(max(0, 1 - contrast), 1 + contrast)
        let saturationFactor = random.uniform(max(0, 1 - saturation), 1 + saturation)
        let hueShift = random.uniform(-hue, hue)
        var result = image
        for step in order {
            switch step {
            case 0 where brightness > 0: result = Self.blend(result, degenerate: { _ in 0 }, factor: brightnessFactor)
            case 1 where contrast > 0:
                let mean = Self.meanLuma(result)
                result = Self.blend(result, degenerate: { _ in mean }, factor: contrastFactor)
            case 2 where saturation > 0:
                let luma = result.converted(toChannels: 1).pixels
                result = Self.blend(result, degenerate: { luma[$0 / 3] }, factor: saturationFactor)
            case 3 where hue > 0: result = Self.shiftHue(result, by: hueShift)
            default: break
            }
        }
        return result
    }

    /// PIL's `Image.blend(degenerate, image, factor)` for 8-bit data: truncation, then clamping.
    static func blend(_ image: PixelImage, degenerate: (Int) -> UInt8, factor: Double) -> PixelImage {
        var output = image
        let alpha = Float(factor)
        for index in image.pixels.indices {
            let base = Float(degenerate(index))
            let value = base + alpha * (Float(image.pixels[index]) - base)
            output.pixels[index] = value <= 0 ? 0 : (value >= 255 ? 255 : UInt8(value))
        }
        return output
    }

    /// `int(mean of the luma image + 0.5)`, as `ImageEnhance.Contrast`.
    static func meanLuma(_ image: PixelImage) -> UInt8 {
        let luma = image.converted(toChannels: 1).pixels
        let total = luma.reduce(0) { $0 + Int($1) }
        return UInt8(Double(total) / Double(max(luma.count, 1)) + 0.5)
    }

    /// torchvision's `adjust_hue` on PIL: to PIL's 8-bit HSV, add `uint8(shift * 255)` to H with
    /// wrap-around, back to RGB.
    static func shiftHue(_ image: PixelImage, by shift: Double) -> PixelImage {
        var output = image
        let offset = UInt8(truncatingIfNeeded: Int((shift * 255).rounded(.towardZero)))
        for pixel in 0..<(image.width * image.height) {
            let index = pixel * 3
            var (h, s, v) = HSV.fromRGB(image.pixels[index], image.pixels[index + 1], image.pixels[index + 2])
            h = h &+ offset
            let (r, g, b) = HSV.toRGB(h, s, v)
            output.pixels[index] = r
            output.pixels[index + 1] = g
            output.pixels[index + 2] = b
        }
        return output
    }
}

/// PIL's 8-bit HSV conversions (`ImageMode` "HSV": H, S, V each 0...255), including where PIL's
/// C code computes in `float` and where in `double`: the last bit matters after truncation.
enum HSV {
    static func fromRGB(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> (UInt8, UInt8, UInt8) {
        let maximum = max(r, g, b), minimum = min(r, g, b)
        guard maximum != minimum else { return (0, 0, maximum) }
        let range = Float(maximum - minimum)
        let saturation = range / Float(maximum)
        let rc = Float(maximum - r) / range, gc = Float(maximum - g) / range, bc = Float(maximum - b) / range
        var hue: Float
        if r == maximum {
            hue = bc - gc
        } else if g == maximum {
            hue = Float(2.0 + Double(rc) - Double(bc))
        } else {
            hue = Float(4.0 + Double(gc) - Double(rc))
        }
        hue = Float((Double(hue) / 6.0 + 1.0).truncatingRemainder(dividingBy: 1.0))
        return (clip8(Int(Double(hue) * 255.0)), clip8(Int(Double(saturation) * 255.0)), maximum)
    }

    static func toRGB(_ h: UInt8, _ s: UInt8, _ v: UInt8) -> (UInt8, UInt8, UInt8) {
        guard s != 0 else { return (v, v, v) }
        let scaled = Double(h) * 6.0 / 255.0
        let sector = Int(scaled.rounded(.down))
        let fraction = Float(scaled - Double(sector))
        let fs = Float(Double(s) / 255.0), value = Double(v)
        let p = clip8(Int((value * (1.0 - Double(fs))).rounded()))
        let q = clip8(Int((value * (1.0 - Double(fs * fraction))).rounded()))
        let t = clip8(Int((value * (1.0 - Double(fs) * (1.0 - Double(fraction)))).rounded()))
        switch sector % 6 {
        case 0: return (v, t, p)
        case 1: return (q, v, p)
        case 2: return (p, v, t)
        case 3: return (p, q, v)
        case 4: return (t, p, v)
        default: return (v, p, q)
        }
    }

    private static func clip8(_ value: Int) -> UInt8 { UInt8(min(max(value, 0), 255)) }
}
