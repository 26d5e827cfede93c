//! Fully connected layer.
import TensorCore

/// `y = x·Wᵀ + b`: input `[N, inFeatures]`, weight `[outFeatures, inFeatures]`, bias
/// `[outFeatures]`, output `[N, outFeatures]` (torchvision names `weight`, `bias`).
public final class Linear: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public var isTraining = true

    public init(inFeatures: Int, outFeatures: Int, bias hasBias: Bool = true,
                initializer: WeightInitializer = .pytorchDefault, using generator: inout RandomGenerator) {
        weight = Parameter(initializer.weight(shape: [outFeatures, inFeatures], using: &generator))
        bias = hasBias ? Parameter(WeightInitializer.defaultBias(count: outFeatures, fanIn: inFeatures, using: &generator)) : nil
    }

    public var ownParameters: [(String, Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        let product = matmul(input, weight.value, transposeB: true)
        guard let bias else { return product }
        return product + bias.value
    }
}
