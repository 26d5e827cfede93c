//! Post-processing of raw maps as explicit steps: ReLU, upsampling, normalisation, closing.
import TensorCore

/// A map size in pixels (`width` columns, `height` rows).
public struct MapSize: Sendable, Hashable, CustomStringConvertible {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
    public var description: String { "\(width)x\(height)" }
}

/// How a raw map (layer resolution, any range) becomes a score map, in this order:
///
/// 1. ReLU, if ``relu`` says so (by default: if the method's published form has it).
/// 2. Upsampling from `h × w` straight to the output size (the network input, or the original
///    image for `--original-size`) with OpenCV's bicubic (`a = −0.75`, half-pixel centres:
///    wsolevaluation) or bilinear (most CAM libraries).
/// 3. Normalisation of the upsampled map: min-max (wsolevaluation's `normalize_scoremap`:
///    NaN or constant maps become all zeros), max-only (`M / max M`, negatives clipped to 0, an
///    all-non-positive map becomes zeros), or none (raw values, for analysis).
/// 4. Optional grey-level morphological closing with an elliptical kernel (DGL's LID entry).
///
/// Normalising after upsampling makes bicubic overshoot harmless, as in wsolevaluation.
public struct Postprocessing: Sendable, Hashable {
    public enum ReLUChoice: String, Sendable, CaseIterable {
        case methodDefault = "default", on, off
    }
    public enum Normalization: String, Sendable, CaseIterable {
        case minMax = "minmax", maxOnly = "max", none
    }
    public enum Upsampling: String, Sendable, CaseIterable {
        case bicubic, bilinear
        var method: UpsampleMethod { self == .bicubic ? .bicubic : .bilinear }
    }

    public var relu: ReLUChoice
    public var upsampling: Upsampling
    public var normalization: Normalization
    /// Side of the elliptical closing kernel (odd, >= 3), or nil for no closing.
    public var closingKernelSize: Int?

    /// wsolevaluation's chain: method-default ReLU, bicubic, min-max, no closing.
    public init(relu: ReLUChoice = .methodDefault, upsampling: Upsampling = .bicubic,
                normalization: Normalization = .minMax, closingKernelSize: Int? = nil) {
        self.relu = relu
        self.upsampling = upsampling
        self.normalization = normalization
        self.closingKernelSize = closingKernelSize
    }

    /// Whether step 1 applies for a method whose published form does (`methodApplies`) or not.
    public func appliesReLU(methodDefault methodApplies: Bool) -> Bool {
        switch relu {
        case .methodDefault: return methodApplies
        case .on: return true
        case .off: return false
        }
    }

    /// Steps 1-4 on one raw map `[1, 1, h, w]` (or `[h, w]`), giving a map of `size`.
    public func apply(_ raw: Tensor, size: MapSize, methodReLU: Bool) -> ScoreMap {
        withNoGrad {
            let (height, width) = (raw.shape[raw.rank - 2], raw.shape[raw.rank - 1])
            var plane = raw.detached().reshaped(to: [1, 1, height, width])
            if appliesReLU(methodDefault: methodReLU) { plane = TensorCore.relu(plane) }
            if height != size.height || width != size.width {
                plane = upsample(plane, height: size.height, width: size.width, method: upsampling.method)
            }
            let map = ScoreMap(width: size.width, height: size.height, values: plane.scalars)
            return finish(normalize(map))
        }
    }

    /// Step 3 alone (also used after fusing several maps).
    public func normalize(_ map: ScoreMap) -> ScoreMap {
        switch normalization {
        case .minMax: return map.minMaxNormalized()
        case .maxOnly: return map.maxOnlyNormalized()
        case .none: return map
        }
    }

    /// Step 4 alone.
    public func finish(_ map: ScoreMap) -> ScoreMap {
        guard let side = closingKernelSize else { return map }
        return MorphologicalClosing(kernelSize: side).applied(to: map)
    }
}

extension ScoreMap {
    /// `M / max M` with negatives clipped to 0; all zeros when the map has a NaN or infinity or
    /// no positive value.
    public func maxOnlyNormalized() -> ScoreMap {
        var maximum = -Float.infinity
        for value in values {
            guard value.isFinite else { return ScoreMap(width: width, height: height, repeating: 0) }
            maximum = Swift.max(maximum, value)
        }
        guard maximum > 0 else { return ScoreMap(width: width, height: height, repeating: 0) }
        return ScoreMap(width: width, height: height, values: values.map { $0 > 0 ? $0 / maximum : 0 })
    }
}
