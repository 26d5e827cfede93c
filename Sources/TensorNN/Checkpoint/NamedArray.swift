//! Named arrays: what weight files hold, before they become tensors.

/// Element types of weight files (safetensors names). Every type is converted to `Float` on read.
public enum StoredDType: String, Sendable, CaseIterable {
    case float32 = "F32"
    case float16 = "F16"
    case bfloat16 = "BF16"
    case float64 = "F64"
    case int64 = "I64"
    case int32 = "I32"
    case int16 = "I16"
    case int8 = "I8"
    case uint8 = "U8"
    case bool = "BOOL"

    /// Bytes per element.
    public var byteCount: Int {
        switch self {
        case .float64, .int64: 8
        case .float32, .int32: 4
        case .float16, .bfloat16, .int16: 2
        case .int8, .uint8, .bool: 1
        }
    }
}

/// One array of a weights file: its shape (row-major), its values as Float, and the element type
/// it was stored with (kept so a round trip writes integers such as BN's `num_batches_tracked` back
/// as integers).
public struct NamedArray: Sendable, Equatable {
    public var shape: [Int]
    public var values: [Float]
    public var storedDType: StoredDType

    public init(shape: [Int], values: [Float], storedDType: StoredDType = .float32) {
        precondition(shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == values.count,
                     "NamedArray: \(values.count) values for shape \(shape)")
        self.shape = shape
        self.values = values
        self.storedDType = storedDType
    }
}

/// Decodes IEEE half and bfloat16 bit patterns (no dependency on `Float16` availability).
enum HalfPrecision {
    /// IEEE 754 binary16 -> Float, including subnormals, infinities and NaN.
    static func float(fromHalf bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = Int((bits >> 10) & 0x1F)
        let mantissa = UInt32(bits & 0x03FF)
        switch exponent {
        case 0:
            // Subnormal (or zero): mantissa * 2^-24.
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign == 0 ? magnitude : -magnitude
        case 31:
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        default:
            return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
        }
    }

    /// bfloat16 is the top half of a Float.
    static func float(fromBFloat bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }
}
