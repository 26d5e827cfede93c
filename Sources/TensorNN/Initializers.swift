//! Weight initialisers with PyTorch's formulas, reproducible from an explicit generator.
import TensorCore

/// How a layer's weights are drawn. `fanIn`/`fanOut` follow PyTorch: for a conv weight
/// `[O, I/groups, kH, kW]`, fanIn = `I/groups·kH·kW`, fanOut = `O·kH·kW`.
public enum WeightInitializer: Sendable {
    /// PyTorch's default for Conv2d/Linear: `kaiming_uniform_(a=√5)`, i.e. U(±1/√fanIn).
    case pytorchDefault
    /// `kaiming_normal_(mode='fan_out', nonlinearity='relu')`: N(0, 2/fanOut) (torchvision ResNet/VGG, wsolevaluation).
    case kaimingNormalFanOut
    /// `xavier_uniform_`: U(±√(6/(fanIn+fanOut))).
    case xavierUniform
    /// N(mean, std²), e.g. wsolevaluation's N(0, 0.01) for linear heads.
    case normal(mean: Float, standardDeviation: Float)
    /// All zeros.
    case zeros

    /// Draws a weight of `shape` (first axis = outputs).
    public func weight(shape: [Int], using generator: inout RandomGenerator) -> Tensor {
        let receptive = shape.dropFirst(2).reduce(1, *)
        let fanIn = Float(shape.count > 1 ? shape[1] * receptive : shape[0])
        let fanOut = Float(shape[0] * receptive)
        switch self {
        case .pytorchDefault:
            let bound = 1 / fanIn.squareRoot()
            return Tensor.randomUniform(shape: shape, lower: -bound, upper: bound, using: &generator)
        case .kaimingNormalFanOut:
            return Tensor.randomNormal(shape: shape, standardDeviation: (2 / fanOut).squareRoot(), using: &generator)
        case .xavierUniform:
            let bound = (6 / (fanIn + fanOut)).squareRoot()
            return Tensor.randomUniform(shape: shape, lower: -bound, upper: bound, using: &generator)
        case .normal(let mean, let standardDeviation):
            return Tensor.randomNormal(shape: shape, mean: mean, standardDeviation: standardDeviation, using: &generator)
        case .zeros:
            return Tensor.zeros(shape: shape)
        }
    }

    /// PyTorch's default bias for Conv2d/Linear: U(±1/√fanIn).
    public static func defaultBias(count: Int, fanIn: Int, using generator: inout RandomGenerator) -> Tensor {
        let bound = 1 / Float(fanIn).squareRoot()
        return Tensor.randomUniform(shape: [count], lower: -bound, upper: bound, using: &generator)
    }
}
